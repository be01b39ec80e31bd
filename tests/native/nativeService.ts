/**
 * The native provider's gRPC service in this process, configured against the emulator and called
 * as the engine calls it (one unary call per step, secrets marked on the wire).
 */
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { MailtrapEmulator } from "../../provider/emulator/server";
import { NativeProviderService } from "../../provider/native/server";

export const SIG = "4dabf18193072939515e22adb298388d";
export const SECRET = "1b47061264138c4ac30d75fd1eb44270";

export type Props = Record<string, any>;

export const struct = (value: Props) => structproto.Struct.fromJavaScript(value as never);
export const plain = (value: structproto.Struct | undefined): Props => (value?.toJavaScript() ?? {}) as Props;

/** A resource's URN, under the given parent type chain (the URN names the parents' types, not their names). */
export const urnOf = (name: string, parentTypes: string[] = []) =>
    `urn:pulumi:dev::proj::${[...parentTypes, "mailtrap:index:ApiToken"].join("$")}::${name}`;

export interface NativeProvider {
    emulator: MailtrapEmulator;
    client: provrpc.ResourceProviderClient;
    stop(): Promise<void>;
}

/** Starts the emulator and the service on 127.0.0.1 and configures the service as the engine does. */
export async function startNativeProvider(): Promise<NativeProvider> {
    const emulator = new MailtrapEmulator();
    const url = await emulator.start(0);
    const server = new grpc.Server();
    server.addService(provrpc.ResourceProviderService, new NativeProviderService(undefined).handlers());
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const configure = new provproto.ConfigureRequest();
    configure.getVariablesMap().set("mailtrap:baseUrl", url);
    configure.getVariablesMap().set("mailtrap:accountId", String(emulator.accountId));
    configure.setArgs(struct({ apiToken: { [SIG]: SECRET, value: emulator.credential } }));
    configure.setAcceptsecrets(true);
    await call(client, "configure", configure);
    return {
        emulator,
        client,
        async stop() {
            client.close();
            server.forceShutdown();
            await emulator.stop();
        },
    };
}

/** One unary call, as the engine makes it. */
export function call<Res>(client: provrpc.ResourceProviderClient, method: string, request: unknown): Promise<Res> {
    const fn = (client as any)[method] as (req: unknown, cb: (error: grpc.ServiceError | null, response: Res) => void) => unknown;
    return new Promise((resolve, reject) => fn.call(client, request, (error, response) => (error ? reject(error) : resolve(response))));
}

/** Check, then Create, as the engine does for a new resource: the checked inputs and the outputs. */
export async function checkAndCreate(
    client: provrpc.ResourceProviderClient,
    urn: string,
    news: Props,
    options: { preview?: boolean } = {},
): Promise<{ inputs: structproto.Struct; created: provproto.CreateResponse }> {
    const check = await call<provproto.CheckResponse>(
        client,
        "check",
        new provproto.CheckRequest().setUrn(urn).setOlds(struct({})).setNews(struct(news)),
    );
    expect(check.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`)).toEqual([]);
    const inputs = check.getInputs()!;
    const request = new provproto.CreateRequest().setUrn(urn).setProperties(inputs).setPreview(Boolean(options.preview));
    return { inputs, created: await call<provproto.CreateResponse>(client, "create", request) };
}

/** Check of changed inputs against a resource's old outputs, as the engine does before Diff and Update. */
export async function checkChanged(client: provrpc.ResourceProviderClient, urn: string, olds: structproto.Struct, news: Props) {
    const check = await call<provproto.CheckResponse>(
        client,
        "check",
        new provproto.CheckRequest().setUrn(urn).setOlds(olds).setNews(struct(news)),
    );
    expect(check.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`)).toEqual([]);
    return check.getInputs()!;
}
