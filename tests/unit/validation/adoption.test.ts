/** checkApiTokenInputs on adoptTokenId: its shape, and that it only counts for the first create. */
import { check, withInputs, failuresFor, propertiesOf, reasonFor } from "./support";

describe("checkApiTokenInputs", () => {
    describe("adoptTokenId", () => {
        it("accepts a positive integer", () => {
            expect(failuresFor({ adoptTokenId: 9 })).toEqual([]);
        });

        test.each([
            ["0", 0],
            ["a negative number", -9],
            ["a fraction", 1.5],
            ["a numeric string", "9"],
            ["NaN", NaN],
        ])("rejects %s, saying it must be a positive integer", (_label, adoptTokenId) => {
            const failures = failuresFor({ adoptTokenId });
            expect(propertiesOf(failures)).toEqual(["adoptTokenId"]);
            expect(reasonFor(failures, "adoptTokenId")).toMatch(/positive integer/);
        });
    });

    describe("adoptTokenId once the resource exists", () => {
        it("is kept for the first create, when there are no old inputs", () => {
            expect(check(withInputs({ adoptTokenId: 9 })).inputs.adoptTokenId).toBe(9);
        });

        it("is dropped when the resource exists already, so a replacement creates a new token", () => {
            const { inputs, failures } = check(withInputs({ adoptTokenId: 9 }), { olds: withInputs({ adoptTokenId: 9 }) });
            expect(failures).toEqual([]);
            expect(inputs).not.toHaveProperty("adoptTokenId");
        });

        it("is dropped when null, which means no adoption", () => {
            expect(check(withInputs({ adoptTokenId: null })).inputs).not.toHaveProperty("adoptTokenId");
        });
    });
});
