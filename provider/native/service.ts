/**
 * The ResourceProvider gRPC service. It holds no rule of its own: every resource method hands over
 * to the same `ApiTokenProvider` the dynamic provider's stored copy calls (provider/provider.ts),
 * and the function to `getApiTokens`'s listing (provider/apiTokenList.ts). What it adds is the wire: settings
 * from Configure, secrets unwrapped on the way in and marked on the way out (./wire), the
 * resource's name and URN as hidden inputs, `ignoreChanges` (./ignoreChanges), no request in a
 * preview (./preview), one-line errors (carrying what a failed step issued, ./initFailure), and the
 * lifecycle's lines sent to the engine with the resource's URN (./lineSink).
 */
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import type * as pulumi from "@pulumi/pulumi";
import { listApiTokens } from "../apiTokenList";
import { ApiTokenProvider } from "../provider";
import { SETTINGS } from "../settings";
import { LineSink } from "./lineSink";
import { withIgnoredChanges } from "./ignoreChanges";
import { initFailedError, issuedBeforeFailure, secretValues } from "./initFailure";
import { previewCreateOutputs, previewUpdateOutputs } from "./preview";
import { GET_API_TOKENS, packageSchema } from "./schema";
import { packageVersion } from "../version";
import { configLookup, incoming, nameFromUrn, outgoing, Props, scrub, secretKeys, unwrapSecrets } from "./wire";

type Callback<T> = (error: grpc.ServiceError | null, value?: T | null) => void;

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

    /**
     * The lifecycle's inputs: secrets unwrapped, the resource named from its URN (for the lines it
     * prints) and keyed by the URN itself (two resources may share a name under different parents).
     * Both hidden keys start with "__", so `outgoing` never returns them to the engine.
     */
    private inputsFor(urn: string, props: Props): Props {
        return { ...this.namedInputs(urn, props), ...(urn ? { __resourceKey: urn } : {}) };
    }

    /** Check's inputs: validation accepts only the hidden keys it knows, and needs no resource key. */
    private namedInputs(urn: string, props: Props): Props {
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
            const result = await this.provider.check(unwrapSecrets(olds) as Props, this.namedInputs(req.getUrn(), news));
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
            const olds = unwrapSecrets(incoming(req.getOlds())) as Props;
            const news = withIgnoredChanges(this.inputsFor(req.getUrn(), incoming(req.getNews())), olds, req.getIgnorechangesList());
            const result = await this.provider.diff(req.getId(), olds as never, news);
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
        const props = incoming(req.getProperties());
        const outputSecrets = secretKeys(props);
        await this.answer(
            req.getUrn(),
            callback,
            async () => {
                if (req.getPreview()) {
                    const outputs = previewCreateOutputs(unwrapSecrets(props) as Props);
                    return new provproto.CreateResponse().setId("").setProperties(outgoing(outputs, outputSecrets));
                }
                const result = await this.provider.create(this.inputsFor(req.getUrn(), props));
                return new provproto.CreateResponse().setId(result.id).setProperties(outgoing(result.outs as Props, outputSecrets));
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
        const olds = incoming(req.getOlds());
        const news = incoming(req.getNews());
        const outputSecrets = secretKeys(olds, news);
        await this.answer(
            req.getUrn(),
            callback,
            async () => {
                if (req.getPreview()) {
                    const outputs = previewUpdateOutputs(unwrapSecrets(olds) as Props, unwrapSecrets(news) as Props);
                    return new provproto.UpdateResponse().setProperties(outgoing(outputs, outputSecrets));
                }
                const result = await this.provider.update(req.getId(), unwrapSecrets(olds) as never, this.inputsFor(req.getUrn(), news));
                return new provproto.UpdateResponse().setProperties(outgoing(result.outs as Props, outputSecrets));
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
            return new provproto.InvokeResponse().setReturn(structproto.Struct.fromJavaScript({ tokens } as never));
        });
    }

    cancel(_call: unknown, callback: Callback<emptyproto.Empty>): void {
        callback(null, new emptyproto.Empty());
    }
}
