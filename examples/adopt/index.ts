import * as pulumi from "@pulumi/pulumi";
// In your own project: import { ApiToken } from "pulumi-mailtrap-tokens";
import { ApiToken } from "../../provider";

const config = new pulumi.Config();
// The token to take over, its exact name and the project it may read: all required, since
// adoption checks them against the live token (no made-up defaults).
const adoptTokenId = config.requireNumber("adoptTokenId");
const adoptName = config.require("adoptName");
const projectId = config.requireNumber("projectId");

// Take over a token made in the Mailtrap UI. Inputs must match the token (name, permissions,
// expiry), or the create fails saying what differs. Pulumi's `import` option cannot work for a
// dynamic resource, so adoption is an input. The API never shows the value again: `token` stays
// empty until the first rotation, so set `rotate` once adopted to get a value into the stack.
const adopted = new ApiToken(
    "legacy-ci",
    {
        name: adoptName,
        resources: [{ resourceType: "project", resourceId: projectId, accessLevel: "viewer" }],
        adoptTokenId,
        rotate: config.get("rotation"),
    },
    // A token that production depends on: refuse to delete it by accident.
    { protect: config.getBoolean("protect") ?? false },
);

// Read another existing token without managing it: "<tokenId>" or "<accountId>/<tokenId>".
const lookupId = config.get("lookupTokenId");
const looked = lookupId ? ApiToken.get("looked-up", lookupId) : undefined;

export const adoptedTokenId = adopted.tokenId;
export const adoptedHasValue = pulumi.all([adopted.token]).apply(([token]) => token !== "");
export const lookedUpName = looked?.name;
