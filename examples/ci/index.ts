import * as pulumi from "@pulumi/pulumi";
// In your own project: import { ApiToken } from "pulumi-mailtrap-tokens";
import { ApiToken } from "../../provider";

/**
 * The program the workflows in .github/workflows run. Nothing in it changes when a token is due:
 * the provider decides at every preview, from the stored issue time, that a value older than
 * `rotateAfterDays` is renewed, and the scheduled `pulumi up` (rotate.yml) renews it.
 */
const config = new pulumi.Config();
const stack = pulumi.getStack();
// Required: the Mailtrap project the token may read.
const projectId = config.requireNumber("projectId");

const sending = new ApiToken("sending", {
    name: `sending-${stack}`,
    resources: [{ resourceType: "project", resourceId: projectId, accessLevel: "viewer" }],
    rotateAfterDays: config.getNumber("rotateAfterDays") ?? 30,
});

export const tokenId = sending.tokenId;
export const issuedAt = sending.issuedAt;
export const nextRotationAt = sending.nextRotationAt;
export const previousTokenExpiresAt = sending.previousTokenExpiresAt;
export const token = sending.token; // a secret
