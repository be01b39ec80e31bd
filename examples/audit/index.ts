import * as pulumi from "@pulumi/pulumi";
// In your own project: import { ApiToken, ApiTokenInfo, getApiTokensOutput } from "pulumi-mailtrap-tokens";
import { ApiToken, ApiTokenInfo, getApiTokensOutput } from "../../provider";

const config = new pulumi.Config();
const stack = pulumi.getStack();
// The Mailtrap project this stack's token may read. Required: no made-up default id.
const projectId = config.requireNumber("projectId");
// The stacks that share the account and name their tokens `<purpose>-<stack>` (as
// examples/environments does), e.g. `pulumi config set --path 'stacks[0]' dev`. Default: this one.
const stacks = config.getObject<string[]>("stacks") ?? [stack];
// Optional: list with another credential than the provider's (`mailtrap:apiToken`).
const auditToken = config.getSecret("auditToken");

// The tokens this stack manages, named by the convention.
const managed = [
    new ApiToken("ci", {
        name: `ci-${stack}`,
        resources: [{ resourceType: "project", resourceId: projectId, accessLevel: "viewer" }],
        rotateAfterDays: 90,
    }),
];

// One list call, after the managed tokens are created or rotated; never a token value. Its
// arguments are inputs: a secret credential can be passed as it is.
const tokens = getApiTokensOutput({ apiToken: auditToken }, { dependsOn: managed });

const describe = (t: ApiTokenInfo) => `${t.id} ${JSON.stringify(t.name)} by ${t.createdBy}, ****${t.last4Digits}`;

/** The stack a token's name says it belongs to (`<purpose>-<stack>`, the longest stack name that fits), if any. */
const namedFor = (name: string) => stacks.filter((s) => name.endsWith(`-${s}`)).sort((a, b) => b.length - a.length)[0];

const findings = pulumi.all([tokens, pulumi.all(managed.map((t) => t.tokenId))]).apply(([list, managedIds]) => {
    const mine = new Set<number>(managedIds);
    const others = list.filter((t) => !mine.has(t.id));
    const isAdmin = (t: ApiTokenInfo) => t.resources.some((r) => r.accessLevel === "admin");
    return {
        total: list.length,
        managedByThisStack: list.filter((t) => mine.has(t.id)).map(describe),
        notManagedByThisStack: {
            // Named for another stack that shares the account: its own audit lists them as managed.
            namedForOtherStacks: Object.fromEntries(
                stacks.filter((s) => s !== stack).map((s) => [s, others.filter((t) => namedFor(t.name) === s).map(describe)]),
            ),
            // Named for this stack but not held by it: a token a lost create left behind, the
            // successor of a reset made outside Pulumi (the provider names both when it happens),
            // or a same-named stack of another project. Check them before deleting anything.
            namedForThisStack: others.filter((t) => namedFor(t.name) === stack).map(describe),
            // Named for no stack: made by hand or by another tool. The ones to look at first.
            namedForNoStack: others.filter((t) => namedFor(t.name) === undefined).map(describe),
        },
        withoutExpiry: list.filter((t) => t.expiresAt === null).map(describe),
        admin: list.filter(isAdmin).map(describe),
    };
});

// The list is secret when the credential passed is (Pulumi's rule for a function's result), yet it
// holds no token value: unsecret it so `pulumi stack output report --json` shows it.
export const report = pulumi.unsecret(findings);
