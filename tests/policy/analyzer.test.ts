import * as path from "path";
import { repoRoot, runProgram } from "../harness/captureProgram";
import { EngineSide, inProcess, Invoke, ProgramResource, programResources, secretInput, UNKNOWN_STRING } from "./engineSide";

/**
 * The policy packs, served in this process and driven as the Pulumi engine drives an analyzer
 * (see engineSide.ts), on the resources of real registrations of two programs
 * (tests/programs/policy): one whose tokens keep every rule, one whose tokens break them.
 *
 * Constructing a PolicyPack starts a gRPC server and prints its port for the CLI. Here the
 * server is kept off the network: @grpc/grpc-js's Server is replaced by one that keeps the
 * handlers the pack registers (ConfigureStack, GetAnalyzerInfo, Configure, Analyze, …), which the
 * test calls with the requests the engine would send.
 */
const mockRegisteredServices: Array<Record<string, any>> = [];
jest.mock("@grpc/grpc-js", () => {
    const actual = jest.requireActual("@grpc/grpc-js");
    class Server {
        addService(_service: unknown, handlers: Record<string, any>): void {
            mockRegisteredServices.push(handlers);
        }
        bindAsync(): void {
            // No port, no listener: the test calls the handlers itself.
        }
    }
    return { ...actual, Server };
});

jest.setTimeout(60000);

const PACK_DIR = path.join(repoRoot(), "examples", "policy-pack");
const EXAMPLE_PACK = path.join(repoRoot(), "bin", "examples", "policy-pack", "index.js");
const PROGRAMS = path.join(repoRoot(), "bin", "tests", "programs", "policy");
const API_TOKEN_TYPE = "pulumi-nodejs:dynamic/mailtrap:ApiToken";
const NATIVE_TYPE = "mailtrap:index:ApiToken";
const NAMES = {
    maxLifetime: "mailtrap-token-max-lifetime",
    noAccountAdmin: "mailtrap-token-no-account-admin",
    adminExpires: "mailtrap-admin-token-expires",
    protectedInProduction: "mailtrap-token-protected-in-production",
};

/** Loads a policy pack in a fresh module registry, from the pack's directory as the CLI runs it, and returns its handlers. */
function servePack(load: () => void): Invoke {
    const before = mockRegisteredServices.length;
    const cwd = process.cwd();
    process.chdir(PACK_DIR); // PolicyPack reads its version from ./package.json
    try {
        jest.isolateModules(load);
    } finally {
        process.chdir(cwd);
    }
    expect(mockRegisteredServices).toHaveLength(before + 1);
    return inProcess(mockRegisteredServices[before]);
}

function serveExamplePack(): Invoke {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return servePack(() => require(EXAMPLE_PACK));
}

let compliant: ProgramResource[];
let violating: ProgramResource[];

beforeAll(async () => {
    const config = { "mailtrap:accountId": "3229" };
    const [compliantRun, violatingRun] = await Promise.all([
        runProgram(path.join(PROGRAMS, "compliant.js"), { config }),
        runProgram(path.join(PROGRAMS, "violating.js"), { config }),
    ]);
    compliant = programResources(compliantRun);
    violating = programResources(violatingRun);
});

const tokens = (resources: ProgramResource[]) => resources.filter((r) => r.type === API_TOKEN_TYPE);
const byName = (resources: ProgramResource[], name: string) => resources.find((r) => r.name === name)!;

/** Each token's violations as `policy` names, by resource name. */
async function violationsByToken(engine: EngineSide, resources: ProgramResource[]): Promise<Record<string, string[]>> {
    const result: Record<string, string[]> = {};
    for (const resource of tokens(resources)) {
        result[resource.name] = (await engine.analyze(resource)).diagnostics.map((d) => d.policyName);
    }
    return result;
}

