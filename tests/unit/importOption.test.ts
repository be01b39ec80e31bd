import * as pulumi from "@pulumi/pulumi";
import { ApiToken } from "../../provider";

describe("the import resource option", () => {
    it("is refused at once with one line pointing at adoptTokenId, as a RunError (which Pulumi prints without a stack trace)", () => {
        let thrown: unknown;
        try {
            new ApiToken("ci", { name: "ci-sending" }, { import: "40001" });
        } catch (error) {
            thrown = error;
        }
        expect(thrown).toBeInstanceOf(pulumi.RunError);
        const message = (thrown as Error).message;
        expect(message).toBe(
            'mailtrap: ApiToken "ci": the import option cannot work for a dynamic resource (Pulumi sends it no provider); to take over token 40001, drop the import option and set adoptTokenId: 40001 instead',
        );
        expect(message).not.toContain("\n");
    });
});
