// A program for tests: two ApiTokens with the same Pulumi name under two parents, and one at the
// top level, so a test can read the `__resourceKey` each sends (tests/host/sameName.test.ts).
import * as pulumi from "@pulumi/pulumi";
import { ApiToken } from "../../provider";

class TokenGroup extends pulumi.ComponentResource {
    readonly token: ApiToken;

    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("mailtrap-test:index:TokenGroup", name, {}, opts);
        this.token = new ApiToken("token", { name: `${name}-sending` }, { parent: this });
        this.registerOutputs({});
    }
}

const groupA = new TokenGroup("group-a");
const groupB = new TokenGroup("group-b");
new ApiToken("top", { name: "top-level" });

export const parentUrns = { a: groupA.urn, b: groupB.urn };
