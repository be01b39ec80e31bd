import { ResourceValidationArgs, ResourceValidationPolicy, unknownCheckingProxy } from "@pulumi/policy";
import { API_TOKEN_TYPE as SCHEMA_API_TOKEN_TYPE, packageSchema } from "../../provider/native/schema";
import {
    adminExpiresPolicy,
    API_TOKEN_TYPE,
    API_TOKEN_TYPES,
    mailtrapTokenPolicies,
    MailtrapTokenPolicyOptions,
    maxLifetimePolicy,
    NATIVE_API_TOKEN_TYPE,
    noAccountAdminPolicy,
    POLICY_NAMES,
    protectedInProductionPolicy,
    stackOfUrn,
    UNKNOWN_SENTINELS,
} from "../../provider/policy";

/**
 * Each policy on its own: its validateResource called with arguments shaped as @pulumi/policy's
 * analyzer shapes them (props behind its unknown-checking proxy, options, URN, getConfig,
 * notApplicable).
 */

const NOW = new Date("2030-01-01T00:00:00Z");
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";
const UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
const DAY_MS = 86_400_000;
const inDays = (days: number) => new Date(NOW.getTime() + days * DAY_MS).toISOString();

class NotApplicable extends Error {}

interface Call {
    props: Record<string, unknown>;
    resourceName?: string;
    stack?: string;
    protect?: boolean;
    config?: Record<string, unknown>;
    type?: string;
    /** Whether props pass through the analyzer's unknown-checking proxy (as they do in a real run); default true. */
    proxied?: boolean;
}

type Outcome = { violations: string[] } | { notApplicable: string };