describe("the example policy pack (examples/policy-pack), driven as the engine drives an analyzer", () => {
    let pack: Invoke;

    beforeAll(() => {
        pack = serveExamplePack();
    });

    it("describes its four policies to the engine: enforcement, severity, framework, tags and config schema with the pack's defaults", async () => {
        const engine = new EngineSide(pack, "prod-eu");
        await engine.configure();
        const info = await engine.analyzerInfo();
        expect(info.getName()).toBe("mailtrap-tokens");
        expect(info.getVersion()).toBe("0.1.0");
        expect(info.getSupportsconfig()).toBe(true);
        const policies = info.getPoliciesList().map((p) => ({
            name: p.getName(),
            level: p.getEnforcementlevel(),
            severity: p.getSeverity(),
            framework: p.getFramework()?.getName(),
            reference: p.getFramework()?.getReference(),
            tags: p.getTagsList(),
            schema: p.getConfigschema()?.getProperties()?.toJavaScript(),
        }));
        expect(policies.map((p) => p.name)).toEqual(Object.values(NAMES));
        for (const policy of policies) {
            expect(policy.level).toBe(1); // MANDATORY, the pack's level
            expect(policy.severity).toBeGreaterThan(0);
            expect(policy.framework).toBe("NIST SP 800-53");
            expect(policy.tags).toEqual(expect.arrayContaining(["mailtrap", "api-token"]));
        }
        expect(policies.map((p) => p.reference)).toEqual(["IA-5", "AC-6", "AC-6", "CM-3"]);
        expect(policies[0].schema).toMatchObject({ maxLifetimeDays: { type: "integer", default: 90 } });
        expect(policies[1].schema).toMatchObject({ allowedTokenNames: { type: "array", default: ["mailtrap-bootstrap"] } });
        expect(policies[2].schema).toBeUndefined();
        expect(policies[3].schema).toMatchObject({ productionStackPattern: { type: "string", default: "/prod/" } });
    });

    it("reports nothing on the compliant program's tokens in a production stack", async () => {
        const engine = new EngineSide(pack, "prod-eu");
        await engine.configure();
        expect(await violationsByToken(engine, compliant)).toEqual({
            sending: [],
            contractor: [],
            "inbox-ops": [],
            "bootstrap-token": [],
        });
    });

    it("reports every rule the violating program's tokens break in a production stack, each message naming the resource, the token and the rule", async () => {
        const engine = new EngineSide(pack, "prod-eu");
        await engine.configure();
        expect(await violationsByToken(engine, violating)).toEqual({
            forever: [NAMES.maxLifetime, NAMES.protectedInProduction],
            "slow-rotation": [NAMES.maxLifetime, NAMES.protectedInProduction],
            "far-expiry": [NAMES.maxLifetime, NAMES.protectedInProduction],
            deployer: [NAMES.noAccountAdmin, NAMES.adminExpires, NAMES.protectedInProduction],
            "inbox-admin": [NAMES.adminExpires, NAMES.protectedInProduction],
        });

        const forever = (await engine.analyze(byName(violating, "forever"))).diagnostics;
        for (const diagnostic of forever) {
            expect(diagnostic).toMatchObject({ policyPackName: "mailtrap-tokens", enforcementLevel: "mandatory" });
            // The engine shows the description, then the violation.
            expect(diagnostic.message.startsWith(`${diagnostic.description}\nApiToken "forever" (Mailtrap token "ci-forever") `)).toBe(
                true,
            );
        }
        expect(forever[0].severity).toBe("high");
        expect(forever[0].message).toContain(
            "has neither rotateAfterDays nor an expiry (expiresAt or expiresInDays), so its value is never renewed; the limit is 90 days. " +
                "Set rotateAfterDays or expiresInDays to at most 90, or expiresAt within 90 days.",
        );
        expect(forever[1].message).toContain(
            'in production stack "prod-eu" is not protected (production stacks match /prod/). Set { protect: true }',
        );

        const slow = (await engine.analyze(byName(violating, "slow-rotation"))).diagnostics[0];
        expect(slow.message).toContain(
            'ApiToken "slow-rotation" (Mailtrap token "yearly") may live longer than the 90-day limit: rotateAfterDays is 365.',
        );
        const far = (await engine.analyze(byName(violating, "far-expiry"))).diagnostics[0];
        expect(far.message).toMatch(/may live longer than the 90-day limit: expiresAt is \S+ \(7(29\.\d|30) days from now\)\./);

        const deployer = (await engine.analyze(byName(violating, "deployer"))).diagnostics;
        expect(deployer[0]).toMatchObject({ severity: "critical" });
        expect(deployer[0].message).toContain(
            'ApiToken "deployer" (Mailtrap token "deploy-everything") has admin access to the whole account (resources[0]: account 3229, admin); ' +
                'only tokens named in allowedTokenNames may (configured: "mailtrap-bootstrap"). ' +
                'Grant admin on the projects, inboxes or sending domains it needs instead, or add "deploy-everything" to allowedTokenNames.',
        );
        expect(deployer[1].message).toContain(
            'ApiToken "deployer" (Mailtrap token "deploy-everything") has admin permissions (resources[0]: account 3229, admin) but never expires.',
        );
        const inboxAdmin = (await engine.analyze(byName(violating, "inbox-admin"))).diagnostics[0];
        expect(inboxAdmin.message).toContain("has admin permissions (resources[1]: inbox 42, admin) but never expires.");
    });

    it("asks for protection only in production stacks: elsewhere that policy reports itself not applicable", async () => {
        const engine = new EngineSide(pack, "dev");
        await engine.configure();
        const analysis = await engine.analyze(byName(violating, "forever"));
        expect(analysis.diagnostics.map((d) => d.policyName)).toEqual([NAMES.maxLifetime]);
        expect(analysis.notApplicable).toEqual([
            { policyName: NAMES.protectedInProduction, reason: 'stack "dev" is not a production stack (production stacks match /prod/)' },
        ]);
        expect(await violationsByToken(engine, violating)).toMatchObject({ deployer: [NAMES.noAccountAdmin, NAMES.adminExpires] });
    });

    it('does not judge a value unknown during preview: no violation and no "can\'t run during preview" line', async () => {
        const engine = new EngineSide(pack, "staging");
        await engine.configure();
        const analyze = async (name: string, unknown: Record<string, unknown>) => {
            const resource = byName(violating, name);
            return (await engine.analyze(resource, { ...resource.inputs, ...unknown })).diagnostics.map((d) => d.policyName);
        };
        // The schedule may turn out within the limit.
        expect(await analyze("forever", { rotateAfterDays: UNKNOWN_STRING })).toEqual([]);
        expect(await analyze("slow-rotation", { expiresInDays: UNKNOWN_STRING })).toEqual([]);
        // Unknown permissions: neither admin rule can judge.
        expect(await analyze("deployer", { resources: UNKNOWN_STRING })).toEqual([]);
        expect(await analyze("deployer", { resources: [UNKNOWN_STRING] })).toEqual([]);
        expect(
            await analyze("deployer", { resources: [{ resourceType: "account", resourceId: 3229, accessLevel: UNKNOWN_STRING }] }),
        ).toEqual([]);
        // An unknown name may be an allowed one; the missing expiry is known, and reported.
        expect(await analyze("deployer", { name: UNKNOWN_STRING })).toEqual([NAMES.adminExpires]);
        expect(await analyze("inbox-admin", { expiresAt: UNKNOWN_STRING })).toEqual([]);
        // A known value that breaks a rule is still reported next to an unknown one.
        expect(await analyze("far-expiry", { name: UNKNOWN_STRING })).toEqual([NAMES.maxLifetime]);
        const far = await engine.analyze(byName(violating, "far-expiry"), {
            ...byName(violating, "far-expiry").inputs,
            name: UNKNOWN_STRING,
        });
        expect(far.diagnostics[0].message).toContain('\nApiToken "far-expiry" may live longer than the 90-day limit');
    });

    it("judges only ApiTokens: any other resource gets 'not applicable' from every policy", async () => {
        const engine = new EngineSide(pack, "prod-eu");
        await engine.configure();
        const component = compliant.find((r) => r.type !== API_TOKEN_TYPE)!;
        const analysis = await engine.analyze(component);
        expect(analysis.diagnostics).toEqual([]);
        expect(analysis.notApplicable).toEqual(
            Object.values(NAMES).map((policyName) => ({
                policyName,
                reason: `applies only to Mailtrap API tokens (${API_TOKEN_TYPE}, ${NATIVE_TYPE})`,
            })),
        );
    });
});

