/**
 * Pulumi's own dynamic-provider host driven over gRPC the way the engine drives it: configure,
 * check, diff, create, read, update and delete. The child process is hostProcess.ts's job, the
 * property encoding propertyWire.ts's, and the failed call providerErrors.ts's; their types are
 * exported from here too, where the tests import them.
 */
import { ChildProcess } from "child_process";
import * as grpc from "@grpc/grpc-js";
import * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { spawnHostProcess } from "./hostProcess";
import { decodeInitFailure, ProviderOperationError } from "./providerErrors";
import { PropertyMap, fromStruct, toStruct } from "./propertyWire";

export { UNKNOWN } from "./propertyWire";
export type { PropertyMap } from "./propertyWire";
export { ProviderOperationError } from "./providerErrors";
export type { InitFailure } from "./providerErrors";

const DEFAULT_TYPE = "pulumi-nodejs:dynamic/mailtrap:ApiToken";
const DEFAULT_STACK = "dev";
const DEFAULT_PROJECT = "mailtrap-test";
// Serialized providers embed whole closures, so they can exceed gRPC's 4 MB default.
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;
const STOP_GRACE_MS = 5000;

export interface CheckFailure {
    property: string;
    reason: string;
}

export interface DiffResult {
    changes: "none" | "some" | "unknown";
    replaces: string[];
    deleteBeforeReplace: boolean;
}

export interface ProviderHostOptions {
    /** Merged over process.env; `undefined` removes the variable. */
    env?: Record<string, string | undefined>;
    /** The host resolves `require`s of the deserialized provider relative to its cwd (require-from-string); defaults to the repo root. */
    cwd?: string;
    startTimeoutMs?: number;
    callTimeoutMs?: number;
}