async function run(policy: ResourceValidationPolicy, call: Call): Promise<Outcome> {
    const name = call.resourceName ?? "token";
    const type = call.type ?? API_TOKEN_TYPE;
    const stack = call.stack ?? "dev";
    const args: ResourceValidationArgs = {
        type,
        name,
        urn: `urn:pulumi:${stack}::project::${type}::${name}`,
        props: call.proxied === false ? call.props : unknownCheckingProxy(call.props),
        opts: {
            protect: call.protect ?? false,
            ignoreChanges: [],
            aliases: [],
            additionalSecretOutputs: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => (call.config ?? {}) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
    const violations: string[] = [];
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
    try {
        for (const validate of validations) {
            await validate(args, (message) => violations.push(message));
        }
    } catch (error) {
        if (error instanceof NotApplicable) {
            return { notApplicable: error.message };
        }
        throw error;
    }
    return { violations };
}

const ok = { violations: [] };
const options: MailtrapTokenPolicyOptions = { now: () => NOW };

describe("mailtrap-token-max-lifetime", () => {
    const policy = maxLifetimePolicy(options);

    it("passes a token whose rotateAfterDays, expiresInDays or expiresAt keeps it within 90 days", async () => {
        for (const props of [
            { name: "t", rotateAfterDays: 90 },
            { name: "t", rotateAfterDays: 1 },
            { name: "t", expiresInDays: 90 },
            { name: "t", expiresAt: inDays(90) },
            { name: "t", expiresAt: inDays(-1) },
            // One bound within the limit is enough: a 30-day schedule with a far expiry.
            { name: "t", rotateAfterDays: 30, expiresAt: inDays(700) },
            { name: "t", rotateAfterDays: 400, expiresInDays: 60 },
        ]) {
            expect(await run(policy, { props })).toEqual(ok);
        }
    });

    it("fails a token with neither a schedule nor an expiry, naming the resource, the token and the limit", async () => {
        expect(await run(policy, { resourceName: "ci", props: { name: "ci-sending", rotate: "1", expiresAt: null } })).toEqual({
            violations: [
                'ApiToken "ci" (Mailtrap token "ci-sending") has neither rotateAfterDays nor an expiry (expiresAt or expiresInDays), so its value is never renewed; ' +
                    "the limit is 90 days. Set rotateAfterDays or expiresInDays to at most 90, or expiresAt within 90 days.",
            ],
        });
    });

    it("fails a token whose every bound is over the limit, listing them", async () => {
        expect(await run(policy, { resourceName: "ci", props: { name: "ci", rotateAfterDays: 91 } })).toEqual({
            violations: [
                'ApiToken "ci" (Mailtrap token "ci") may live longer than the 90-day limit: rotateAfterDays is 91. ' +
                    "Set rotateAfterDays or expiresInDays to at most 90, or expiresAt within 90 days.",
            ],
        });
        const both = await run(policy, { props: { name: "t", expiresInDays: 365, rotateAfterDays: 120 } });
        expect(both).toEqual({
            violations: [expect.stringContaining("may live longer than the 90-day limit: rotateAfterDays is 120, expiresInDays is 365.")],
        });
        const far = await run(policy, { props: { name: "t", expiresAt: "2030-04-01T12:00:00Z" } });
        expect(far).toEqual({ violations: [expect.stringContaining("expiresAt is 2030-04-01T12:00:00Z (90.5 days from now).")] });
        const notADate = await run(policy, { props: { name: "t", expiresAt: "someday" } });
        expect(notADate).toEqual({ violations: [expect.stringContaining('expiresAt "someday" is not a date.')] });
    });

    it("does not judge while a bound is unknown (preview), whether the proxy throws or a bare sentinel arrives", async () => {
        for (const proxied of [true, false]) {
            expect(await run(policy, { proxied, props: { name: "t", rotateAfterDays: UNKNOWN_NUMBER } })).toEqual(ok);
            expect(await run(policy, { proxied, props: { name: "t", rotateAfterDays: 365, expiresInDays: UNKNOWN_STRING } })).toEqual(ok);
            expect(await run(policy, { proxied, props: { name: "t", expiresAt: UNKNOWN_STRING } })).toEqual(ok);
        }
        // An unknown name is left out of the message.
        expect(await run(policy, { resourceName: "ci", props: { name: UNKNOWN_STRING } })).toEqual({
            violations: [expect.stringMatching(/^ApiToken "ci" has neither rotateAfterDays/)],
        });
    });

    it("takes maxLifetimeDays from the policy config over the option, and refuses a bad one", async () => {
        const sixty = maxLifetimePolicy({ ...options, maxLifetimeDays: 60 });
        expect(await run(sixty, { props: { name: "t", rotateAfterDays: 75 } })).toEqual({
            violations: [expect.stringContaining("the 60-day limit")],
        });
        expect(await run(sixty, { props: { name: "t", rotateAfterDays: 75 }, config: { maxLifetimeDays: 75 } })).toEqual(ok);
        await expect(run(sixty, { props: { name: "t" }, config: { maxLifetimeDays: 1.5 } })).rejects.toThrow(
            "mailtrap-token-max-lifetime: config maxLifetimeDays must be a whole number of days, 1 or more; got 1.5",
        );
        expect(() => maxLifetimePolicy({ maxLifetimeDays: 0 })).toThrow(
            "option maxLifetimeDays must be a whole number of days, 1 or more; got 0",
        );
    });

    it("is not applicable to other resources", async () => {
        expect(await run(policy, { type: "aws:s3/bucket:Bucket", props: {} })).toEqual({
            notApplicable: "applies only to Mailtrap API tokens (pulumi-nodejs:dynamic/mailtrap:ApiToken, mailtrap:index:ApiToken)",
        });
    });
});

describe("mailtrap-token-no-account-admin", () => {
    const policy = noAccountAdminPolicy({ accountAdminAllowedTokenNames: ["bootstrap"] });
    const accountAdmin = { resourceType: "account", resourceId: 3229, accessLevel: "admin" };

    it("passes tokens without admin on the account: scoped admin, account viewer, no permissions", async () => {
        for (const resources of [
            [{ resourceType: "project", resourceId: 1, accessLevel: "admin" }],
            [{ resourceType: "account", resourceId: 3229, accessLevel: "viewer" }],
            [],
            undefined,
        ]) {
            expect(await run(policy, { props: { name: "t", resources } })).toEqual(ok);
        }
    });

    it("passes account-wide admin for an allowed name, and fails it for any other, naming the permission and the allow-list", async () => {
        expect(await run(policy, { props: { name: "bootstrap", resources: [accountAdmin] } })).toEqual(ok);
        expect(
            await run(policy, {
                resourceName: "root",
                props: { name: "deploy", resources: [{ resourceType: "inbox", resourceId: 1, accessLevel: "viewer" }, accountAdmin] },
            }),
        ).toEqual({
            violations: [
                'ApiToken "root" (Mailtrap token "deploy") has admin access to the whole account (resources[1]: account 3229, admin); ' +
                    'only tokens named in allowedTokenNames may (configured: "bootstrap"). ' +
                    'Grant admin on the projects, inboxes or sending domains it needs instead, or add "deploy" to allowedTokenNames.',
            ],
        });
        // Names match exactly.
        expect(await run(policy, { props: { name: "Bootstrap", resources: [accountAdmin] } })).toEqual({
            violations: [expect.any(String)],
        });
    });

    it("with no allow-list (the default) fails every account-wide admin token", async () => {
        expect(await run(noAccountAdminPolicy(), { props: { name: "bootstrap", resources: [accountAdmin] } })).toEqual({
            violations: [expect.stringContaining("only tokens named in allowedTokenNames may (none are configured)")],
        });
        // The name cannot save it, so an unknown name does not matter.
        expect(
            await run(noAccountAdminPolicy(), { resourceName: "r", props: { name: UNKNOWN_STRING, resources: [accountAdmin] } }),
        ).toEqual({
            violations: [expect.stringMatching(/^ApiToken "r" has admin access to the whole account .*needs instead\.$/)],
        });
    });

    it("does not judge unknown permissions, or an unknown name when an allow-list could match it", async () => {
        for (const resources of [
            UNKNOWN_ARRAY,
            [UNKNOWN_STRING],
            [{ resourceType: UNKNOWN_STRING, resourceId: 3229, accessLevel: "admin" }],
            [{ resourceType: "account", resourceId: 3229, accessLevel: UNKNOWN_STRING }],
        ]) {
            expect(await run(policy, { props: { name: "deploy", resources } })).toEqual(ok);
        }
        expect(await run(policy, { props: { name: UNKNOWN_STRING, resources: [accountAdmin] } })).toEqual(ok);
        // An unknown resource id changes nothing: the access is account-wide admin either way.
        expect(await run(policy, { props: { name: "deploy", resources: [{ ...accountAdmin, resourceId: UNKNOWN_NUMBER }] } })).toEqual({
            violations: [expect.stringContaining("(resources[0]: account (unknown), admin)")],
        });
    });

    it("takes allowedTokenNames from the policy config over the option, and refuses a bad one", async () => {
        expect(
            await run(policy, { props: { name: "deploy", resources: [accountAdmin] }, config: { allowedTokenNames: ["deploy"] } }),
        ).toEqual(ok);
        expect(await run(policy, { props: { name: "bootstrap", resources: [accountAdmin] }, config: { allowedTokenNames: [] } })).toEqual({
            violations: [expect.any(String)],
        });
        await expect(
            run(policy, { props: { name: "t", resources: [accountAdmin] }, config: { allowedTokenNames: "deploy" } }),
        ).rejects.toThrow('mailtrap-token-no-account-admin: config allowedTokenNames must be a list of token names; got "deploy"');
    });
});

describe("mailtrap-admin-token-expires", () => {
    const policy = adminExpiresPolicy();
    const inboxAdmin = { resourceType: "inbox", resourceId: 42, accessLevel: "admin" };

    it("passes admin tokens with expiresAt or expiresInDays, and tokens without admin", async () => {
        expect(await run(policy, { props: { name: "t", resources: [inboxAdmin], expiresAt: inDays(10) } })).toEqual(ok);
        expect(await run(policy, { props: { name: "t", resources: [inboxAdmin], expiresInDays: 365 } })).toEqual(ok);
        expect(await run(policy, { props: { name: "t", resources: [{ ...inboxAdmin, accessLevel: "viewer" }] } })).toEqual(ok);
        expect(await run(policy, { props: { name: "t" } })).toEqual(ok);
    });

    it("fails an admin token that never expires, naming every admin permission", async () => {
        const resources = [inboxAdmin, { resourceType: "sending_domain", resourceId: "7", accessLevel: "admin" }];
        expect(await run(policy, { resourceName: "ops", props: { name: "ops", resources, expiresAt: null, rotateAfterDays: 30 } })).toEqual(
            {
                violations: [
                    'ApiToken "ops" (Mailtrap token "ops") has admin permissions (resources[0]: inbox 42, admin; resources[1]: sending_domain "7", admin) but never expires. ' +
                        "Set expiresInDays (renewed before it runs out) or expiresAt, so a leaked admin token stops working by itself.",
                ],
            },
        );
    });

    it("does not judge while the expiry or the permissions are unknown", async () => {
        for (const proxied of [true, false]) {
            expect(await run(policy, { proxied, props: { name: "t", resources: [inboxAdmin], expiresInDays: UNKNOWN_NUMBER } })).toEqual(
                ok,
            );
            expect(await run(policy, { proxied, props: { name: "t", resources: [inboxAdmin], expiresAt: UNKNOWN_STRING } })).toEqual(ok);
            expect(await run(policy, { proxied, props: { name: "t", resources: UNKNOWN_ARRAY } })).toEqual(ok);
            expect(
                await run(policy, { proxied, props: { name: "t", resources: [{ ...inboxAdmin, accessLevel: UNKNOWN_STRING }] } }),
            ).toEqual(ok);
        }
    });
});

describe("mailtrap-token-protected-in-production", () => {
    const policy = protectedInProductionPolicy();
    const props = { name: "ci-sending" };

    it("fails an unprotected token in a stack whose name contains 'prod' (the default), naming the stack and the pattern", async () => {
        expect(await run(policy, { resourceName: "ci", stack: "prod-eu", props })).toEqual({
            violations: [
                'ApiToken "ci" (Mailtrap token "ci-sending") in production stack "prod-eu" is not protected (production stacks match /prod/). ' +
                    "Set { protect: true } on it, so deleting or replacing the token its consumers depend on is refused until the protection is removed on purpose.",
            ],
        });
        expect(await run(policy, { stack: "prod-eu", protect: true, props })).toEqual(ok);
    });

    it("is not applicable in other stacks", async () => {
        expect(await run(policy, { stack: "staging", props })).toEqual({
            notApplicable: 'stack "staging" is not a production stack (production stacks match /prod/)',
        });
    });

    it("reads the stack from URNs of resources with a parent too", () => {
        expect(stackOfUrn("urn:pulumi:prod.eu_1::project::my:index:Group$pulumi-nodejs:dynamic/mailtrap:ApiToken::t")).toBe("prod.eu_1");
        expect(stackOfUrn("not a urn")).toBeUndefined();
    });

    it("takes the pattern as a RegExp or a string option, and from the policy config (a source or a /literal/flags)", async () => {
        const anchored = protectedInProductionPolicy({ productionStackPattern: /^PRD$/i });
        expect(await run(anchored, { stack: "prd", props })).toEqual({
            violations: [expect.stringContaining("(production stacks match /^PRD$/i)")],
        });
        expect(await run(anchored, { stack: "prod", props })).toEqual({ notApplicable: expect.any(String) });
        // A global flag would make the test stateful; it is dropped.
        const global = protectedInProductionPolicy({ productionStackPattern: /live/g });
        for (let i = 0; i < 3; i++) {
            expect(await run(global, { stack: "live", props })).toEqual({
                violations: [expect.stringContaining("(production stacks match /live/)")],
            });
        }
        const source = protectedInProductionPolicy({ productionStackPattern: "^(prod|live)$" });
        expect(await run(source, { stack: "live", props })).toEqual({ violations: [expect.any(String)] });
        expect(await run(source, { stack: "prod-eu", props })).toEqual({ notApplicable: expect.any(String) });
        expect(await run(policy, { stack: "Main", props, config: { productionStackPattern: "/^main$/i" } })).toEqual({
            violations: [expect.any(String)],
        });
        await expect(run(policy, { stack: "prod", props, config: { productionStackPattern: "(" } })).rejects.toThrow(
            /mailtrap-token-protected-in-production: config productionStackPattern is not a valid regular expression/,
        );
        expect(() => protectedInProductionPolicy({ productionStackPattern: "" })).toThrow(
            "option productionStackPattern must be a non-empty regular expression",
        );
    });
});

describe("the native plugin's ApiToken (mailtrap:index:ApiToken), as a stack moved by mailtrap-migrate-state has it", () => {
    const accountAdmin = { resourceType: "account", resourceId: 3229, accessLevel: "admin" };
    const ci = { resourceName: "ci", props: { name: "ci" } };
    // Per policy, a token that breaks it and the same token fixed, as the program declares them: the native resource has the same inputs.
    const cases: Array<[name: string, policy: ResourceValidationPolicy, breach: Call, fixed: Call]> = [
        [
            POLICY_NAMES.maxLifetime,
            maxLifetimePolicy(options),
            { ...ci, props: { name: "ci", rotateAfterDays: 365 } },
            { ...ci, props: { name: "ci", rotateAfterDays: 90 } },
        ],
        [
            POLICY_NAMES.noAccountAdmin,
            noAccountAdminPolicy(),
            { ...ci, props: { name: "ci", resources: [accountAdmin] } },
            { ...ci, props: { name: "ci", resources: [{ ...accountAdmin, accessLevel: "viewer" }] } },
        ],
        [
            POLICY_NAMES.adminExpires,
            adminExpiresPolicy(),
            { ...ci, props: { name: "ci", resources: [accountAdmin] } },
            { ...ci, props: { name: "ci", resources: [accountAdmin], expiresInDays: 30 } },
        ],
        [
            POLICY_NAMES.protectedInProduction,
            protectedInProductionPolicy(),
            { ...ci, stack: "prod" },
            { ...ci, stack: "prod", protect: true },
        ],
    ];

    it.each(cases)("%s reports on the native resource the violation it reports on the dynamic one", async (_name, policy, breach) => {
        const dynamic = await run(policy, { ...breach, type: API_TOKEN_TYPE });
        expect(dynamic).toEqual({ violations: [expect.any(String)] });
        expect(await run(policy, { ...breach, type: NATIVE_API_TOKEN_TYPE })).toEqual(dynamic);
    });

    it.each(cases)("%s passes the native resource once the token keeps the rule", async (_name, policy, _breach, fixed) => {
        expect(await run(policy, { ...fixed, type: NATIVE_API_TOKEN_TYPE })).toEqual(ok);
    });

    it("does not judge a native resource's value unknown during preview", async () => {
        const policy = maxLifetimePolicy(options);
        expect(await run(policy, { type: NATIVE_API_TOKEN_TYPE, props: { name: "t", rotateAfterDays: UNKNOWN_NUMBER } })).toEqual(ok);
    });

    it("judges exactly the two ApiToken types: other types of the plugin's package or the dynamic provider are not applicable", async () => {
        expect(API_TOKEN_TYPES).toEqual([API_TOKEN_TYPE, NATIVE_API_TOKEN_TYPE]);
        for (const type of ["pulumi:providers:mailtrap", "mailtrap:index:ApiTokens", "pulumi-nodejs:dynamic/e2e:TokenConsumer"]) {
            for (const policy of mailtrapTokenPolicies(options)) {
                expect(await run(policy, { type, stack: "prod", props: { name: "t" } })).toEqual({ notApplicable: expect.any(String) });
            }
        }
    });

    it("names the type the plugin's schema declares", () => {
        expect(NATIVE_API_TOKEN_TYPE).toBe(SCHEMA_API_TOKEN_TYPE);
        expect(Object.keys(packageSchema("0.0.0").resources as object)).toContain(NATIVE_API_TOKEN_TYPE);
    });
});

describe("mailtrapTokenPolicies", () => {
    it("returns the four policies, each described, with severity, compliance framework, tags and remediation steps", () => {
        const policies = mailtrapTokenPolicies();
        expect(policies.map((p) => p.name)).toEqual([
            POLICY_NAMES.maxLifetime,
            POLICY_NAMES.noAccountAdmin,
            POLICY_NAMES.adminExpires,
            POLICY_NAMES.protectedInProduction,
        ]);
        for (const policy of policies) {
            expect(policy.description).toMatch(/Mailtrap API token/);
            expect(policy.displayName).toBeTruthy();
            expect(policy.severity).toMatch(/^(low|medium|high|critical)$/);
            expect(policy.framework).toMatchObject({
                name: "NIST SP 800-53",
                version: "Rev. 5",
                reference: expect.any(String),
                specification: expect.any(String),
            });
            expect(policy.tags).toEqual(expect.arrayContaining(["mailtrap", "api-token"]));
            expect(policy.remediationSteps).toBeTruthy();
            // Left to the pack unless the options say otherwise.
            expect("enforcementLevel" in policy).toBe(false);
        }
        expect(policies[0].configSchema).toEqual({
            properties: { maxLifetimeDays: { type: "integer", minimum: 1, default: 90, description: expect.any(String) } },
        });
        expect(policies[1].configSchema?.properties.allowedTokenNames).toMatchObject({ default: [] });
        expect(policies[3].configSchema?.properties.productionStackPattern).toMatchObject({ default: "prod" });
    });

    it("sets enforcement levels from the options, per policy over all, and the schema defaults from the options", () => {
        const policies = mailtrapTokenPolicies({
            enforcementLevel: "mandatory",
            enforcementLevels: { [POLICY_NAMES.protectedInProduction]: "advisory" },
            maxLifetimeDays: 30,
            accountAdminAllowedTokenNames: ["root"],
            productionStackPattern: /^prod-/,
        });
        expect(policies.map((p) => p.enforcementLevel)).toEqual(["mandatory", "mandatory", "mandatory", "advisory"]);
        expect(policies[0].configSchema?.properties.maxLifetimeDays).toMatchObject({ default: 30 });
        expect(policies[1].configSchema?.properties.allowedTokenNames).toMatchObject({ default: ["root"] });
        expect(policies[3].configSchema?.properties.productionStackPattern).toMatchObject({ default: "/^prod-/" });
        expect(() => mailtrapTokenPolicies({ enforcementLevel: "strict" as never })).toThrow(
            'mailtrap-token-max-lifetime: enforcement level must be one of advisory, mandatory, remediate, disabled; got "strict"',
        );
    });

    it("knows the engine's unknown sentinels as @pulumi/policy does", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const proxy = require("@pulumi/policy/proxy");
        const sdk = Object.entries(proxy)
            .filter(([key]) => /^unknown\w+Value$/.test(key))
            .map(([, value]) => value);
        expect(sdk).toHaveLength(7);
        expect(new Set(sdk)).toEqual(UNKNOWN_SENTINELS);
    });
});
