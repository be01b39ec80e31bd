import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import * as statusProto from "@pulumi/pulumi/proto/status_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** The engine's unknown-value sentinel, identical to `unknownValue` in @pulumi/pulumi/runtime/rpc. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** `specialSigKey` / `specialSecretSig` from @pulumi/pulumi/runtime/rpc: how a secret looks in a property map. */
const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

const DEFAULT_TYPE = "pulumi-nodejs:dynamic/mailtrap:ApiToken";
const DEFAULT_STACK = "dev";
const DEFAULT_PROJECT = "mailtrap-test";
const INIT_FAILURE_TYPE_NAME = "pulumirpc.ErrorResourceInitFailed";
// Serialized providers embed whole closures, so they can exceed gRPC's 4 MB default.
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;
const STOP_GRACE_MS = 5000;

export type PropertyMap = Record<string, unknown>;

export interface CheckFailure {
    property: string;
    reason: string;
}

export interface DiffResult {
    changes: "none" | "some" | "unknown";
    replaces: string[];
    deleteBeforeReplace: boolean;
}

export interface InitFailure {
    id: string;
    properties: PropertyMap;
    reasons: string[];
}

/** A failed gRPC call to the provider host; `message` is the gRPC details, i.e. the provider's error message. */
export class ProviderOperationError extends Error {
    readonly code: number;
    readonly details: string;
    /** Present when create/update failed after the resource was (partially) created: the provider threw an error carrying `id`. */
    readonly initFailure?: InitFailure;

    constructor(operation: string, code: number, details: string, initFailure?: InitFailure) {
        super(details);
        this.name = `ProviderOperationError(${operation})`;
        this.code = code;
        this.details = details;
        this.initFailure = initFailure;
    }
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

const liveHostProcesses = new Set<ChildProcess>();
let exitHookRegistered = false;

function registerExitHook(): void {
    if (exitHookRegistered) {
        return;
    }
    exitHookRegistered = true;
    process.on("exit", () => {
        for (const child of liveHostProcesses) {
            child.kill("SIGKILL");
        }
    });
}

function findRepoRoot(): string {
    let dir = __dirname;
    for (;;) {
        const manifest = path.join(dir, "package.json");
        if (fs.existsSync(manifest)) {
            const parsed = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string };
            if (parsed.name === "pulumi-mailtrap-tokens") {
                return dir;
            }
        }
        const parent = path.dirname(dir);
        if (parent === dir) {
            throw new Error(`no package.json named pulumi-mailtrap-tokens above ${__dirname}`);
        }
        dir = parent;
    }
}

function mergeEnv(overrides: Record<string, string | undefined> | undefined): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [key, value] of Object.entries(overrides ?? {})) {
        if (value === undefined) {
            delete env[key];
        } else {
            env[key] = value;
        }
    }
    return env;
}

function isSecretWrapper(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG;
}

/**
 * The dynamic provider answers Configure with acceptSecrets=false, so the engine strips secret
 * wrappers before sending properties; undefined has no Struct encoding and the engine never sends it.
 */
function toWireValue(value: unknown): unknown {
    if (isSecretWrapper(value)) {
        return toWireValue(value.value);
    }
    if (Array.isArray(value)) {
        return value.map((element) => (element === undefined ? null : toWireValue(element)));
    }
    if (typeof value === "object" && value !== null) {
        const result: Record<string, unknown> = {};
        for (const [key, element] of Object.entries(value)) {
            if (element !== undefined) {
                result[key] = toWireValue(element);
            }
        }
        return result;
    }
    return value;
}

function toStruct(properties: PropertyMap): Struct {
    return Struct.fromJavaScript(toWireValue(properties) as Parameters<typeof Struct.fromJavaScript>[0]);
}

function fromStruct(struct: Struct | undefined): PropertyMap {
    return struct ? (struct.toJavaScript() as PropertyMap) : {};
}

