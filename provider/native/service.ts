/**
 * The ResourceProvider gRPC service: the native face of the token service (lifecycle/service.ts),
 * beside the dynamic provider (provider/provider.ts), neither knowing the other. It holds no rule
 * of its own and translates its own wire only: settings from Configure, secrets unwrapped on the way
 * in and marked on the way out (./wire), the resource named and keyed by its URN, `ignoreChanges`
 * (./ignoreChanges), no request in a preview (./preview), one-line errors (carrying what a failed
 * step issued, ./initFailure), and the service's lines sent to the engine with the resource's URN
 * (./lineSink). The function `getApiTokens` is the listing of provider/apiTokenList.ts.
 */
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { listApiTokens } from "../apiTokenList";
import { ResourceRef, TokenService } from "../lifecycle/service";
import { SETTINGS } from "../settings";
import { packageVersion } from "../version";
import { LineSink } from "./lineSink";
import { withIgnoredChanges } from "./ignoreChanges";
import { initFailedError, issuedBeforeFailure, secretValues } from "./initFailure";
import { previewCreateOutputs, previewUpdateOutputs } from "./preview";
import { GET_API_TOKENS, packageSchema } from "./schema";
import { configLookup, incoming, nameFromUrn, outgoing, plainProps, scrub, secretKeys, structValue } from "./wire";

type Callback<T> = (error: grpc.ServiceError | null, value?: T | null) => void;

/** A handler as grpc-js calls it: a unary call and its callback, or a stream (List) with none. */
type Handler = (call: { emit?: (event: string, error: unknown) => void }, callback?: Callback<never>) => void;

/** The ResourceProvider service. */
export class NativeProviderService {
    private readonly tokens: TokenService;
    private lookup: (key: string) => string | undefined = () => undefined;
    readonly sink: LineSink;

    constructor(engineAddress: string | undefined) {
        this.sink = new LineSink(engineAddress, () => this.knownSecrets());
        // The sink files each line under the URN of the call in flight.
        this.tokens = new TokenService((line) => this.sink.line(line));
    }

    /** The service's handlers, bound, for `server.addService`; a method not listed answers UNIMPLEMENTED. */
    handlers(): grpc.UntypedServiceImplementation {
        // By the service definition's method names.
        const implemented: Record<string, grpc.UntypedHandleCall> = {
            getPluginInfo: this.getPluginInfo,
            getSchema: this.getSchema,
            checkConfig: this.checkConfig,
            diffConfig: this.diffConfig,
            configure: this.configure,
            check: this.check,
            diff: this.diff,
            create: this.create,
            read: this.read,
            update: this.update,
            delete: this.delete,
            invoke: this.invoke,
            cancel: this.cancel,
        };
        const handlers: grpc.UntypedServiceImplementation = {};
        for (const name of Object.keys(provrpc.ResourceProviderService)) {
            handlers[name] = implemented[name]?.bind(this) ?? unimplemented(name);
        }
        return handlers;
    }

    private knownSecrets(): string[] {
        const credential = this.lookup(SETTINGS.apiToken.key) ?? process.env[SETTINGS.apiToken.env];
        return credential ? [credential] : [];
    }

    /**
     * One line, no stack, no secret. When a create or update fails after it issued a token, the
     * error carries the resource's id and outputs: they go back marked with `outputSecrets`, as
     * the step's answer would have marked them, so that the engine keeps the token in state.
     */
    private failure(error: unknown, outputSecrets?: Set<string>): grpc.ServiceError {
        const raw = error instanceof Error ? error.message : String(error);
        const issued = outputSecrets ? issuedBeforeFailure(error) : undefined;
        const secrets = [...this.knownSecrets(), ...(issued ? secretValues(issued.properties, outputSecrets) : [])];
        const line = scrub(raw.split("\n")[0].trim() || "mailtrap: the operation failed", secrets);
        if (issued) return initFailedError(line, issued.id, outgoing(issued.properties, outputSecrets));
        return { code: grpc.status.UNKNOWN, details: line, message: line, name: "Error", metadata: new grpc.Metadata() };
    }

    private async answer<T>(urn: string, callback: Callback<T>, work: () => Promise<T>, outputSecrets?: Set<string>): Promise<void> {
        let result: T;
        try {
            result = await this.sink.run(urn, work);
        } catch (error) {
            callback(this.failure(error, outputSecrets));
            return;
        }
        callback(null, result);
    }

    /** The resource a call is about: named by the URN's last segment, keyed by the URN itself (two resources may share a name under different parents). */
    private resourceOf(urn: string): ResourceRef {
        return { name: nameFromUrn(urn), key: urn ? urn : undefined };
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
        this.tokens.configure(this.lookup);
        callback(null, new provproto.ConfigureResponse().setAcceptsecrets(true).setAcceptresources(false).setSupportspreview(false));
    }

    async check(
        call: grpc.ServerUnaryCall<provproto.CheckRequest, provproto.CheckResponse>,
        callback: Callback<provproto.CheckResponse>,
    ): Promise<void> {
        const req = call.request;
        await this.answer(req.getUrn(), callback, async () => {
            const news = incoming(req.getNews());
            const result = await this.tokens.check({ olds: plainProps(req.getOlds()), news: plainProps(req.getNews()) });
            const resp = new provproto.CheckResponse().setInputs(outgoing(result.inputs, secretKeys(news)));
            resp.setFailuresList(result.failures.map((f) => new provproto.CheckFailure().setProperty(f.property).setReason(f.reason)));
            return resp;
        });
    }

