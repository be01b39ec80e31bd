import * as pulumi from "@pulumi/pulumi";
// In your own project: import { ApiToken } from "pulumi-mailtrap-tokens";
import { ApiToken } from "../../provider";

const config = new pulumi.Config();
const projectId = config.requireNumber("projectId");

// Every token this resource issues lives 90 days and is renewed after 75 (the default window),
// at the first `pulumi up` once due: schedule that `up` (see examples/ci).
const tokens = {
    sending: new ApiToken("sending", {
        name: `sending-${pulumi.getStack()}`,
        resources: [{ resourceType: "project", resourceId: projectId, accessLevel: "viewer" }],
        expiresInDays: 90,
    }),
    admin: new ApiToken("project-admin", {
        name: `project-admin-${pulumi.getStack()}`,
        resources: [{ resourceType: "project", resourceId: projectId, accessLevel: "admin" }],
        expiresInDays: 30,
        rotateAfterDays: 20,
    }),
};

/**
 * What a reviewer asks of each credential, never a value: what it can access, when it was last
 * renewed and why, when it expires, when it will be renewed, and its recent history.
 * `pulumi stack output --json rotationReport` prints it.
 */
export const rotationReport = Object.fromEntries(
    Object.entries(tokens).map(([key, token]) => [
        key,
        pulumi
            .all([
                token.name,
                token.resources,
                token.tokenId,
                token.issuedAt,
                token.valueExpiresAt,
                token.nextRotationAt,
                token.rotationCount,
                token.rotationHistory,
            ])
            .apply(([name, resources, tokenId, issuedAt, expiresAt, nextRotationAt, rotationCount, rotationHistory]) => ({
                name,
                access: resources.map((p) => `${p.resourceType} ${String(p.resourceId)} ${p.accessLevel}`),
                liveTokenId: tokenId,
                issuedAt,
                expiresAt,
                nextRotationAt,
                rotationCount,
                history: rotationHistory,
            })),
    ]),
);
