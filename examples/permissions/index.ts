import * as pulumi from "@pulumi/pulumi";
// In your own project: import { ApiToken } from "pulumi-mailtrap-tokens";
import { ApiToken } from "../../provider";

const config = new pulumi.Config();
const accountId = config.requireNumber("accountId");
const projectId = config.getNumber("projectId") ?? 1;
const inboxId = config.getNumber("inboxId") ?? 2;
const sendingDomainId = config.getNumber("sendingDomainId") ?? 3;

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

// Sending through one domain only, expiring at the end of next year: a token for a contractor.
const contractor = new ApiToken("contractor-sending", {
    name: "contractor (sending domain)",
    resources: [{ resourceType: "sending_domain", resourceId: sendingDomainId, accessLevel: "admin" }],
    expiresAt: `${new Date().getUTCFullYear() + 1}-12-31T23:59:59Z`,
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