/**
 * A token of the programs declared through the native plugin instead: the same name and inputs,
 * the type `mailtrap:index:ApiToken` (in its URN too), the `mailtrap` default provider. This is
 * what a stack moved by `mailtrap-migrate-state` sends once its program declares the native type.
 */
function asNative(resource: ProgramResource): ProgramResource {
    const urn = resource.registration.urn.replace(`${API_TOKEN_TYPE}::`, `${NATIVE_TYPE}::`);
    expect(urn).not.toBe(resource.registration.urn);
    return { ...resource, type: NATIVE_TYPE, registration: { ...resource.registration, type: NATIVE_TYPE, urn } };
}

/** Each diagnostic's policy and message (which names the resource and the token). */
async function verdict(engine: EngineSide, resource: ProgramResource, inputs?: Record<string, unknown>) {
    return (await engine.analyze(resource, inputs)).diagnostics.map((d) => [d.policyName, d.message]);
}

describe("the example policy pack on the same tokens declared through the native plugin (mailtrap:index:ApiToken)", () => {
    let pack: Invoke;

    beforeAll(() => {
        pack = serveExamplePack();
    });

    it("reports on each native token of the violating program the violations it reports on the dynamic one, message for message", async () => {
        const engine = new EngineSide(pack, "prod-eu");
        await engine.configure();
        for (const token of tokens(violating)) {
            const dynamic = await verdict(engine, token);
            expect(dynamic).not.toEqual([]);
            expect({ [token.name]: await verdict(engine, asNative(token)) }).toEqual({ [token.name]: dynamic });
        }
    });

    it("judges the compliant program's tokens declared natively, and finds nothing", async () => {
        const engine = new EngineSide(pack, "prod-eu");
        await engine.configure();
        for (const token of tokens(compliant)) {
            const analysis = await engine.analyze(asNative(token));
            // Every policy applied (none reports itself not applicable), and none objected.
            expect({ [token.name]: analysis }).toEqual({ [token.name]: { diagnostics: [], notApplicable: [] } });
        }
    });

    it("judges inputs the plugin's Check returns marked secret (given as secrets by the program) by their values", async () => {
        const engine = new EngineSide(pack, "prod-eu");
        await engine.configure();
        const deployer = asNative(byName(violating, "deployer"));
        const plain = await verdict(engine, deployer);
        const secret = await verdict(engine, deployer, {
            ...deployer.inputs,
            name: secretInput(deployer.inputs.name),
            resources: secretInput(deployer.inputs.resources),
            rotateAfterDays: secretInput(deployer.inputs.rotateAfterDays),
        });
        expect(plain.map(([policy]) => policy)).toEqual([NAMES.noAccountAdmin, NAMES.adminExpires, NAMES.protectedInProduction]);
        expect(secret).toEqual(plain);
    });

    it("asks for protection of a native token only in production stacks", async () => {
        const engine = new EngineSide(pack, "dev");
        await engine.configure();
        const analysis = await engine.analyze(asNative(byName(violating, "forever")));
        expect(analysis.diagnostics.map((d) => d.policyName)).toEqual([NAMES.maxLifetime]);
        expect(analysis.notApplicable).toEqual([
            { policyName: NAMES.protectedInProduction, reason: 'stack "dev" is not a production stack (production stacks match /prod/)' },
        ]);
    });
});

