/**
 * Where the lifecycle's lines go while the native provider serves: the engine's Log, filed under
 * the URN of the resource the RPC in flight is about, or stderr when there is no engine.
 */
import { AsyncLocalStorage } from "async_hooks";
import * as grpc from "@grpc/grpc-js";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import { scrub } from "./wire";

/** What one RPC in flight is about: lines printed during it go to the engine with this URN. */
interface CallScope {
    urn: string;
    logs: Promise<void>[];
}

/** Where the lifecycle's lines go: the engine's Log with the URN, or stderr without an engine. */
export class LineSink {
    private readonly scope = new AsyncLocalStorage<CallScope>();
    private readonly engine?: enginerpc.EngineClient;
    private readonly redact: () => string[];

    constructor(engineAddress: string | undefined, redact: () => string[]) {
        this.redact = redact;
        if (engineAddress) {
            this.engine = new enginerpc.EngineClient(engineAddress, grpc.credentials.createInsecure());
        }
    }

    /** Runs `work` with lines attributed to `urn`; answers only once its lines reached the engine. */
    async run<T>(urn: string, work: () => Promise<T>): Promise<T> {
        const scope: CallScope = { urn, logs: [] };
        try {
            return await this.scope.run(scope, work);
        } finally {
            await Promise.all(scope.logs);
        }
    }

    line(text: string, severity: engineproto.LogSeverity = engineproto.LogSeverity.INFO): void {
        const message = scrub(text, this.redact());
        const scope = this.scope.getStore();
        if (!this.engine) {
            process.stderr.write(`${message}\n`);
            return;
        }
        const request = new engineproto.LogRequest();
        request.setSeverity(severity);
        request.setMessage(message);
        request.setUrn(scope?.urn ?? "");
        request.setEphemeral(false);
        const sent = new Promise<void>((resolve) => {
            this.engine!.log(request, (error) => {
                if (error) process.stderr.write(`${message}\n`);
                resolve();
            });
        });
        scope?.logs.push(sent);
    }

    close(): void {
        this.engine?.close();
    }
}
