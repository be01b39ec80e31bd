import * as pulumi from "@pulumi/pulumi";
// In your own project: import { ApiToken } from "pulumi-mailtrap-tokens";
import { ApiToken } from "../../provider";

/**
 * One program, one stack per environment (`pulumi stack select dev|prod`). What differs lives in
 * each stack's config (Pulumi.dev.yaml, Pulumi.prod.yaml): the project, the tokens' lifetime and
 * whether they are protected. Tokens are named `<purpose>-<stack>`, so stacks sharing one account
 * (and one credential) never collide and examples/audit can tell whose a token is.
 */
const config = new pulumi.Config();
const stack = pulumi.getStack();
// Required per stack: the Mailtrap project this environment's tokens act on.
const projectId = config.requireNumber("projectId");
// A lifetime in whole days (1 to 1,826): every token issued expires that long after issue, and is
// renewed at the first `pulumi up` after five sixths of it.
const expiresInDays = config.requireNumber("expiresInDays");
// Production tokens refuse deletion (and replacement) until unprotected.
const protect = config.getBoolean("protect") ?? false;

const sending = new ApiToken(
    "sending",
    {
        name: `sending-${stack}`,
        resources: [{ resourceType: "project", resourceId: projectId, accessLevel: "viewer" }],
        expiresInDays,
    },
    { protect },
);

const deploy = new ApiToken(
    "deploy",
    {
        name: `deploy-${stack}`,
        resources: [{ resourceType: "project", resourceId: projectId, accessLevel: "admin" }],
        expiresInDays,
    },
    { protect },
);

export const tokenNames = [sending.name, deploy.name];
export const tokenIds = { sending: sending.tokenId, deploy: deploy.tokenId };
export const nextRotationAt = { sending: sending.nextRotationAt, deploy: deploy.nextRotationAt };
// Secrets: `pulumi stack output --stack prod sendingToken --show-secrets`.
export const sendingToken = sending.token;