export function resourceUrn(
    name: string,
    type: string = DEFAULT_TYPE,
    stack: string = DEFAULT_STACK,
    project: string = DEFAULT_PROJECT,
): string {
    return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

type UnaryMethod<Request, Response> = (
    request: Request,
    metadata: grpc.Metadata,
    options: Partial<grpc.CallOptions>,
    callback: (error: grpc.ServiceError | null, response: Response) => void,
) => grpc.ClientUnaryCall;

/** Pulumi's own dynamic-provider host as a child process, driven over gRPC the way the engine drives it. */
export class ProviderHost {
    readonly port: number;
    /** The host's process id, so tests can prove it is gone after stop(). */
    readonly pid: number;
    private readonly child: ChildProcess;
    private readonly client: providerGrpc.ResourceProviderClient;
    private readonly callTimeoutMs: number;
    private readonly outputChunks: string[];
    private readonly exited: Promise<void>;
    private readonly closed: Promise<void>;

    private constructor(
        port: number,
        child: ChildProcess,
        client: providerGrpc.ResourceProviderClient,
        callTimeoutMs: number,
        outputChunks: string[],
        exited: Promise<void>,
        closed: Promise<void>,
    ) {
        this.port = port;
        this.pid = child.pid!;
        this.child = child;
        this.client = client;
        this.callTimeoutMs = callTimeoutMs;
        this.outputChunks = outputChunks;
        this.exited = exited;
        this.closed = closed;
    }

    static async start(options: ProviderHostOptions = {}): Promise<ProviderHost> {
        // A host loads @pulumi/pulumi (about a second of CPU on a quiet core); under .ci/run's two lanes it can take far longer.
        const startTimeoutMs = options.startTimeoutMs ?? 45000;
        const { child, port, outputChunks, exited, closed } = await spawnHostProcess({
            env: options.env,
            cwd: options.cwd,
            startTimeoutMs,
        });

        const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
            "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
            // A partial create or update carries its state (the serialized provider included) in the error metadata, as the engine receives it.
            "grpc.max_metadata_size": MAX_MESSAGE_BYTES,
        });
        const host = new ProviderHost(port, child, client, options.callTimeoutMs ?? 60000, outputChunks, exited, closed);
        try {
            await new Promise<void>((resolve, reject) =>
                client.waitForReady(Date.now() + startTimeoutMs, (error) => (error ? reject(error) : resolve())),
            );
        } catch (error) {
            await host.stop();
            throw error;
        }
        return host;
    }

    /** Everything the host printed on stdout and stderr after its port line. */
    output(): string {
        return this.outputChunks.join("");
    }

    async configure(config: Record<string, string>): Promise<void> {
        const request = new providerProto.ConfigureRequest();
        request.setArgs(toStruct(config));
        const variables = request.getVariablesMap();
        for (const [key, value] of Object.entries(config)) {
            variables.set(key, value);
        }
        request.setAcceptsecrets(true);
        request.setAcceptresources(true);
        await this.unary("configure", this.client.configure, request);
    }

    async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<{ inputs: PropertyMap; failures: CheckFailure[] }> {
        const request = new providerProto.CheckRequest();
        request.setUrn(urn);
        request.setOlds(toStruct(olds));
        request.setNews(toStruct(news));
        request.setRandomseed(new Uint8Array(32));
        const response = await this.unary("check", this.client.check, request);
        return {
            inputs: fromStruct(response.getInputs()),
            failures: response.getFailuresList().map((failure) => ({ property: failure.getProperty(), reason: failure.getReason() })),
        };
    }

    async diff(id: string, urn: string, olds: PropertyMap, news: PropertyMap): Promise<DiffResult> {
        const request = new providerProto.DiffRequest();
        request.setId(id);
        request.setUrn(urn);
        request.setOlds(toStruct(olds));
        request.setNews(toStruct(news));
        const response = await this.unary("diff", this.client.diff, request);
        const changesByCode: Record<number, DiffResult["changes"]> = {
            [providerProto.DiffResponse.DiffChanges.DIFF_NONE]: "none",
            [providerProto.DiffResponse.DiffChanges.DIFF_SOME]: "some",
            [providerProto.DiffResponse.DiffChanges.DIFF_UNKNOWN]: "unknown",
        };
        return {
            changes: changesByCode[response.getChanges()] ?? "unknown",
            replaces: response.getReplacesList(),
            deleteBeforeReplace: response.getDeletebeforereplace(),
        };
    }

    async create(
        urn: string,
        properties: PropertyMap,
        options: { preview?: boolean } = {},
    ): Promise<{ id: string; properties: PropertyMap }> {
        const request = new providerProto.CreateRequest();
        request.setUrn(urn);
        request.setProperties(toStruct(properties));
        request.setPreview(options.preview ?? false);
        const response = await this.unary("create", this.client.create, request);
        return { id: response.getId(), properties: fromStruct(response.getProperties()) };
    }

    /** An empty `id` in the result means the provider reports the resource as gone. */
    async read(
        id: string,
        urn: string,
        properties: PropertyMap,
        inputs?: PropertyMap,
    ): Promise<{ id: string; properties: PropertyMap; inputs?: PropertyMap }> {
        const request = new providerProto.ReadRequest();
        request.setId(id);
        request.setUrn(urn);
        request.setProperties(toStruct(properties));
        if (inputs) {
            request.setInputs(toStruct(inputs));
        }
        const response = await this.unary("read", this.client.read, request);
        const result: { id: string; properties: PropertyMap; inputs?: PropertyMap } = {
            id: response.getId(),
            properties: fromStruct(response.getProperties()),
        };
        if (response.hasInputs()) {
            result.inputs = fromStruct(response.getInputs());
        }
        return result;
    }

    async update(
        id: string,
        urn: string,
        olds: PropertyMap,
        news: PropertyMap,
        options: { preview?: boolean } = {},
    ): Promise<{ properties: PropertyMap }> {
        const request = new providerProto.UpdateRequest();
        request.setId(id);
        request.setUrn(urn);
        request.setOlds(toStruct(olds));
        request.setNews(toStruct(news));
        request.setPreview(options.preview ?? false);
        const response = await this.unary("update", this.client.update, request);
        return { properties: fromStruct(response.getProperties()) };
    }

    async delete(id: string, urn: string, properties: PropertyMap): Promise<void> {
        const request = new providerProto.DeleteRequest();
        request.setId(id);
        request.setUrn(urn);
        request.setProperties(toStruct(properties));
        await this.unary("delete", this.client.delete, request);
    }

    /** Closes the client and kills the host (SIGTERM, then SIGKILL after a grace period); resolves once it has exited. */
    async stop(): Promise<void> {
        this.client.close();
        if (this.child.exitCode === null && this.child.signalCode === null) {
            this.child.kill("SIGTERM");
            const graceTimer = setTimeout(() => this.child.kill("SIGKILL"), STOP_GRACE_MS);
            await this.exited;
            clearTimeout(graceTimer);
        }
        await this.exited;
    }

    /**
     * Stops the host, then returns everything it printed: its stdout is a pipe, so a line printed
     * before an answer may arrive after it, but never after the pipe has ended.
     */
    async stopAndReadOutput(): Promise<string> {
        await this.stop();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([this.closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)))]);
        clearTimeout(timer);
        return this.output();
    }

    private unary<Request, Response>(operation: string, method: UnaryMethod<Request, Response>, request: Request): Promise<Response> {
        return new Promise<Response>((resolve, reject) => {
            method.call(
                this.client,
                request,
                new grpc.Metadata(),
                { deadline: Date.now() + this.callTimeoutMs },
                (error: grpc.ServiceError | null, response: Response) => {
                    if (error) {
                        reject(new ProviderOperationError(operation, error.code, error.details, decodeInitFailure(error.metadata)));
                    } else {
                        resolve(response);
                    }
                },
            );
        });
    }
}
