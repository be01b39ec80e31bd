import * as pulumi from "@pulumi/pulumi";
// In your own project: import { ApiToken } from "pulumi-mailtrap-tokens";
import { ApiToken } from "../../provider";

const config = new pulumi.Config();
// Every id is required: a made-up default would grant access to objects that are not yours.
const accountId = config.requireNumber("accountId");
const projectId = config.requireNumber("projectId");
const inboxId = config.requireNumber("inboxId");
const sendingDomainId = config.requireNumber("sendingDomainId");

// Read-only access to one project: for dashboards and reporting jobs.
const projectViewer = new ApiToken("project-viewer", {
    name: "reporting (project viewer)",
    resources: [{ resourceType: "project", resourceId: projectId, accessLevel: "viewer" }],
});

// Full access to one inbox: for a test suite that reads and cleans its own inbox.
const inboxAdmin = new ApiToken("inbox-admin", {
    name: "e2e tests (inbox admin)",
    resources: [{ resourceType: "inbox", resourceId: inboxId, accessLevel: "admin" }],
});

// Sending through one domain only, for a contractor: every token it issues expires 90 days after
// issue and is renewed (a new token, the old one kept for the 12-hour grace) at the first
// `pulumi up` after 75 days. A rolling lifetime never needs editing; a fixed `expiresAt` computed
// from today's date would change (and replace the token) whenever the date does.
const contractor = new ApiToken("contractor-sending", {
    name: "contractor (sending domain)",
    resources: [{ resourceType: "sending_domain", resourceId: sendingDomainId, accessLevel: "admin" }],
    expiresInDays: 90,
});

// Account-wide viewer: audits, never changes anything.
const auditor = new ApiToken("account-viewer", {
    name: "auditor (account viewer)",
    accountId,
    resources: [{ resourceType: "account", resourceId: accountId, accessLevel: "viewer" }],
});

export const tokens = {
    projectViewer: projectViewer.tokenId,
    inboxAdmin: inboxAdmin.tokenId,
    contractor: contractor.tokenId,
    auditor: auditor.tokenId,
};
// Values stay secrets: `pulumi stack output inboxAdminToken --show-secrets`.
export const inboxAdminToken = inboxAdmin.token;
