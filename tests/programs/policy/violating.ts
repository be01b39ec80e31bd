// A program for the policy tests: ApiTokens that each break rules of the example policy pack
// (examples/policy-pack). None is protected, so in a production stack every one breaks that rule too.
import { ApiToken } from "../../../provider";
import { recordRegistrations } from "./registrations";

export const registrations = recordRegistrations();

const DAY_MS = 24 * 60 * 60 * 1000;

// No rotation, no expiry: the value lives forever.
new ApiToken("forever", {
    name: "ci-forever",
    resources: [{ resourceType: "project", resourceId: 12345, accessLevel: "viewer" }],
    rotate: "1",
});

// A schedule longer than 90 days.
new ApiToken("slow-rotation", { name: "yearly", rotateAfterDays: 365 });

// An expiry two years ahead.
new ApiToken("far-expiry", { name: "far", expiresAt: new Date(Date.now() + 730 * DAY_MS).toISOString() });

// Admin on the whole account, not allowed by name, and never expiring.
new ApiToken("deployer", {
    name: "deploy-everything",
    resources: [{ resourceType: "account", resourceId: 3229, accessLevel: "admin" }],
    rotateAfterDays: 30,
});

// Admin on one inbox, never expiring.
new ApiToken("inbox-admin", {
    name: "inbox-admin",
    resources: [
        { resourceType: "project", resourceId: 12345, accessLevel: "viewer" },
        { resourceType: "inbox", resourceId: 42, accessLevel: "admin" },
    ],
    rotateAfterDays: 30,
});
