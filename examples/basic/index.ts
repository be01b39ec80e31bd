import * as pulumi from "@pulumi/pulumi";
// In your own project: import { ApiToken } from "pulumi-mailtrap-tokens";
import { ApiToken } from "../../provider";

const config = new pulumi.Config();
// The Mailtrap project the token may read (its id is in the project's URL in Mailtrap). Required,
// with no default: a made-up id would ask Mailtrap for a project that is not yours.
const projectId = config.requireNumber("projectId");

// A token that can read one project; the account comes from `mailtrap:accountId`.
const sending = new ApiToken("sending-token", {
    name: "ci-sending",
    resources: [{ resourceType: "project", resourceId: projectId, accessLevel: "viewer" }],
    // Change this value (for example to a date) and run `pulumi up` to rotate the token.
    rotate: config.get("rotation") ?? "1",
});

export const tokenId = sending.tokenId;
export const last4Digits = sending.last4Digits;
// A secret: `pulumi stack output token --show-secrets` prints it.
export const token = sending.token;
