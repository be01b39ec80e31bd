/** checkApiTokenInputs on accountId: a positive integer, the config default when missing, the recorded account of an existing resource, or none (the routes without an account). */
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

        it("leaves a new token without an account when none is given anywhere: the routes without an account serve it", () => {
            const result = check(withInputs({ accountId: undefined }));
            expect(result.failures).toEqual([]);
            expect("accountId" in result.inputs).toBe(false);
        });

        it("keeps the account an existing resource records when the configuration drops it", () => {
            const result = check(withInputs({ accountId: undefined }), { olds: { name: "ci-token", accountId: 3229 } });
            expect(result.inputs.accountId).toBe(3229);
        });

        it("takes a different config account for an existing resource (a different account replaces the token)", () => {
            const result = check(withInputs({ accountId: undefined }), {
                olds: { name: "ci-token", accountId: 3229 },
                defaultAccountId: 77,
            });
            expect(result.inputs.accountId).toBe(77);
        });

        it("keeps an existing resource recorded without an account without one when a config account appears", () => {
            const result = check(withInputs({ accountId: undefined }), { olds: { name: "ci-token" }, defaultAccountId: 77 });
            expect("accountId" in result.inputs).toBe(false);
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
