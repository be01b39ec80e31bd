import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run } from "../../provider/migrate/cli";
import { defaultProviderName, migrateDeployment, MigrationRefused } from "../../provider/migrate/migrate";

/**
 * `mailtrap-migrate-state`: a `pulumi stack export` with dynamic ApiTokens in, the same deployment
 * with native `mailtrap:index:ApiToken` resources out, as the native provider would have written
 * them. The end-to-end proof through the CLI is tests/e2e/migrate.e2e.ts.
 */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const DYNAMIC = "pulumi-nodejs:dynamic/mailtrap:ApiToken";
const NATIVE = "mailtrap:index:ApiToken";
const PREFIX = "urn:pulumi:dev::proj::";
const STACK_URN = `${PREFIX}pulumi:pulumi:Stack::proj-dev`;
const NODEJS_PROVIDER = `${PREFIX}pulumi:providers:pulumi-nodejs::default`;
const NODEJS_REF = `${NODEJS_PROVIDER}::11111111-1111-1111-1111-111111111111`;
const NATIVE_PROVIDER = `${PREFIX}pulumi:providers:mailtrap::default_0_2_0`;
const NEW_ID = "22222222-2222-2222-2222-222222222222";
const NOW = new Date("2026-01-02T03:04:05.000Z");
const options = { providerVersion: "0.2.0", newProviderId: () => NEW_ID, now: () => NOW };
const ciphertext = { [SIG]: SECRET, ciphertext: "v1:abc:def" };

function dynamicToken(name: string, extra: Record<string, unknown> = {}): Record<string, any> {
    return {
        urn: `${PREFIX}${DYNAMIC}::${name}`,
        custom: true,
        id: "1001",
        type: DYNAMIC,
        inputs: { __provider: "exports.handler = …", __resourceName: name, accountId: 3229, name: `t-${name}`, rotate: "1" },
        outputs: {
            __provider: "exports.handler = …",
            accountId: 3229,
            name: `t-${name}`,
            rotate: "1",
            token: ciphertext,
            tokenId: 1001,
            rotationCount: 0,
            rotationHistory: [],
            nextRotationAt: null,
            stateVersion: 2,
        },
        parent: STACK_URN,
        provider: NODEJS_REF,
        propertyDependencies: { accountId: [], name: [], rotate: [] },
        additionalSecretOutputs: ["token"],
        created: "2026-01-01T00:00:00Z",
        modified: "2026-01-01T00:00:00Z",
        ...extra,
    };
}

