/** checkApiTokenInputs on accountId: a positive integer, or the config default when missing. */
import { UNKNOWN_VALUE } from "../../../provider/lifecycle/validation";
import { check, withInputs, failuresFor, propertiesOf, reasonFor } from "./support";

describe("checkApiTokenInputs", () => {
    describe("accountId", () => {
        test.each([
            ["zero", 0],
            ["a negative number", -3],
            ["a fraction", 1.5],
            ["a numeric string", "42"],
            ["NaN", NaN],
            ["a boolean", true],
        ])("rejects %s, saying it must be a positive integer", (_label, value) => {
            const failures = failuresFor({ accountId: value });
            expect(propertiesOf(failures)).toEqual(["accountId"]);
            expect(reasonFor(failures, "accountId")).toMatch(/positive integer/);
        });

        it("rejects a missing accountId when config has no default, naming where to set one", () => {
            const failures = failuresFor({ accountId: undefined });
            expect(propertiesOf(failures)).toEqual(["accountId"]);
            expect(reasonFor(failures, "accountId")).toMatch(/mailtrap:accountId/);
            expect(reasonFor(failures, "accountId")).toMatch(/MAILTRAP_ACCOUNT_ID/);
        });

        it("fills missing resources with an empty list, as the outputs echo it", () => {
            expect(check(withInputs({})).inputs.resources).toEqual([]);
            expect(check(withInputs({ resources: null })).inputs.resources).toEqual([]);
            expect(check(withInputs({ resources: UNKNOWN_VALUE })).inputs.resources).toBe(UNKNOWN_VALUE);
        });

        it("fills a missing accountId from the config default", () => {
            const result = check(withInputs({ accountId: undefined }), { defaultAccountId: 77 });
            expect(result.failures).toEqual([]);
            expect(result.inputs.accountId).toBe(77);
        });

        it("keeps a given accountId over the config default", () => {
            const result = check(withInputs({ accountId: 42 }), { defaultAccountId: 77 });
            expect(result.inputs.accountId).toBe(42);
        });

        it("does not apply the config default to an invalid accountId", () => {
            const result = check(withInputs({ accountId: 0 }), { defaultAccountId: 77 });
            expect(propertiesOf(result.failures)).toEqual(["accountId"]);
        });
    });
});
