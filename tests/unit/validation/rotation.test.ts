/** checkApiTokenInputs on the rotation inputs: rotate and rotateAfterDays. */
import { failuresFor, propertiesOf, reasonFor } from "./support";

describe("checkApiTokenInputs", () => {
    describe("rotate", () => {
        test.each([
            ["a string", "v2"],
            ["a number", 3],
            ["zero", 0],
            ["a date string", "2026-01-01"],
        ])("accepts %s", (_label, rotate) => {
            expect(failuresFor({ rotate })).toEqual([]);
        });

        test.each([
            ["an empty string", ""],
            ["a boolean", true],
            ["an object", { at: 1 }],
            ["a list", [1]],
            ["NaN", NaN],
            ["Infinity", Infinity],
        ])("rejects %s, saying it must be a non-empty string or a finite number", (_label, rotate) => {
            const failures = failuresFor({ rotate });
            expect(propertiesOf(failures)).toEqual(["rotate"]);
            expect(reasonFor(failures, "rotate")).toMatch(/non-empty string.*or a finite number/);
        });
    });

    describe("rotateAfterDays", () => {
        test.each([[1], [0.5], [90], [36_500]])("accepts %p", (rotateAfterDays) => {
            expect(failuresFor({ rotateAfterDays })).toEqual([]);
        });

        test.each([
            ["0", 0],
            ["a negative number", -30],
            ["a string", "30"],
            ["above 36500", 36_501],
            ["NaN", NaN],
            ["Infinity", Infinity],
            ["a boolean", true],
        ])("rejects %s, saying it must be a positive number of days up to 36500", (_label, rotateAfterDays) => {
            const failures = failuresFor({ rotateAfterDays });
            expect(propertiesOf(failures)).toEqual(["rotateAfterDays"]);
            expect(reasonFor(failures, "rotateAfterDays")).toMatch(/positive number of days, at most 36500/);
        });
    });
});
