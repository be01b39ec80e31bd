/** checkApiTokenInputs on name: required, 1 to 255 characters, not only spaces. */
import { failuresFor, propertiesOf, reasonFor } from "./support";

describe("checkApiTokenInputs", () => {
    describe("name", () => {
        it("rejects a missing name, naming the property and the allowed length", () => {
            const failures = failuresFor({ name: undefined });
            expect(propertiesOf(failures)).toEqual(["name"]);
            expect(reasonFor(failures, "name")).toMatch(/required.*string of 1 to 255 characters/);
        });

        test.each([
            ["a number", 42],
            ["a boolean", true],
            ["an object", { value: "x" }],
            ["a list", ["x"]],
            ["null", null],
        ])("rejects %s, saying it must be a string of 1 to 255 characters", (_label, value) => {
            const failures = failuresFor({ name: value });
            expect(propertiesOf(failures)).toEqual(["name"]);
            expect(reasonFor(failures, "name")).toMatch(/string of 1 to 255 characters/);
        });

        it("rejects an empty name, naming the property", () => {
            const failures = failuresFor({ name: "" });
            expect(propertiesOf(failures)).toEqual(["name"]);
            expect(reasonFor(failures, "name")).toMatch(/character other than spaces/);
        });

        it("rejects a name of only spaces, naming the property", () => {
            const failures = failuresFor({ name: "    " });
            expect(propertiesOf(failures)).toEqual(["name"]);
            expect(reasonFor(failures, "name")).toMatch(/character other than spaces/);
        });

        it("rejects a name of 256 characters, saying the limit is 255", () => {
            const failures = failuresFor({ name: "n".repeat(256) });
            expect(propertiesOf(failures)).toEqual(["name"]);
            expect(reasonFor(failures, "name")).toMatch(/at most 255 characters/);
        });

        it("accepts a name of exactly 255 characters", () => {
            expect(failuresFor({ name: "n".repeat(255) })).toEqual([]);
        });

        it("accepts a one-character name", () => {
            expect(failuresFor({ name: "x" })).toEqual([]);
        });

        it("accepts a name with surrounding spaces when it has other characters", () => {
            expect(failuresFor({ name: "  ci  " })).toEqual([]);
        });
    });
});
