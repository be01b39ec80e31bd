import * as pulumi from "@pulumi/pulumi";
// In your own project: import { ApiToken, getApiTokens } from "pulumi-mailtrap-tokens";
import { ApiToken, ApiTokenInfo, getApiTokens } from "../../provider";

const config = new pulumi.Config();

// The tokens this stack manages; everything else in the account shows up in the report.
const managed = [
    new ApiToken("ci", {
        name: "ci",
        resources: [{ resourceType: "project", resourceId: config.getNumber("projectId") ?? 1, accessLevel: "viewer" }],
        rotateAfterDays: 90,
    }),
];

const describe = (t: ApiTokenInfo) => `${t.id} ${JSON.stringify(t.name)} by ${t.createdBy}, ****${t.last4Digits}`;

// One list call (never token values), read when the program runs.
const report = pulumi.all(managed.map((t) => t.tokenId)).apply(async (managedIds) => {
    const tokens = await getApiTokens();
    const mine = new Set<number>(managedIds);
    const isAdmin = (t: ApiTokenInfo) => t.resources.some((r) => r.accessLevel === "admin");
    return {
        total: tokens.length,
        notManagedByThisStack: tokens.filter((t) => !mine.has(t.id)).map(describe),
        withoutExpiry: tokens.filter((t) => t.expiresAt === null).map(describe),
        admin: tokens.filter(isAdmin).map(describe),
    };
});

// `pulumi stack output report --json`
export { report };
