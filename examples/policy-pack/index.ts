import { PolicyPack } from "@pulumi/policy";
// In your own policy pack: import { mailtrapTokenPolicies } from "pulumi-mailtrap-tokens/policy";
import { mailtrapTokenPolicies } from "../../provider/policy";

// Constructing a PolicyPack starts its gRPC server (the CLI connects to the port it prints), so
// this file is for `pulumi preview --policy-pack`, never to import from a program or a test.
new PolicyPack("mailtrap-tokens", {
    description: "Mailtrap API tokens: a bounded lifetime, no account-wide admin, admin tokens expire, protected in production stacks.",
    // Every policy blocks the update; `--policy-pack-config` (or Pulumi Cloud) can lower one to advisory.
    enforcementLevel: "mandatory",
    policies: mailtrapTokenPolicies({
        // A token's value lives at most 90 days: rotateAfterDays or expiresInDays ≤ 90, or expiresAt within 90 days.
        maxLifetimeDays: 90,
        // Only the token that bootstraps other tokens may be admin on the whole account.
        accountAdminAllowedTokenNames: ["mailtrap-bootstrap"],
        // Stacks whose name contains "prod" must protect their tokens.
        productionStackPattern: /prod/,
    }),
});
