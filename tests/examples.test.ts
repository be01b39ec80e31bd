import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ProgramRun, repoRoot, runProgram, serializedProvider } from "./harness/captureProgram";
import { ProviderHost, resourceUrn } from "./harness/providerHost";

jest.setTimeout(60000);

const API_TOKEN_TYPE = "pulumi-nodejs:dynamic/mailtrap:ApiToken";
const STORED_SECRET_TYPE = "pulumi-nodejs:dynamic/example:StoredSecret";
/** How a secret looks in a property map (`specialSigKey` / `specialSecretSig` in @pulumi/pulumi/runtime/rpc). */
const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const ROTATION_PROGRAM = path.join(repoRoot(), "bin", "examples", "rotation", "index.js");

/** A secret input arrives at the mock monitor wrapped; this is the value inside (or the value itself). */
function unwrapSecret(value: unknown): unknown {
    return typeof value === "object" && value !== null && "value" in value ? (value as { value: unknown }).value : value;
}

/**
 * The rotation example (examples/rotation), compiled and run under mocks: it declares a token with
 * a schedule and a trigger, and a consumer fed by the token's value.
 */
describe("examples/rotation", () => {
    let run: ProgramRun;
    let secretDir: string;

    beforeAll(async () => {
        secretDir = fs.mkdtempSync(path.join(os.tmpdir(), "rotation-example-"));
        run = await runProgram(ROTATION_PROGRAM, {
            config: {
                "mailtrap:accountId": "3229",
                "mailtrap-test:rotateAfterDays": "30",
                "mailtrap-test:rotation": "2031-03",
                "mailtrap-test:secretPath": path.join(secretDir, "token"),
            },
        });
    });
    afterAll(() => {
        fs.rmSync(secretDir, { recursive: true, force: true });
    });

    it("registers an ApiToken with a schedule and a trigger, and a StoredSecret consuming its value", () => {
        expect(run.resources.map((r) => [r.type, r.name])).toEqual([
            [API_TOKEN_TYPE, "sending-token"],
            [STORED_SECRET_TYPE, "sending-token-file"],
        ]);
        const [token, stored] = run.resources;
        expect(token.inputs).toMatchObject({ name: "ci-sending", rotateAfterDays: 30, rotate: "2031-03" });
        expect(stored.inputs.path).toBe(path.join(secretDir, "token"));
        // The value is the token's, as a secret: unknown under mocks, so the wrapper holds no value.
        expect(stored.inputs.value).toMatchObject({ [SPECIAL_SIG_KEY]: SECRET_SIG });
        expect(unwrapSecret(stored.inputs.value) ?? undefined).toBeUndefined();
        expect(typeof stored.inputs.__provider === "string" || typeof unwrapSecret(stored.inputs.__provider) === "string").toBe(true);
        expect(run.exports).toMatchObject({ storedAt: path.join(secretDir, "token") });
    });

    it("uses defaults without config: a 90-day schedule and a secret file under the project", async () => {
        const bare = await runProgram(ROTATION_PROGRAM, { config: { "mailtrap:accountId": "3229" } });
        const token = bare.resources.find((r) => r.type === API_TOKEN_TYPE)!;
        expect(token.inputs).toMatchObject({ rotateAfterDays: 90, rotate: "1" });
        const stored = bare.resources.find((r) => r.type === STORED_SECRET_TYPE)!;
        expect(stored.inputs.path).toBe(path.join(repoRoot(), ".secrets", "mailtrap-api-token"));
        expect(fs.existsSync(stored.inputs.path as string)).toBe(false);
    });

    it("serializes a consumer provider that writes, rewrites and deletes a 0600 file through the host", async () => {
        const provider = serializedProvider(run.resources, STORED_SECRET_TYPE);
        const file = path.join(secretDir, "nested", "token");
        const urn = resourceUrn("sending-token-file", STORED_SECRET_TYPE);
        const host = await ProviderHost.start();
        try {
            await host.configure({});
            const created = await host.create(urn, { path: file, value: "first-value", __provider: provider });
            expect(created.id).toBe(file);
            expect(fs.readFileSync(file, "utf8")).toBe("first-value");
            expect(fs.statSync(file).mode & 0o777).toBe(0o600);

            const rotated = { path: file, value: "second-value", __provider: provider };
            expect(await host.diff(created.id, urn, created.properties, rotated)).toMatchObject({ changes: "some", replaces: [] });
            const updated = await host.update(created.id, urn, created.properties, rotated);
            expect(updated.properties).toMatchObject({ path: file, value: "second-value" });
            expect(fs.readFileSync(file, "utf8")).toBe("second-value");
            expect(fs.statSync(file).mode & 0o777).toBe(0o600);
            expect(await host.diff(created.id, urn, updated.properties, rotated)).toMatchObject({ changes: "none" });

            await host.delete(created.id, urn, updated.properties);
            expect(fs.existsSync(file)).toBe(false);
        } finally {
            await host.stop();
        }
    });
});

