// A program for the policy tests: ApiTokens that keep every rule of the example policy pack
// (examples/policy-pack) in any stack, production included.
import * as pulumi from "@pulumi/pulumi";
import { ApiToken } from "../../../provider";
import { recordRegistrations } from "./registrations";

export const registrations = recordRegistrations();

const DAY_MS = 24 * 60 * 60 * 1000;
const protect = { protect: true };

// Rotated by age, well within 90 days.
new ApiToken(
    "sending",
    {
        name: "ci-sending",
        resources: [{ resourceType: "project", resourceId: 12345, accessLevel: "viewer" }],
        rotateAfterDays: 30,
    },
    protect,
);

// A fixed expiry 30 days ahead.
new ApiToken(
    "contractor",
    {
        name: "contractor",
        resources: [{ resourceType: "inbox", resourceId: 42, accessLevel: "viewer" }],
        expiresAt: new Date(Date.now() + 30 * DAY_MS).toISOString(),
    },
    protect,
);

// Admin on one inbox, with a rolling expiry.
new ApiToken(
    "inbox-ops",
    {
        name: "inbox-ops",
        resources: [{ resourceType: "inbox", resourceId: 42, accessLevel: "admin" }],
        expiresInDays: 60,
    },
    protect,
);

// Account-wide admin, allowed by name, expiring, declared inside a component (its URN carries the parent's type).
const bootstrap = new pulumi.ComponentResource("mailtrap-test:index:Bootstrap", "bootstrap");
new ApiToken(
    "bootstrap-token",
    {
        name: "mailtrap-bootstrap",
        resources: [{ resourceType: "account", resourceId: 3229, accessLevel: "admin" }],
        expiresInDays: 7,
    },
    { ...protect, parent: bootstrap },
);