function exportOf(...resources: Record<string, any>[]): Record<string, any> {
    return {
        version: 3,
        deployment: {
            manifest: { time: "2026-01-01T00:00:00Z", magic: "m", version: "v3.274.1" },
            secrets_providers: { type: "passphrase", state: { salt: "v1:salt" } },
            resources: [
                { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack", outputs: {} },
                {
                    urn: NODEJS_PROVIDER,
                    custom: true,
                    id: NODEJS_REF.split("::").pop(),
                    type: "pulumi:providers:pulumi-nodejs",
                    inputs: {},
                    outputs: {},
                },
                ...resources,
            ],
        },
    };
}

const byUrn = (doc: any, urn: string) => doc.deployment.resources.find((r: any) => r.urn === urn);
const refusal = (doc: unknown) => {
    try {
        migrateDeployment(doc, options);
    } catch (error) {
        expect(error).toBeInstanceOf(MigrationRefused);
        return (error as Error).message;
    }
    throw new Error("expected a refusal");
};

describe("mailtrap-migrate-state: dynamic ApiToken to native mailtrap:index:ApiToken", () => {
    it("makes each token the native resource: same id, inputs and outputs without __provider and __resourceName, the value's ciphertext as it was", () => {
        const input = exportOf(dynamicToken("ci-token"));
        const before = JSON.stringify(input);

        const { exported, moved } = migrateDeployment(input, options);

        expect(JSON.stringify(input)).toBe(before);
        expect([...moved]).toEqual([[`${PREFIX}${DYNAMIC}::ci-token`, `${PREFIX}${NATIVE}::ci-token`]]);
        const token = byUrn(exported, `${PREFIX}${NATIVE}::ci-token`);
        expect(token).toEqual({
            urn: `${PREFIX}${NATIVE}::ci-token`,
            custom: true,
            id: "1001",
            type: NATIVE,
            inputs: { accountId: 3229, name: "t-ci-token", rotate: "1" },
            outputs: {
                accountId: 3229,
                name: "t-ci-token",
                rotate: "1",
                token: ciphertext,
                tokenId: 1001,
                rotationCount: 0,
                rotationHistory: [],
                nextRotationAt: null,
                issuedExpiresAt: null,
                previousTokens: [],
                issuedResources: [],
                stateVersion: 5,
            },
            parent: STACK_URN,
            provider: `${NATIVE_PROVIDER}::${NEW_ID}`,
            propertyDependencies: { accountId: [], name: [], rotate: [] },
            created: "2026-01-01T00:00:00Z",
            modified: "2026-01-01T00:00:00Z",
        });
    });

    it("adds the default native provider for the version, before the first token, and drops the dynamic provider nothing uses", () => {
        const { exported, providerUrn, providerAdded, removedProviders } = migrateDeployment(
            exportOf(dynamicToken("a"), dynamicToken("b", { id: "1002" })),
            options,
        );

        expect(providerUrn).toBe(NATIVE_PROVIDER);
        expect(providerAdded).toBe(true);
        expect(removedProviders).toEqual([NODEJS_PROVIDER]);
        expect(exported.deployment.resources.map((r: any) => r.urn)).toEqual([
            STACK_URN,
            NATIVE_PROVIDER,
            `${PREFIX}${NATIVE}::a`,
            `${PREFIX}${NATIVE}::b`,
        ]);
        expect(byUrn(exported, NATIVE_PROVIDER)).toEqual({
            urn: NATIVE_PROVIDER,
            custom: true,
            id: NEW_ID,
            type: "pulumi:providers:mailtrap",
            inputs: { version: "0.2.0" },
            outputs: { version: "0.2.0" },
            created: NOW.toISOString(),
            modified: NOW.toISOString(),
        });
    });

    it("makes every reference to a token follow its new URN, and keeps the dynamic provider another resource uses", () => {
        const oldUrn = `${PREFIX}${DYNAMIC}::ci-token`;
        const newUrn = `${PREFIX}${NATIVE}::ci-token`;
        const consumer = {
            urn: `${PREFIX}pulumi-nodejs:dynamic/e2e:TokenConsumer::consumer`,
            custom: true,
            id: "consumer",
            type: "pulumi-nodejs:dynamic/e2e:TokenConsumer",
            inputs: { value: ciphertext },
            outputs: { hash: "h" },
            parent: STACK_URN,
            provider: NODEJS_REF,
            dependencies: [oldUrn],
            propertyDependencies: { value: [oldUrn] },
            deletedWith: oldUrn,
            aliases: [oldUrn],
        };

        const { exported, removedProviders } = migrateDeployment(exportOf(dynamicToken("ci-token"), consumer), options);

        const after = byUrn(exported, consumer.urn);
        expect(after).toEqual({
            ...consumer,
            dependencies: [newUrn],
            propertyDependencies: { value: [newUrn] },
            deletedWith: newUrn,
            aliases: [newUrn],
        });
        expect(removedProviders).toEqual([]);
        expect(byUrn(exported, NODEJS_PROVIDER)).toBeDefined();
    });

    it("rewrites only the last type of a token's URN inside a component", () => {
        const urn = `${PREFIX}my:index:Component$${DYNAMIC}::inner`;
        const component = { urn: `${PREFIX}my:index:Component::comp`, custom: false, type: "my:index:Component", parent: STACK_URN };

        const { moved } = migrateDeployment(exportOf(component, dynamicToken("inner", { urn, parent: component.urn })), options);

        expect(moved.get(urn)).toBe(`${PREFIX}my:index:Component$${NATIVE}::inner`);
    });

    it("keeps a user's own additionalSecretOutputs, dropping the `token` the dynamic class adds", () => {
        const { exported } = migrateDeployment(exportOf(dynamicToken("t", { additionalSecretOutputs: ["token", "name"] })), options);
        expect(byUrn(exported, `${PREFIX}${NATIVE}::t`).additionalSecretOutputs).toEqual(["name"]);
    });

    it("writes the outputs of an earlier state version in the current one, as the provider reads them", () => {
        const old = dynamicToken("old");
        old.outputs = { __provider: "…", accountId: 3229, token: ciphertext, tokenId: 1001, previousTokenId: 900, stateVersion: 1 };

        const { exported } = migrateDeployment(exportOf(old), options);

        expect(byUrn(exported, `${PREFIX}${NATIVE}::old`).outputs).toEqual({
            accountId: 3229,
            token: ciphertext,
            tokenId: 1001,
            previousTokenId: 900,
            rotationCount: 0,
            rotationHistory: [],
            nextRotationAt: null,
            previousTokenRetiredBy: "expiry",
            issuedExpiresAt: null,
            previousTokens: [],
            issuedResources: [],
            stateVersion: 5,
        });
    });

    it("leaves secrets of an export made with --show-secrets as they are (stack import encrypts them)", () => {
        const plain = { [SIG]: SECRET, plaintext: '"the-value"' };
        const token = dynamicToken("shown");
        token.outputs.token = plain;

        const { exported } = migrateDeployment(exportOf(token), options);

        expect(byUrn(exported, `${PREFIX}${NATIVE}::shown`).outputs.token).toEqual(plain);
    });

    it("reuses a default native provider of the same version already in the deployment", () => {
        const existing = {
            urn: NATIVE_PROVIDER,
            custom: true,
            id: "33333333-3333-3333-3333-333333333333",
            type: "pulumi:providers:mailtrap",
            inputs: { version: "0.2.0", accountId: "3229" },
            outputs: { version: "0.2.0", accountId: "3229" },
        };

        const { exported, providerAdded } = migrateDeployment(exportOf(existing, dynamicToken("t")), options);

        expect(providerAdded).toBe(false);
        expect(exported.deployment.resources.filter((r: any) => r.urn === NATIVE_PROVIDER)).toEqual([existing]);
        expect(byUrn(exported, `${PREFIX}${NATIVE}::t`).provider).toBe(`${NATIVE_PROVIDER}::${existing.id}`);
    });

    it("changes nothing in a deployment without a dynamic token (a second run is a no-op)", () => {
        const once = migrateDeployment(exportOf(dynamicToken("t")), options).exported;

        const twice = migrateDeployment(once, options);

        expect(twice.exported).toEqual(once);
        expect(twice.moved.size).toBe(0);
    });

    it("moves the tokens of a real 0.2.0 stack export (tests/fixtures/stacks), leaving the rest as it was", () => {
        const file = path.join(__dirname, "..", "fixtures", "stacks", "stack-v2.export.json");
        const input = JSON.parse(fs.readFileSync(file, "utf8"));
        const tokens = input.deployment.resources.filter((r: any) => r.type === DYNAMIC);
        expect(tokens.length).toBeGreaterThan(0);

        const { exported, moved } = migrateDeployment(input, options);

        expect(moved.size).toBe(tokens.length);
        for (const old of tokens) {
            const now = byUrn(exported, moved.get(old.urn)!);
            expect(now.id).toBe(old.id);
            expect(now.outputs.token).toEqual(old.outputs.token);
            expect(JSON.stringify(now)).not.toContain("__provider");
            expect(JSON.stringify(now)).not.toContain("__resourceName");
            expect(now.stackTrace).toEqual(old.stackTrace);
        }
        expect(exported.deployment.resources[0]).toEqual(input.deployment.resources[0]);
        expect(exported.deployment.secrets_providers).toEqual(input.deployment.secrets_providers);
    });

    describe("refuses, naming the resource, what it does not understand", () => {
        it("a deployment version other than 3", () => {
            expect(refusal({ version: 2, deployment: { resources: [] } })).toMatch(/version 2; this command reads version 3/);
        });

        it("a token with a pending operation", () => {
            const doc = exportOf(dynamicToken("t"));
            doc.deployment.pending_operations = [{ type: "updating", resource: dynamicToken("t") }];
            expect(refusal(doc)).toMatch(new RegExp(`${DYNAMIC}::t has a pending updating operation.*pulumi refresh`));
        });

        it("a field it does not know", () => {
            expect(refusal(exportOf(dynamicToken("t", { somethingNew: true })))).toMatch(
                /::t has fields this command does not know: somethingNew/,
            );
        });

        it("an internal input other than __provider and __resourceName", () => {
            const token = dynamicToken("t");
            token.inputs.__other = 1;
            expect(refusal(exportOf(token))).toMatch(/::t: its inputs hold __other/);
        });

        it("a token without an id", () => {
            expect(refusal(exportOf(dynamicToken("t", { id: "" })))).toMatch(/::t has no id/);
        });

        it("a token on another provider than the default pulumi-nodejs one", () => {
            const other = `${PREFIX}pulumi:providers:pulumi-nodejs::mine::44444444-4444-4444-4444-444444444444`;
            expect(refusal(exportOf(dynamicToken("t", { provider: other })))).toMatch(/::t uses provider .*mine.*not the default/);
        });

        it("outputs written by a newer release", () => {
            const token = dynamicToken("t");
            token.outputs.stateVersion = 99;
            expect(refusal(exportOf(token))).toMatch(/::t: mailtrap: this resource's state was written by a newer pulumi-mailtrap-tokens/);
        });

        it("a default native provider of another version already there", () => {
            const existing = {
                urn: NATIVE_PROVIDER,
                custom: true,
                id: "x",
                type: "pulumi:providers:mailtrap",
                inputs: { version: "0.1.0" },
            };
            expect(refusal(exportOf(existing, dynamicToken("t")))).toMatch(/already holds .*default_0_2_0 with version "0.1.0"/);
        });

        it("a child of a token", () => {
            const child = { urn: `${PREFIX}${DYNAMIC}$my:index:Thing::child`, custom: false, type: "my:index:Thing" };
            expect(refusal(exportOf(dynamicToken("t"), child))).toMatch(/Thing::child has an ApiToken in its URN's type/);
        });
    });
});

describe("the mailtrap-migrate-state command", () => {
    const io = (stdin = "") => {
        const out = { stdout: "", stderr: "" };
        return {
            out,
            io: { stdin: () => stdin, stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t) },
        };
    };

    it("reads stdin, writes the deployment to stdout and what it moved to stderr", () => {
        const { out, io: streams } = io(JSON.stringify(exportOf(dynamicToken("t"))));

        expect(run([], streams)).toBe(0);

        expect(JSON.parse(out.stdout).deployment.resources.map((r: any) => r.type)).toContain(NATIVE);
        expect(out.stderr).toContain(`${PREFIX}${DYNAMIC}::t\n    -> ${PREFIX}${NATIVE}::t`);
        // Without --provider-version, the package's own version names the default provider.
        const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8")) as { version: string };
        expect(out.stderr).toContain(`1 token(s) moved to ${PREFIX}pulumi:providers:mailtrap::${defaultProviderName(version)} (added)`);
    });

    it("reads a file and writes --out, with the version given", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrate-cli-"));
        try {
            fs.writeFileSync(path.join(dir, "in.json"), JSON.stringify(exportOf(dynamicToken("t"))));
            const { out, io: streams } = io();

            expect(run([path.join(dir, "in.json"), "--out", path.join(dir, "out.json"), "--provider-version=1.2.3"], streams)).toBe(0);

            expect(out.stdout).toBe("");
            const written = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8"));
            expect(written.deployment.resources.map((r: any) => r.urn)).toContain(`${PREFIX}pulumi:providers:mailtrap::default_1_2_3`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("exits 1 with one line and writes nothing when it refuses", () => {
        const { out, io: streams } = io(JSON.stringify(exportOf(dynamicToken("t", { id: "" }))));

        expect(run(["-"], streams)).toBe(1);

        expect(out.stdout).toBe("");
        expect(out.stderr).toMatch(/^mailtrap-migrate-state: resource .*::t has no id.*\n$/);
    });

    it("exits 1 on input that is not JSON, 2 on a bad option", () => {
        const notJson = io("not json");
        expect(run([], notJson.io)).toBe(1);
        expect(notJson.out.stderr).toMatch(/^mailtrap-migrate-state: the input is not JSON/);

        const bad = io();
        expect(run(["--nope"], bad.io)).toBe(2);
        expect(bad.out.stderr).toMatch(/unknown option --nope\nusage: mailtrap-migrate-state/);
    });
});