describe("the example policy pack with the stack's policy config (Configure), which wins over the pack's defaults", () => {
    it("applies the config's limits, allow-list, stack pattern and enforcement levels", async () => {
        const engine = new EngineSide(serveExamplePack(), "prod-eu");
        await engine.configure({
            [NAMES.maxLifetime]: { enforcementLevel: "advisory", maxLifetimeDays: 400 },
            [NAMES.noAccountAdmin]: { enforcementLevel: "mandatory", allowedTokenNames: ["deploy-everything"] },
            [NAMES.adminExpires]: { enforcementLevel: "disabled" },
            [NAMES.protectedInProduction]: { enforcementLevel: "mandatory", productionStackPattern: "/^PROD-/i" },
        });
        expect(await violationsByToken(engine, violating)).toEqual({
            forever: [NAMES.maxLifetime, NAMES.protectedInProduction],
            "slow-rotation": [NAMES.protectedInProduction],
            "far-expiry": [NAMES.maxLifetime, NAMES.protectedInProduction],
            deployer: [NAMES.protectedInProduction],
            "inbox-admin": [NAMES.protectedInProduction],
        });
        const far = (await engine.analyze(byName(violating, "far-expiry"))).diagnostics;
        expect(far[0]).toMatchObject({ enforcementLevel: "advisory" });
        expect(far[0].message).toContain("may live longer than the 400-day limit");
        expect(far[1].message).toContain("(production stacks match /^PROD-/i)");

        const staging = new EngineSide(serveExamplePack(), "prod-eu");
        await staging.configure({ [NAMES.protectedInProduction]: { enforcementLevel: "mandatory", productionStackPattern: "^live$" } });
        expect((await staging.analyze(byName(violating, "forever"))).notApplicable).toEqual([
            {
                policyName: NAMES.protectedInProduction,
                reason: 'stack "prod-eu" is not a production stack (production stacks match /^live$/)',
            },
        ]);
    });

    it("fails the analysis with an error naming the policy and the key when a config value is invalid", async () => {
        const engine = new EngineSide(serveExamplePack(), "prod-eu");
        await engine.configure({ [NAMES.maxLifetime]: { enforcementLevel: "mandatory", maxLifetimeDays: 0 } });
        await expect(engine.analyze(byName(violating, "forever"))).rejects.toThrow(
            /mailtrap-token-max-lifetime: config maxLifetimeDays must be a whole number of days, 1 or more; got 0/,
        );
    });
});

