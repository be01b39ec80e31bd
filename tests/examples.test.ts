import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ProgramRun, repoRoot, runProgram, serializedProvider } from "./harness/captureProgram";
import { ProviderHost, resourceUrn } from "./harness/providerHost";
import { SECRET_SIG, SPECIAL_SIG_KEY } from "./harness/propertyWire";

jest.setTimeout(60000);

const API_TOKEN_TYPE = "pulumi-nodejs:dynamic/mailtrap:ApiToken";
const STORED_SECRET_TYPE = "pulumi-nodejs:dynamic/example:StoredSecret";
/** How a secret looks in a property map (`specialSigKey` / `specialSecretSig` in @pulumi/pulumi/runtime/rpc). */
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
                "mailtrap-test:projectId": "12345",
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

    it("uses defaults without optional config: a 90-day schedule and a secret file under the project", async () => {
        const bare = await runProgram(ROTATION_PROGRAM, { config: { "mailtrap:accountId": "3229", "mailtrap-test:projectId": "12345" } });
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

/**
 * The config each example requires, given explicitly (project "mailtrap-test" under the harness):
 * every example runs below with exactly this, and fails naming the key without it.
 */
const REQUIRED_CONFIG: Record<string, Record<string, string>> = {
    basic: { "mailtrap-test:projectId": "12345" },
    rotation: { "mailtrap-test:projectId": "12345" },
    adopt: { "mailtrap-test:adoptTokenId": "12345", "mailtrap-test:adoptName": "legacy CI token", "mailtrap-test:projectId": "4242" },
    audit: { "mailtrap-test:projectId": "12345" },
    permissions: {
        "mailtrap-test:accountId": "3229",
        "mailtrap-test:projectId": "12345",
        "mailtrap-test:inboxId": "23456",
        "mailtrap-test:sendingDomainId": "34567",
    },
    evidence: { "mailtrap-test:projectId": "4242" },
    environments: { "mailtrap-test:projectId": "12345", "mailtrap-test:expiresInDays": "30" },
    ci: { "mailtrap-test:projectId": "12345" },
    propagation: { "mailtrap-test:projectId": "12345", "mailtrap-test:repository": "payments" },
};
/** Every example is a Pulumi project of its own, compiled by the build and run here under mocks. */
describe("the examples", () => {
    const examplesDir = path.join(repoRoot(), "examples");
    const compiled = (name: string) => path.join(repoRoot(), "bin", "examples", name, "index.js");
    const apiTokens = (run: ProgramRun) => run.resources.filter((r) => r.type === API_TOKEN_TYPE);
    const examples = fs.readdirSync(examplesDir).filter((name) => fs.statSync(path.join(examplesDir, name)).isDirectory());
    // A policy pack (PulumiPolicy.yaml) is not a Pulumi project, and is never run here: constructing its
    // PolicyPack starts a gRPC server. tests/policy drive examples/policy-pack.
    const isPolicyPack = (name: string) => fs.existsSync(path.join(examplesDir, name, "PulumiPolicy.yaml"));
    const runtimeOf = (name: string) =>
        /^runtime:\s*(\w+)/m.exec(fs.readFileSync(path.join(examplesDir, name, "Pulumi.yaml"), "utf8"))?.[1];
    // Python and YAML programs use the native provider; each runs through the Pulumi CLI in its own
    // end-to-end file (tests/e2e/python.e2e.ts, tests/e2e/yaml.e2e.ts), never under Node's mocks.
    const otherLanguages = examples.filter((name) => !isPolicyPack(name) && runtimeOf(name) !== "nodejs");
    const programs = examples.filter((name) => !isPolicyPack(name) && !otherLanguages.includes(name));
    const NATIVE_EXAMPLE_FILES: Record<string, string> = { python: "__main__.py", yaml: "Pulumi.yaml", go: "main.go" };
    const withConfig = (name: string, extra: Record<string, string> = {}) => ({
        config: { "mailtrap:accountId": "3229", ...REQUIRED_CONFIG[name], ...extra },
    });

    it.each(examples.filter(isPolicyPack))(
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

    it.each(programs)("%s lists its required config in its README", (name) => {
        expect(REQUIRED_CONFIG[name]).toBeDefined();
        const readme = fs.readFileSync(path.join(examplesDir, name, "README.md"), "utf8");
        for (const key of Object.keys(REQUIRED_CONFIG[name])) {
            expect(readme).toContain(`\`${key.split(":")[1]}\``);
        }
    });

    // Every example runs with its required config: in a test of its own (below, the rotation suite
    // above, tests/evidenceExample.test.ts), or here. Each run starts a process, so none runs twice.
    const RUN_ELSEWHERE = ["basic", "permissions", "adopt", "audit", "environments", "propagation", "rotation", "evidence"];
    it.each(programs.filter((name) => !RUN_ELSEWHERE.includes(name)))("%s runs under mocks with its required config", async (name) => {
        // An emulator for an example that reads the account (getApiTokensOutput) while it runs.
        const { MailtrapEmulator } = await import("../provider/emulator/server");
        const emulator = new MailtrapEmulator();
        const baseUrl = await emulator.start(0);
        try {
            const run = await runProgram(compiled(name), {
                ...withConfig(name, { "mailtrap:baseUrl": baseUrl }),
                env: { MAILTRAP_API_TOKEN: emulator.credential },
            });
            expect(apiTokens(run).length).toBeGreaterThan(0);
        } finally {
            await emulator.stop();
        }
    });

    // One run per example (each starts a process): without its first required key it stops, naming it.
    // The README check above covers every key.
    it.each(programs.map((name) => [name, Object.keys(REQUIRED_CONFIG[name] ?? {})[0]]))(
        "%s refuses to run without %s, naming it",
        async (name, key) => {
            const config = withConfig(name).config as Record<string, string>;
            delete config[key];
            await expect(runProgram(compiled(name), { config })).rejects.toThrow(
                new RegExp(`Missing required configuration variable '${key}'`),
            );
        },
    );

    it.each(otherLanguages)(
        "%s is a Python, YAML or Go project with its program and a README, run by its end-to-end file (Go: built by check-sdk)",
        (name) => {
            const runtime = runtimeOf(name)!;
            expect(Object.keys(NATIVE_EXAMPLE_FILES)).toContain(runtime);
            for (const file of [NATIVE_EXAMPLE_FILES[runtime], "README.md"]) {
                expect(fs.existsSync(path.join(examplesDir, name, file))).toBe(true);
            }
            if (runtime === "go") {
                // No Go language host is built here: `npm run check-sdk` builds and vets it against sdk/go instead.
                expect(fs.readFileSync(path.join(repoRoot(), "scripts", "gen-sdk.sh"), "utf8")).toContain(`go_check examples/${name}`);
            } else {
                const e2e = fs.readFileSync(path.join(repoRoot(), "tests", "e2e", `${runtime}.e2e.ts`), "utf8");
                expect(e2e).toContain(`"${name}"`);
            }
            // Its required config is a `require`d key (Python) or a config entry without a default (YAML), named in the README.
            expect(fs.readFileSync(path.join(examplesDir, name, "README.md"), "utf8")).toContain("`projectId`");
        },
    );

    it.each(otherLanguages.filter((name) => runtimeOf(name) === "yaml"))(
        "%s names the package's version and the release the plugin downloads from on each resource (YAML has no SDK to)",
        (name) => {
            const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8"));
            const release = JSON.parse(fs.readFileSync(path.join(repoRoot(), "provider", "native", "release.json"), "utf8"));
            const program = fs.readFileSync(path.join(examplesDir, name, "Pulumi.yaml"), "utf8");
            const resources = program.match(/^ {8}type: mailtrap:index:ApiToken$/gm) ?? [];

            expect(resources.length).toBeGreaterThan(0);
            expect(program.match(new RegExp(`^ {12}version: ${version.replace(/\./g, "\\.")}$`, "gm"))).toHaveLength(resources.length);
            expect(program.match(/^ {12}pluginDownloadURL: (.*)$/gm)).toEqual(
                resources.map(() => `            pluginDownloadURL: github://api.github.com/${release.owner}/${release.repository}`),
            );
        },
    );

    const sourceOf = (name: string) => {
        const runtime = otherLanguages.includes(name) ? runtimeOf(name)! : "nodejs";
        return fs.readFileSync(path.join(examplesDir, name, NATIVE_EXAMPLE_FILES[runtime] ?? "index.ts"), "utf8");
    };

    it.each(examples)("%s has no made-up default id and no date that moves", (name) => {
        const source = sourceOf(name);
        expect(source).not.toMatch(/get(Number)?\("\w*Id"\)\s*\?\?/);
        expect(source).not.toMatch(/resourceId:\s*\d|resource_id=\s*\d/);
        expect(source).not.toMatch(/new Date\(|Date\.now\(|getUTCFullYear|getFullYear|datetime|fn::invoke:\s*\n\s*function: std:/);
    });

    it("basic declares one token on the configured project and exports its value", async () => {
        const run = await runProgram(compiled("basic"), withConfig("basic"));
        expect(apiTokens(run).map((r) => r.inputs.name)).toEqual(["ci-sending"]);
        expect(apiTokens(run)[0].inputs).toMatchObject({
            rotate: "1",
            resources: [{ resourceType: "project", resourceId: 12345, accessLevel: "viewer" }],
        });
    });

    it("permissions declares tokens scoped to the configured project, inbox, sending domain and account; the contractor's has a rolling lifetime", async () => {
        const run = await runProgram(compiled("permissions"), withConfig("permissions"));
        const scopes = apiTokens(run).map(
            (r) => (r.inputs.resources as Array<{ resourceType: string; resourceId: number; accessLevel: string }>)[0],
        );
        expect(scopes.map((p) => `${p.resourceType}:${p.resourceId}:${p.accessLevel}`)).toEqual([
            "project:12345:viewer",
            "inbox:23456:admin",
            "sending_domain:34567:admin",
            "account:3229:viewer",
        ]);
        const contractor = apiTokens(run)[2].inputs;
        expect(contractor).toMatchObject({ expiresInDays: 90 });
        expect(contractor.expiresAt).toBeUndefined();
    });

    it("adopt adopts a token by id with the configured name and looks another up with ApiToken.get", async () => {
        const run = await runProgram(compiled("adopt"), withConfig("adopt", { "mailtrap-test:lookupTokenId": "3229/678" }));
        expect(apiTokens(run).map((r) => [r.name, r.inputs.adoptTokenId, r.inputs.name])).toEqual(
            expect.arrayContaining([
                ["legacy-ci", 12345, "legacy CI token"],
                ["looked-up", undefined, undefined],
            ]),
        );
        expect(apiTokens(run)).toHaveLength(2);
    });

    it("propagation writes the token's value, as a secret, into a GitHub Actions secret of the configured repository", async () => {
        const run = await runProgram(compiled("propagation"), withConfig("propagation"));
        const secret = run.resources.find((r) => r.type === "github:index/actionsSecret:ActionsSecret")!;
        expect(secret.inputs).toMatchObject({ repository: "payments", secretName: "MAILTRAP_API_TOKEN" });
        // The token's value: unknown under mocks, but marked secret on its way to GitHub.
        expect(secret.inputs.value).toMatchObject({ [SPECIAL_SIG_KEY]: SECRET_SIG });
        expect(apiTokens(run).map((r) => r.inputs.name)).toEqual(["ci-sending-dev"]);
    });

    it("environments names its tokens per stack and takes each stack's policy from its committed stack file", async () => {
        const yaml = jsYaml();
        const project = "mailtrap-tokens-environments";
        for (const [stack, days] of [
            ["dev", 30],
            ["prod", 90],
        ] as const) {
            const stackFile = path.join(examplesDir, "environments", `Pulumi.${stack}.yaml`);
            const stackConfig = (yaml.load(fs.readFileSync(stackFile, "utf8")) as { config: Record<string, string> }).config;
            // The stack file holds policy only; ids are set per stack.
            expect(Object.keys(stackConfig).sort()).toEqual([`${project}:expiresInDays`, `${project}:protect`]);
            const run = await runProgram(compiled("environments"), {
                project,
                stack,
                config: { ...stackConfig, "mailtrap:accountId": "3229", [`${project}:projectId`]: "12345" },
            });
            expect(apiTokens(run).map((r) => [r.inputs.name, r.inputs.expiresInDays])).toEqual([
                [`sending-${stack}`, days],
                [`deploy-${stack}`, days],
            ]);
        }
    });

    it("audit sorts the account's tokens by the stack their name is for, from one list read with getApiTokensOutput", async () => {
        const { MailtrapEmulator } = await import("../provider/emulator/server");
        const emulator = new MailtrapEmulator();
        const baseUrl = await emulator.start(0);
        try {
            emulator.createToken(emulator.accountId, { name: "made by hand", expires_at: null });
            emulator.createToken(emulator.accountId, { name: "ci-prod", expires_at: null });
            emulator.createToken(emulator.accountId, { name: "ci-dev", expires_at: null });
            const auditCredential = "audit0credential00000000000000000";
            emulator.addCredential(auditCredential, [emulator.accountId]);
            const run = await runProgram(
                compiled("audit"),
                withConfig("audit", {
                    "mailtrap:baseUrl": baseUrl,
                    "mailtrap-test:stacks": JSON.stringify(["dev", "prod"]),
                    // A secret credential for the list: the report is still readable (the list holds no value).
                    "mailtrap-test:auditToken": auditCredential,
                }),
            );
            expect(apiTokens(run).map((r) => r.inputs.name)).toEqual(["ci-dev"]);
            const report = (run.exports as { report: AuditReport }).report;
            expect(report.total).toBe(4);
            expect(report.managedByThisStack).toEqual([]); // under mocks the stack's token has a mock id, not one of the account's
            expect(report.notManagedByThisStack.namedForOtherStacks).toEqual({ prod: [expect.stringContaining('"ci-prod"')] });
            expect(report.notManagedByThisStack.namedForThisStack).toEqual([expect.stringContaining('"ci-dev"')]);
            expect(report.notManagedByThisStack.namedForNoStack).toEqual(
                expect.arrayContaining([expect.stringContaining('"made by hand"'), expect.stringContaining('"Emulator admin"')]),
            );
            expect(report.admin).toEqual([expect.stringContaining('"Emulator admin"')]);
            expect(JSON.stringify(report)).not.toContain(emulator.credential);
            // The list was read with the audit credential, once.
            expect(emulator.requests.filter((r) => r.method === "GET" && r.path.endsWith("/api_tokens"))).toHaveLength(1);
        } finally {
            await emulator.stop();
        }
    });
});

describe("npm run demo", () => {
    it("runs examples/basic's lifecycle against the emulator, giving the example its required projectId", () => {
        const demo = spawnSync(process.execPath, [path.join(repoRoot(), "bin", "tests", "demo", "demo.js")], {
            cwd: repoRoot(),
            encoding: "utf8",
            timeout: 120_000,
        });
        expect(demo.stderr).toBe("");
        expect(demo.status).toBe(0);
        expect(demo.stdout).toContain("Config given to examples/basic: projectId 12345");
        expect(demo.stdout).toMatch(/^Done: \d+ API requests in all; no secret appeared in the provider's output\.$/m);
    });
});

interface AuditReport {
    total: number;
    managedByThisStack: string[];
    notManagedByThisStack: { namedForOtherStacks: Record<string, string[]>; namedForThisStack: string[]; namedForNoStack: string[] };
    withoutExpiry: string[];
    admin: string[];
}

/** js-yaml, which @pulumi/pulumi depends on (it reads stack files with it). */
function jsYaml(): { load(text: string): unknown } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(require.resolve("js-yaml", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }));
}

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
