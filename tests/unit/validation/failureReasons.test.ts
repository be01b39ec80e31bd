/** checkApiTokenInputs' failure reasons: how they quote a bad value, and that they never echo a long one. */
import { failuresFor, reasonFor, permission } from "./support";

describe("checkApiTokenInputs", () => {
    describe("failure reasons", () => {
        const long = "x".repeat(50);

        test.each([
            ["accountId", { accountId: long }],
            ["resources", { resources: long }],
            ["resources[0]", { resources: [long] }],
            ["resources[0].resourceType", { resources: [permission({ resourceType: long })] }],
            ["resources[0].accessLevel", { resources: [permission({ accessLevel: long })] }],
            ["expiresAt", { expiresAt: long }],
            ["rotate", { rotate: "r".repeat(300) }],
            ["rotateAfterDays", { rotateAfterDays: long }],
            ["adoptTokenId", { adoptTokenId: long }],
            ["name", { name: "n".repeat(300) }],
        ])("describe a long %s value by its length instead of echoing it", (property, overrides) => {
            const value = Object.values(overrides)[0];
            const text = typeof value === "string" ? value : long;
            const failures = failuresFor(overrides);
            const reason = reasonFor(failures, property);
            expect(reason).not.toContain(text);
            expect(reason).toMatch(/\d+ characters/);
        });

        it("quote a short bad value", () => {
            expect(reasonFor(failuresFor({ accountId: "abc" }), "accountId")).toContain('"abc"');
        });

        it("never echo a long resourceId in a duplicate's reason", () => {
            const id = "i".repeat(60);
            const failures = failuresFor({ resources: [permission({ resourceId: id }), permission({ resourceId: id })] });
            expect(failures.length).toBeGreaterThan(0);
            for (const failure of failures) {
                expect(failure.reason).not.toContain(id);
            }
        });

        it("never contain a long string value anywhere in a failure set", () => {
            const long60 = "y".repeat(60);
            const failures = failuresFor({
                accountId: long60,
                resources: [permission({ resourceType: long60, accessLevel: long60 })],
                expiresAt: long60,
                rotateAfterDays: long60,
                adoptTokenId: long60,
            });
            expect(failures.length).toBe(6);
            for (const failure of failures) {
                expect(failure.reason).not.toContain(long60);
            }
        });
    });
});