    async diff(
        call: grpc.ServerUnaryCall<provproto.DiffRequest, provproto.DiffResponse>,
        callback: Callback<provproto.DiffResponse>,
    ): Promise<void> {
        const req = call.request;
        await this.answer(req.getUrn(), callback, async () => {
            const olds = plainProps(req.getOlds());
            const news = withIgnoredChanges(plainProps(req.getNews()), olds, req.getIgnorechangesList());
            const result = await this.tokens.diff({ ...this.resourceOf(req.getUrn()), id: req.getId(), olds, news });
            const resp = new provproto.DiffResponse().setChanges(
                result.changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE,
            );
            resp.setReplacesList(result.replaces);
            resp.setDeletebeforereplace(result.deleteBeforeReplace);
            return resp;
        });
    }

    async create(
        call: grpc.ServerUnaryCall<provproto.CreateRequest, provproto.CreateResponse>,
        callback: Callback<provproto.CreateResponse>,
    ): Promise<void> {
        const req = call.request;
        const outputSecrets = secretKeys(incoming(req.getProperties()));
        await this.answer(
            req.getUrn(),
            callback,
            async () => {
                const inputs = plainProps(req.getProperties());
                if (req.getPreview()) {
                    return new provproto.CreateResponse().setId("").setProperties(outgoing(previewCreateOutputs(inputs), outputSecrets));
                }
                const result = await this.tokens.create({ ...this.resourceOf(req.getUrn()), inputs });
                return new provproto.CreateResponse().setId(result.id).setProperties(outgoing(result.state, outputSecrets));
            },
            outputSecrets,
        );
    }

    async read(
        call: grpc.ServerUnaryCall<provproto.ReadRequest, provproto.ReadResponse>,
        callback: Callback<provproto.ReadResponse>,
    ): Promise<void> {
        const req = call.request;
        await this.answer(req.getUrn(), callback, async () => {
            const result = await this.tokens.read({
                ...this.resourceOf(req.getUrn()),
                id: req.getId(),
                state: plainProps(req.getProperties()),
            });
            const resp = new provproto.ReadResponse().setId(result?.id ?? "");
            if (result) {
                resp.setProperties(outgoing(result.state, secretKeys(incoming(req.getProperties()))));
                resp.setInputs(outgoing(result.inputs, secretKeys(incoming(req.getInputs()))));
            }
            return resp;
        });
    }

    async update(
        call: grpc.ServerUnaryCall<provproto.UpdateRequest, provproto.UpdateResponse>,
        callback: Callback<provproto.UpdateResponse>,
    ): Promise<void> {
        const req = call.request;
        const outputSecrets = secretKeys(incoming(req.getOlds()), incoming(req.getNews()));
        await this.answer(
            req.getUrn(),
            callback,
            async () => {
                const olds = plainProps(req.getOlds());
                const news = plainProps(req.getNews());
                if (req.getPreview()) {
                    return new provproto.UpdateResponse().setProperties(outgoing(previewUpdateOutputs(olds, news), outputSecrets));
                }
                const result = await this.tokens.update({ ...this.resourceOf(req.getUrn()), id: req.getId(), olds, news });
                return new provproto.UpdateResponse().setProperties(outgoing(result.state, outputSecrets));
            },
            outputSecrets,
        );
    }

    async delete(
        call: grpc.ServerUnaryCall<provproto.DeleteRequest, emptyproto.Empty>,
        callback: Callback<emptyproto.Empty>,
    ): Promise<void> {
        const req = call.request;
        await this.answer(req.getUrn(), callback, async () => {
            await this.tokens.delete({ ...this.resourceOf(req.getUrn()), id: req.getId(), state: plainProps(req.getProperties()) });
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
            const args = plainProps(req.getArgs());
            const setting = (key: keyof typeof SETTINGS) => this.lookup(SETTINGS[key].key);
            const accountId = args.accountId ?? setting("accountId");
            // The listing itself, without the Pulumi SDK getApiTokens reads a program's config with:
            // other settings (timeouts, retries) come from this provider's configuration.
            const tokens = await listApiTokens(
                {
                    accountId: accountId === undefined ? undefined : Number(accountId),
                    apiToken: args.apiToken ?? setting("apiToken"),
                    baseUrl: args.baseUrl ?? setting("baseUrl"),
                },
                (key) => this.lookup(key),
            );
            return new provproto.InvokeResponse().setReturn(structproto.Struct.fromJavaScript({ tokens: structValue(tokens) }));
        });
    }

    cancel(_call: unknown, callback: Callback<emptyproto.Empty>): void {
        callback(null, new emptyproto.Empty());
    }
}

/** A method this plugin does not serve: UNIMPLEMENTED, on the callback or, for a stream (List), on the stream. */
function unimplemented(name: string): Handler {
    return (call, callback) => {
        const error = { code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented by pulumi-resource-mailtrap` };
        if (callback) callback(error as grpc.ServiceError);
        else call.emit?.("error", error);
    };
}