function decodeInitFailure(metadata: grpc.Metadata | undefined): InitFailure | undefined {
    const encoded = metadata?.get("grpc-status-details-bin") ?? [];
    for (const entry of encoded) {
        const bytes = typeof entry === "string" ? Buffer.from(entry, "base64") : entry;
        const status = statusProto.Status.deserializeBinary(new Uint8Array(bytes));
        for (const detail of status.getDetailsList()) {
            if (detail.getTypeName() !== INIT_FAILURE_TYPE_NAME) {
                continue;
            }
            const failure = providerProto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
            return {
                id: failure.getId(),
                properties: fromStruct(failure.getProperties()),
                reasons: failure.getReasonsList(),
            };
        }
    }
    return undefined;
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

    private constructor(
        port: number,
        child: ChildProcess,
        client: providerGrpc.ResourceProviderClient,
        callTimeoutMs: number,
        outputChunks: string[],
        exited: Promise<void>,
    ) {
        this.port = port;
        this.pid = child.pid!;
        this.child = child;
        this.client = client;
        this.callTimeoutMs = callTimeoutMs;
        this.outputChunks = outputChunks;
        this.exited = exited;
    }

    static async start(options: ProviderHostOptions = {}): Promise<ProviderHost> {
        registerExitHook();
        const repoRoot = findRepoRoot();
        const hostScript = require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js", { paths: [repoRoot] });
        const startTimeoutMs = options.startTimeoutMs ?? 15000;
        // The host only needs some engine address argument; it never dials it for CRUD calls.
        const child = spawn(process.execPath, [hostScript, "127.0.0.1:0"], {
            cwd: options.cwd ?? repoRoot,
            env: mergeEnv(options.env),
            stdio: ["ignore", "pipe", "pipe"],
        });
        liveHostProcesses.add(child);
        const exited = new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) {
                resolve();
                return;
            }
            child.once("exit", () => resolve());
        }).then(() => {
            liveHostProcesses.delete(child);
        });

        const outputChunks: string[] = [];
        let startupStdout = "";
        let startupStderr = "";
        let port: number | undefined;
        child.stderr!.setEncoding("utf8");
        child.stdout!.setEncoding("utf8");
        child.stderr!.on("data", (chunk: string) => {
            if (port === undefined) {
                startupStderr += chunk;
            } else {
                outputChunks.push(chunk);
            }
        });

        try {
            port = await new Promise<number>((resolve, reject) => {
                const timer = setTimeout(
                    () => reject(new Error(`provider host printed no port within ${startTimeoutMs} ms; stderr: ${startupStderr}`)),
                    startTimeoutMs,
                );
                const onData = (chunk: string): void => {
                    startupStdout += chunk;
                    const newline = startupStdout.indexOf("\n");
                    if (newline < 0) {
                        return;
                    }
                    const portLine = startupStdout.slice(0, newline).trim();
                    const rest = startupStdout.slice(newline + 1);
                    clearTimeout(timer);
                    child.stdout!.off("data", onData);
                    child.off("exit", onExit);
                    if (!/^\d+$/.test(portLine)) {
                        reject(new Error(`provider host printed "${portLine}" instead of a port; stderr: ${startupStderr}`));
                        return;
                    }
                    if (rest) {
                        outputChunks.push(rest);
                    }
                    resolve(Number(portLine));
                };
                const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
                    clearTimeout(timer);
                    reject(
                        new Error(`provider host exited (code ${code}, signal ${signal}) before printing a port; stderr: ${startupStderr}`),
                    );
                };
                child.stdout!.on("data", onData);
                child.once("exit", onExit);
                child.once("error", (error) => {
                    clearTimeout(timer);
                    reject(error);
                });
            });
        } catch (error) {
            child.kill("SIGKILL");
            await exited;
            throw error;
        }
        if (startupStderr) {
            outputChunks.unshift(startupStderr);
        }
        child.stdout!.on("data", (chunk: string) => outputChunks.push(chunk));

        const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
            "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
        });
        const host = new ProviderHost(port, child, client, options.callTimeoutMs ?? 60000, outputChunks, exited);
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