describe("a pack of mailtrapTokenPolicies(options), from the package's policy entry", () => {
    it("applies its options: limit, allow-list, production pattern, enforcement levels", async () => {
        const pack = servePack(() => {
            /* eslint-disable @typescript-eslint/no-require-imports */
            const { PolicyPack } = require("@pulumi/policy");
            const { mailtrapTokenPolicies } = require(path.join(repoRoot(), "bin", "provider", "policy"));
            /* eslint-enable @typescript-eslint/no-require-imports */
            new PolicyPack("strict", {
                policies: mailtrapTokenPolicies({
                    maxLifetimeDays: 45,
                    accountAdminAllowedTokenNames: ["deploy-everything"],
                    productionStackPattern: /^LIVE/i,
                    enforcementLevel: "advisory",
                    enforcementLevels: { [NAMES.adminExpires]: "mandatory" },
                }),
            });
        });
        const live = new EngineSide(pack, "live-1");
        await live.configure();
        expect(await violationsByToken(live, compliant)).toEqual({
            sending: [],
            contractor: [],
            "inbox-ops": [NAMES.maxLifetime], // expiresInDays 60 > 45
            "bootstrap-token": [NAMES.noAccountAdmin], // its name is not in this pack's allow-list
        });
        const deployer = (await live.analyze(byName(violating, "deployer"))).diagnostics;
        expect(deployer.map((d) => [d.policyName, d.enforcementLevel, d.policyPackName])).toEqual([
            [NAMES.adminExpires, "mandatory", "strict"],
            [NAMES.protectedInProduction, "advisory", "strict"],
        ]);
        const prod = new EngineSide(pack, "prod");
        await prod.configure();
        expect((await prod.analyze(byName(violating, "forever"))).diagnostics.map((d) => d.policyName)).toEqual([NAMES.maxLifetime]);
    });
});
