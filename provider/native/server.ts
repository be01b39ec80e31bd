/**
 * `pulumi-resource-mailtrap`: the ResourceProvider gRPC service served from Node with the SDK's
 * generated modules. It holds no rule of its own: every resource method hands over to the same
 * `ApiTokenProvider` the dynamic provider's stored copy calls (provider/provider.ts), and the
 * function to `getApiTokens` (provider/getApiTokens.ts). What it adds is the wire: settings from
 * Configure, secrets unwrapped on the way in and marked on the way out, the resource's name from
 * its URN, one-line errors, and the lifecycle's lines sent to the engine with the resource's URN.
 */
import { AsyncLocalStorage } from "async_hooks";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import type * as pulumi from "@pulumi/pulumi";
import { ApiTokenProvider } from "../provider";
import { SETTINGS } from "../settings";
import { API_TOKEN_TYPE, GET_API_TOKENS, packageSchema } from "./schema";

/** How the engine marks a secret (and other special values) on the wire. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Outputs that are always secret. */
const SECRET_OUTPUTS = ["token"];

type Props = Record<string, unknown>;
type Callback<T> = (error: grpc.ServiceError | null, value?: T | null) => void;

function isSecret(value: unknown): value is { value?: unknown } {
    return value !== null && typeof value === "object" && (value as Props)[SIG_KEY] === SECRET_SIG;
}

/** The value without secret markers, at any depth. */
export function unwrapSecrets(value: unknown): unknown {
    if (isSecret(value)) return unwrapSecrets(value.value);
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value as Props).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

function secret(value: unknown): Props {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/** Top-level keys holding a secret (at any depth) in a request's properties. */
function secretKeys(...sources: (Props | undefined)[]): Set<string> {
    const keys = new Set<string>();
    const holds = (value: unknown): boolean =>
        isSecret(value) ||
        (Array.isArray(value) ? value.some(holds) : value !== null && typeof value === "object" && Object.values(value).some(holds));
    for (const source of sources) {
        for (const [key, value] of Object.entries(source ?? {})) if (holds(value)) keys.add(key);
    }
    return keys;
}

/** Properties for the engine: internal keys left out, `token` and whatever came in secret marked. */
function outgoing(props: Props | undefined, secrets: Set<string> = new Set()): structproto.Struct {
    const out: Props = {};
    for (const [key, value] of Object.entries(props ?? {})) {
        if (key.startsWith("__") || value === undefined) continue;
        out[key] = SECRET_OUTPUTS.includes(key) || secrets.has(key) ? secret(value) : value;
    }
    return structproto.Struct.fromJavaScript(out as Record<string, structproto.JavaScriptValue>);
}

function incoming(struct: structproto.Struct | undefined): Props {
    return (struct?.toJavaScript() ?? {}) as Props;
}

/** The resource's name: the URN's last segment. */
export function nameFromUrn(urn: string): string | undefined {
    const name = urn.split("::").pop();
    return name ? name : undefined;
}

/** This package's version, from the package.json above this file (source or compiled). */
export function packageVersion(): string {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
            if (pkg.name === "pulumi-mailtrap-tokens" && pkg.version) return pkg.version;
        }
        if (path.dirname(dir) === dir) return "0.0.0";
    }
}

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

function scrub(text: string, secrets: string[]): string {
    let result = text;
    for (const value of secrets) if (value && value.length >= 4) result = result.split(value).join("[secret]");
    return result;
}

/** A config lookup over what Configure received: "mailtrap:apiToken" in variables, "apiToken" in args. */
export function configLookup(variables: Map<string, string>, args: Props): (key: string) => string | undefined {
    return (key: string) => {
        const fromVariables = variables.get(key);
        if (fromVariables !== undefined) return fromVariables;
        const short = key.startsWith("mailtrap:") ? key.slice("mailtrap:".length) : key;
        const value = unwrapSecrets(args[short]);
        if (value === undefined || value === null || value === UNKNOWN) return undefined;
        return typeof value === "string" ? value : JSON.stringify(value);
    };
}

/** The ResourceProvider service. */
export class NativeProviderService {
    private readonly provider = new ApiTokenProvider();
    private lookup: (key: string) => string | undefined = () => undefined;
    readonly sink: LineSink;

    constructor(engineAddress: string | undefined) {
        this.sink = new LineSink(engineAddress, () => this.knownSecrets());
    }

