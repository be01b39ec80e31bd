import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
// In your own project: import { ApiToken } from "pulumi-mailtrap-tokens";
import { ApiToken } from "../../provider";

/**
 * The token's value goes where it is used: here a GitHub Actions secret of the repository whose
 * workflows send mail through Mailtrap. The secret takes `token.token` as its value, so every
 * rotation updates it in the same `pulumi up`, right after the token.
 */
const config = new pulumi.Config();
// Required: the Mailtrap project the token may read.
const projectId = config.requireNumber("projectId");
// Required: the repository (its name; the owner is `github:owner` or GITHUB_OWNER) that gets the secret.
const repository = config.require("repository");
const secretName = config.get("secretName") ?? "MAILTRAP_API_TOKEN";

const token = new ApiToken("ci-sending", {
    name: `ci-sending-${pulumi.getStack()}`,
    resources: [{ resourceType: "project", resourceId: projectId, accessLevel: "viewer" }],
    rotateAfterDays: 30,
});

// The GitHub provider takes its credential from GITHUB_TOKEN (or `github:token`, a secret).
const secret = new github.ActionsSecret("mailtrap-api-token", {
    repository,
    secretName,
    // A Pulumi secret in, a secret in state; GitHub stores it encrypted.
    value: token.token,
});

export const tokenId = token.tokenId;
export const secretUpdatedAt = secret.updatedAt;
// When the value it replaced stops working: runs that read the secret before the rotation finish before then.
export const previousTokenExpiresAt = token.previousTokenExpiresAt;
