import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { OUTPUT_NAMES as API_TOKEN_OUTPUT_NAMES } from "../../provider/lifecycle/properties";
import { MailtrapEmulator } from "../../provider/emulator/server";
import { configLookup, NativeProviderService, unwrapSecrets } from "../../provider/native/server";

/**
 * The native provider's gRPC service in this process, called as the engine calls it: the schema,
 * the configuration, secrets in and out, and the resource named from its URN.
 */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const URN = "urn:pulumi:dev::proj::mailtrap:index:ApiToken::ci-token";

/** One unary call, as the engine makes it. */
function call<Res>(client: provrpc.ResourceProviderClient, method: string, request: unknown): Promise<Res> {
    const fn = (client as any)[method] as (req: unknown, cb: (error: grpc.ServiceError | null, response: Res) => void) => unknown;
    return new Promise((resolve, reject) => fn.call(client, request, (error, response) => (error ? reject(error) : resolve(response))));
}

const struct = (value: Record<string, unknown>) => structproto.Struct.fromJavaScript(value as never);

describe("the native provider's gRPC service", () => {
    const emulator = new MailtrapEmulator();
    let server: grpc.Server;
    let client: provrpc.ResourceProviderClient;
    let url: string;

    beforeAll(async () => {
        url = await emulator.start(0);
        server = new grpc.Server();
        server.addService(provrpc.ResourceProviderService, new NativeProviderService(undefined).handlers());
        const port = await new Promise<number>((resolve, reject) =>
            server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
        );
        client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    afterAll(async () => {
        client.close();
        server.forceShutdown();
        await emulator.stop();
    });

    it("reports the package's version", async () => {
        const info = await call<plugproto.PluginInfo>(client, "getPluginInfo", new emptyproto.Empty());
        const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
        expect(info.getVersion()).toBe(pkg.version);
    });

    it("serves a schema with a description for every property, token and apiToken secret", async () => {
        const schema = JSON.parse(
            (await call<provproto.GetSchemaResponse>(client, "getSchema", new provproto.GetSchemaRequest())).getSchema(),
        );
        const resource = schema.resources["mailtrap:index:ApiToken"];
        const propertySets: Record<string, Record<string, any>> = {
            "resource inputs": resource.inputProperties,
            "resource outputs": resource.properties,
            config: schema.config.variables,
            "function inputs": schema.functions["mailtrap:index:getApiTokens"].inputs.properties,
            "function outputs": schema.functions["mailtrap:index:getApiTokens"].outputs.properties,
            // An object type's properties; an enum's values (each described too).
            ...Object.fromEntries(
                Object.entries(schema.types).map(([token, type]: [string, any]) => [
                    token,
                    type.enum ? Object.fromEntries(type.enum.map((v: any) => [v.value, v])) : type.properties,
                ]),
            ),
        };
        const undescribed = Object.entries(propertySets).flatMap(([where, props]) =>
            Object.entries(props)
                .filter(([, p]) => typeof p.description !== "string" || p.description.length < 10)
                .map(([name]) => `${where}.${name}`),
        );
        expect(undescribed).toEqual([]);
        expect(resource.properties.token.secret).toBe(true);
        expect(schema.config.variables.apiToken.secret).toBe(true);
        expect(Object.keys(resource.inputProperties).sort()).toEqual(
            ["accountId", "adoptTokenId", "expiresAt", "expiresInDays", "name", "resources", "rotate", "rotateAfterDays"].sort(),
        );
        // The same outputs as the dynamic ApiToken declares.
        expect(Object.keys(resource.properties).sort()).toEqual(
            [...Object.keys(resource.inputProperties), ...API_TOKEN_OUTPUT_NAMES].sort(),
        );
    });

    it("reads settings from variables first, then args (secrets unwrapped), as config keys", () => {
        const lookup = configLookup(new Map([["mailtrap:baseUrl", "http://127.0.0.1:1"]]), {
            apiToken: { [SIG]: SECRET, value: "cred" },
            accountId: 3229,
            baseUrl: "ignored",
        });
        expect(lookup("mailtrap:baseUrl")).toBe("http://127.0.0.1:1");
        expect(lookup("mailtrap:apiToken")).toBe("cred");
        expect(lookup("mailtrap:accountId")).toBe("3229");
        expect(lookup("mailtrap:maxRetries")).toBeUndefined();
    });

    describe("configured against the emulator", () => {
        beforeAll(async () => {
            const request = new provproto.ConfigureRequest();
            request.getVariablesMap().set("mailtrap:baseUrl", url);
            request.getVariablesMap().set("mailtrap:accountId", String(emulator.accountId));
            request.setArgs(struct({ apiToken: { [SIG]: SECRET, value: emulator.credential } }));
            request.setAcceptsecrets(true);
            const response = await call<provproto.ConfigureResponse>(client, "configure", request);
            expect(response.getAcceptsecrets()).toBe(true);
        });

        it("fails bad input naming the property, with no request", async () => {
            const before = emulator.requests.length;
            const request = new provproto.CheckRequest().setUrn(URN).setOlds(struct({}));
            request.setNews(struct({ name: "", resources: [{ resourceType: "mailbox", resourceId: 1, accessLevel: "viewer" }] }));
            const response = await call<provproto.CheckResponse>(client, "check", request);
            const failures = response.getFailuresList().map((f) => f.getProperty());
            expect(failures).toEqual(expect.arrayContaining(["name", "resources"]));
            expect(emulator.requests.length).toBe(before);
        });

        it("creates with a secret input unwrapped, marks token secret, keeps the resource name out of state", async () => {
            const check = await call<provproto.CheckResponse>(
                client,
                "check",
                new provproto.CheckRequest()
                    .setUrn(URN)
                    .setOlds(struct({}))
                    .setNews(struct({ name: { [SIG]: SECRET, value: "from-secret" } })),
            );
            const inputs = check.getInputs()!.toJavaScript() as Record<string, any>;
            expect(inputs.__resourceName).toBeUndefined();
            expect(inputs.name).toEqual({ [SIG]: SECRET, value: "from-secret" });

            const created = await call<provproto.CreateResponse>(
                client,
                "create",
                new provproto.CreateRequest().setUrn(URN).setProperties(check.getInputs()),
            );
            const outs = created.getProperties()!.toJavaScript() as Record<string, any>;
            expect(outs.token[SIG]).toBe(SECRET);
            expect(outs.name[SIG]).toBe(SECRET);
            const plain = unwrapSecrets(outs) as Record<string, any>;
            expect(plain.token).toBe(emulator.getToken(emulator.accountId, Number(created.getId()))!.token);
            expect(plain.name).toBe("from-secret");
            expect(plain.__resourceName).toBeUndefined();
        });

        it("answers getApiTokens as an invoke with the configured settings", async () => {
            const response = await call<provproto.InvokeResponse>(
                client,
                "invoke",
                new provproto.InvokeRequest().setTok("mailtrap:index:getApiTokens").setArgs(struct({})),
            );
            const result = response.getReturn()!.toJavaScript() as { tokens: { name: string; token?: string }[] };
            expect(result.tokens.map((t) => t.name)).toContain("from-secret");
            expect(result.tokens.every((t) => t.token === undefined)).toBe(true);
        });

        it("fails an unknown id in one line", async () => {
            await expect(
                call<provproto.ReadResponse>(
                    client,
                    "read",
                    new provproto.ReadRequest().setUrn(URN).setId("not-an-id").setProperties(struct({})),
                ),
            ).rejects.toMatchObject({ details: expect.stringMatching(/^mailtrap: "not-an-id" is not an API token id: [^\n]*$/) });
        });
    });
});