    /** The service's handlers, bound, for `server.addService`. */
    handlers(): grpc.UntypedServiceImplementation {
        const names = Object.keys(provrpc.ResourceProviderService) as string[];
        const lower = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);
        const handlers: grpc.UntypedServiceImplementation = {};
        for (const name of names) {
            const method = (this as unknown as Record<string, unknown>)[lower(name)] ?? (this as unknown as Record<string, unknown>)[name];
            handlers[name] =
                typeof method === "function"
                    ? method.bind(this)
                    : (call: { emit?: (event: string, error: unknown) => void }, callback?: Callback<never>) => {
                          const error = {
                              code: grpc.status.UNIMPLEMENTED,
                              details: `${name} is not implemented by pulumi-resource-mailtrap`,
                          };
                          // A streaming method (List) has no callback: its error goes on the stream.
                          if (callback) callback(error as grpc.ServiceError);
                          else call.emit?.("error", error);
                      };
        }
        return handlers;
    }

    private knownSecrets(): string[] {
        const credential = this.lookup(SETTINGS.apiToken.key) ?? process.env[SETTINGS.apiToken.env];
        return credential ? [credential] : [];
    }

    /** One line, no stack, no secret. */
    private failure(error: unknown): grpc.ServiceError {
        const raw = error instanceof Error ? error.message : String(error);
        const line = scrub(raw.split("\n")[0].trim() || "mailtrap: the operation failed", this.knownSecrets());
        return { code: grpc.status.UNKNOWN, details: line, message: line, name: "Error", metadata: new grpc.Metadata() };
    }

    private async answer<T>(urn: string, callback: Callback<T>, work: () => Promise<T>): Promise<void> {
        let result: T;
        try {
            result = await this.sink.run(urn, work);
        } catch (error) {
            callback(this.failure(error));
            return;
        }
        callback(null, result);
    }

    /** The lifecycle's inputs: secrets unwrapped, the resource named from its URN. */
    private inputsFor(urn: string, props: Props): Props {
        const name = nameFromUrn(urn);
        return { ...(unwrapSecrets(props) as Props), ...(name ? { __resourceName: name } : {}) };
    }

    getPluginInfo(_call: unknown, callback: Callback<plugproto.PluginInfo>): void {
        callback(null, new plugproto.PluginInfo().setVersion(packageVersion()));
    }

    getSchema(_call: unknown, callback: Callback<provproto.GetSchemaResponse>): void {
        callback(null, new provproto.GetSchemaResponse().setSchema(JSON.stringify(packageSchema(packageVersion()))));
    }

    checkConfig(
        call: grpc.ServerUnaryCall<provproto.CheckRequest, provproto.CheckResponse>,
        callback: Callback<provproto.CheckResponse>,
    ): void {
        callback(null, new provproto.CheckResponse().setInputs(call.request.getNews()));
    }

    diffConfig(
        call: grpc.ServerUnaryCall<provproto.DiffRequest, provproto.DiffResponse>,
        callback: Callback<provproto.DiffResponse>,
    ): void {
        const same =
            JSON.stringify(incoming(call.request.getOldInputs() ?? call.request.getOlds())) ===
            JSON.stringify(incoming(call.request.getNews()));
        callback(
            null,
            new provproto.DiffResponse().setChanges(
                same ? provproto.DiffResponse.DiffChanges.DIFF_NONE : provproto.DiffResponse.DiffChanges.DIFF_SOME,
            ),
        );
    }

    async configure(
        call: grpc.ServerUnaryCall<provproto.ConfigureRequest, provproto.ConfigureResponse>,
        callback: Callback<provproto.ConfigureResponse>,
    ): Promise<void> {
        const variables = new Map<string, string>(call.request.getVariablesMap().toArray());
        this.lookup = configLookup(variables, incoming(call.request.getArgs()));
        await this.provider.configure({ config: { get: this.lookup } } as unknown as pulumi.dynamic.ConfigureRequest);
        callback(null, new provproto.ConfigureResponse().setAcceptsecrets(true).setAcceptresources(false).setSupportspreview(false));
    }

    async check(
        call: grpc.ServerUnaryCall<provproto.CheckRequest, provproto.CheckResponse>,
        callback: Callback<provproto.CheckResponse>,
    ): Promise<void> {
        const req = call.request;
        await this.answer(req.getUrn(), callback, async () => {
            const olds = incoming(req.getOlds());
            const news = incoming(req.getNews());
            const result = await this.provider.check(unwrapSecrets(olds) as Props, this.inputsFor(req.getUrn(), news));
            const resp = new provproto.CheckResponse().setInputs(outgoing(result.inputs as Props, secretKeys(news)));
            resp.setFailuresList(
                (result.failures ?? []).map((f) => new provproto.CheckFailure().setProperty(String(f.property)).setReason(f.reason)),
            );
            return resp;
        });
    }

    async diff(
        call: grpc.ServerUnaryCall<provproto.DiffRequest, provproto.DiffResponse>,
        callback: Callback<provproto.DiffResponse>,
    ): Promise<void> {
        const req = call.request;
        await this.answer(req.getUrn(), callback, async () => {
            const olds = unwrapSecrets(incoming(req.getOlds())) as never;
            const result = await this.provider.diff(req.getId(), olds, this.inputsFor(req.getUrn(), incoming(req.getNews())));
            const changes =
                result.changes === true
                    ? provproto.DiffResponse.DiffChanges.DIFF_SOME
                    : result.changes === false
                      ? provproto.DiffResponse.DiffChanges.DIFF_NONE
                      : provproto.DiffResponse.DiffChanges.DIFF_UNKNOWN;
            const resp = new provproto.DiffResponse().setChanges(changes);
            resp.setReplacesList(result.replaces ?? []);
            resp.setDeletebeforereplace(Boolean(result.deleteBeforeReplace));
            return resp;
        });
    }

    async create(
        call: grpc.ServerUnaryCall<provproto.CreateRequest, provproto.CreateResponse>,
        callback: Callback<provproto.CreateResponse>,
    ): Promise<void> {
        const req = call.request;
        await this.answer(req.getUrn(), callback, async () => {
            const props = incoming(req.getProperties());
            const result = await this.provider.create(this.inputsFor(req.getUrn(), props));
            return new provproto.CreateResponse().setId(result.id).setProperties(outgoing(result.outs as Props, secretKeys(props)));
        });
    }

    async read(
        call: grpc.ServerUnaryCall<provproto.ReadRequest, provproto.ReadResponse>,
        callback: Callback<provproto.ReadResponse>,
    ): Promise<void> {
        const req = call.request;
        await this.answer(req.getUrn(), callback, async () => {
            const props = incoming(req.getProperties());
            const inputs = incoming(req.getInputs());
            const result = await this.provider.read(req.getId(), unwrapSecrets(props) as never);
            const resp = new provproto.ReadResponse().setId(result.id ?? "");
            if (result.id) {
                resp.setProperties(outgoing(result.props as Props, secretKeys(props)));
                if (result.inputs) resp.setInputs(outgoing(result.inputs as Props, secretKeys(inputs)));
            }
            return resp;
        });
    }

    async update(
        call: grpc.ServerUnaryCall<provproto.UpdateRequest, provproto.UpdateResponse>,
        callback: Callback<provproto.UpdateResponse>,
    ): Promise<void> {
        const req = call.request;
        await this.answer(req.getUrn(), callback, async () => {
            const olds = incoming(req.getOlds());
            const news = incoming(req.getNews());
            const result = await this.provider.update(req.getId(), unwrapSecrets(olds) as never, this.inputsFor(req.getUrn(), news));
            return new provproto.UpdateResponse().setProperties(outgoing(result.outs as Props, secretKeys(olds, news)));
        });
    }

    async delete(
        call: grpc.ServerUnaryCall<provproto.DeleteRequest, emptyproto.Empty>,
        callback: Callback<emptyproto.Empty>,
    ): Promise<void> {
        const req = call.request;
        await this.answer(req.getUrn(), callback, async () => {
            await this.provider.delete(req.getId(), unwrapSecrets(incoming(req.getProperties())) as never);
            return new emptyproto.Empty();
        });
    }

    async invoke(
        call: grpc.ServerUnaryCall<provproto.InvokeRequest, provproto.InvokeResponse>,
        callback: Callback<provproto.InvokeResponse>,
    ): Promise<void> {
        const req = call.request;
        await this.answer("", callback, async () => {
            if (req.getTok() !== GET_API_TOKENS) throw new Error(`mailtrap: unknown function ${req.getTok()}`);
            const args = unwrapSecrets(incoming(req.getArgs())) as { accountId?: number; apiToken?: string; baseUrl?: string };
            const setting = (key: keyof typeof SETTINGS) => this.lookup(SETTINGS[key].key);
            const accountId = args.accountId ?? setting("accountId");
            // Loaded on first use: it brings the whole Pulumi SDK (about a second), which resource calls never need.
            const { getApiTokens } = await import("../getApiTokens");
            const tokens = await getApiTokens({
                accountId: accountId === undefined ? undefined : Number(accountId),
                apiToken: args.apiToken ?? setting("apiToken"),
                baseUrl: args.baseUrl ?? setting("baseUrl"),
            });
            return new provproto.InvokeResponse().setReturn(structproto.Struct.fromJavaScript({ tokens } as never));
        });
    }

    cancel(_call: unknown, callback: Callback<emptyproto.Empty>): void {
        callback(null, new emptyproto.Empty());
    }
}

/** The resource type this provider serves (for callers that check). */
export const RESOURCE_TYPE = API_TOKEN_TYPE;

/**
 * Serves the provider on a free loopback port and prints the port, the first line the engine
 * reads. The lifecycle's `console.log` lines go to the engine's Log with the resource's URN.
 */
export async function serve(args: string[]): Promise<{ port: number; server: grpc.Server; service: NativeProviderService }> {
    const engineAddress = args.find((arg) => !arg.startsWith("-"));
    const service = new NativeProviderService(engineAddress);
    console.log = (...parts: unknown[]) => service.sink.line(parts.map(String).join(" "));
    console.info = console.log;
    console.warn = (...parts: unknown[]) => service.sink.line(parts.map(String).join(" "), engineproto.LogSeverity.WARNING);
    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    server.addService(provrpc.ResourceProviderService, service.handlers());
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
            error ? reject(error) : resolve(bound),
        ),
    );
    process.stdout.write(`${port}\n`);
    return { port, server, service };
}