/** Every example is a Pulumi project of its own, compiled by the build and run here under mocks. */
describe("the examples", () => {
    const examplesDir = path.join(repoRoot(), "examples");
    const compiled = (name: string) => path.join(repoRoot(), "bin", "examples", name, "index.js");
    const apiTokens = (run: ProgramRun) => run.resources.filter((r) => r.type === API_TOKEN_TYPE);

    // A policy pack (PulumiPolicy.yaml) is not a Pulumi project, and is never run here: constructing its
    // PolicyPack starts a gRPC server. tests/policy drive examples/policy-pack.
    const isPolicyPack = (name: string) => fs.existsSync(path.join(examplesDir, name, "PulumiPolicy.yaml"));
    const programs = fs.readdirSync(examplesDir).filter((name) => !isPolicyPack(name));

    it.each(fs.readdirSync(examplesDir).filter(isPolicyPack))(
        "%s is a policy pack with PulumiPolicy.yaml, package.json, index.ts and a README, compiled by the build",
        (name) => {
            for (const file of ["PulumiPolicy.yaml", "package.json", "index.ts", "README.md"]) {
                expect(fs.existsSync(path.join(examplesDir, name, file))).toBe(true);
            }
            expect(fs.readFileSync(path.join(examplesDir, name, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
            // PolicyPack reads its version from the pack's package.json.
            expect(JSON.parse(fs.readFileSync(path.join(examplesDir, name, "package.json"), "utf8")).version).toMatch(/^\d+\.\d+\.\d+/);
            expect(fs.existsSync(compiled(name))).toBe(true);
        },
    );

    it.each(programs)("%s is a project with Pulumi.yaml, index.ts and a README, compiled by the build", (name) => {
        for (const file of ["Pulumi.yaml", "index.ts", "README.md"]) {
            expect(fs.existsSync(path.join(examplesDir, name, file))).toBe(true);
        }
        expect(fs.readFileSync(path.join(examplesDir, name, "Pulumi.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
        expect(fs.existsSync(compiled(name))).toBe(true);
    });

    it("basic declares one token and exports its value", async () => {
        const run = await runProgram(compiled("basic"), { config: { "mailtrap:accountId": "3229" } });
        expect(apiTokens(run).map((r) => r.inputs.name)).toEqual(["ci-sending"]);
        expect(apiTokens(run)[0].inputs).toMatchObject({ rotate: "1", resources: [{ resourceType: "project", accessLevel: "viewer" }] });
    });

    it("permissions declares tokens scoped to a project, an inbox, a sending domain and the account", async () => {
        const run = await runProgram(compiled("permissions"), {
            config: { "mailtrap:accountId": "3229", "mailtrap-test:accountId": "3229" },
        });
        const scopes = apiTokens(run).map((r) => (r.inputs.resources as Array<{ resourceType: string; accessLevel: string }>)[0]);
        expect(scopes.map((p) => `${p.resourceType}:${p.accessLevel}`)).toEqual([
            "project:viewer",
            "inbox:admin",
            "sending_domain:admin",
            "account:viewer",
        ]);
        expect(apiTokens(run)[2].inputs.expiresAt).toMatch(/^\d{4}-12-31T23:59:59Z$/);
    });

    it("adopt adopts a token by id and looks another up with ApiToken.get", async () => {
        const run = await runProgram(compiled("adopt"), {
            config: { "mailtrap:accountId": "3229", "mailtrap-test:adoptTokenId": "12345", "mailtrap-test:lookupTokenId": "3229/678" },
        });
        expect(apiTokens(run).map((r) => [r.name, r.inputs.adoptTokenId])).toEqual(
            expect.arrayContaining([
                ["legacy-ci", 12345],
                ["looked-up", undefined],
            ]),
        );
        expect(apiTokens(run)).toHaveLength(2);
    });

    it("audit reports the account's tokens this stack does not manage, those without expiry, and admin ones", async () => {
        const { MailtrapEmulator } = await import("../provider/emulator/server");
        const emulator = new MailtrapEmulator();
        const baseUrl = await emulator.start(0);
        try {
            emulator.createToken(emulator.accountId, { name: "made by hand", expires_at: null });
            const run = await runProgram(compiled("audit"), {
                config: { "mailtrap:accountId": String(emulator.accountId), "mailtrap:baseUrl": baseUrl },
                env: { MAILTRAP_API_TOKEN: emulator.credential },
            });
            const report = (
                run.exports as { report: { total: number; notManagedByThisStack: string[]; withoutExpiry: string[]; admin: string[] } }
            ).report;
            expect(report.total).toBe(2);
            expect(report.notManagedByThisStack).toEqual(
                expect.arrayContaining([expect.stringContaining('"made by hand"'), expect.stringContaining('"Emulator admin"')]),
            );
            expect(report.admin).toEqual([expect.stringContaining('"Emulator admin"')]);
            expect(JSON.stringify(report)).not.toContain(emulator.credential);
        } finally {
            await emulator.stop();
        }
    });
});

describe("ApiToken's outputs", () => {
    const everyOutput = [
        "accountId",
        "adoptTokenId",
        "createdBy",
        "expiresAt",
        "issuedAt",
        "last4Digits",
        "name",
        "previousTokenExpiresAt",
        "previousTokenId",
        "resources",
        "rotate",
        "rotateAfterDays",
        "token",
        "tokenId",
        "valueExpiresAt",
    ];

    it("exist for every input and output, whichever inputs the program gave, and for a lookup", async () => {
        const run = await runProgram(path.join(repoRoot(), "bin", "tests", "programs", "outputs.js"), {
            config: { "mailtrap:accountId": "3229" },
        });
        const exported = run.exports as { minimalOutputs: string[]; lookedUpOutputs: string[] };
        expect(exported.minimalOutputs).toEqual(expect.arrayContaining(everyOutput));
        expect(exported.lookedUpOutputs).toEqual(expect.arrayContaining(everyOutput));
    });
});
