/** checkApiTokenInputs on resources: each permission's type, id and access level, duplicates, and the limit of 100. */
import { failuresFor, propertiesOf, reasonFor, permission } from "./support";

describe("checkApiTokenInputs", () => {
    describe("resources", () => {
        test.each([
            ["a string", "account:42"],
            ["a number", 42],
            ["an object", permission()],
        ])("rejects %s instead of a list, saying it must be a list of permissions", (_label, value) => {
            const failures = failuresFor({ resources: value });
            expect(propertiesOf(failures)).toEqual(["resources"]);
            expect(reasonFor(failures, "resources")).toMatch(/list of \{ resourceType, resourceId, accessLevel \}/);
        });

        it("accepts an empty list", () => {
            expect(failuresFor({ resources: [] })).toEqual([]);
        });

        test.each([
            ["a string", "inbox:5"],
            ["a number", 5],
            ["null", null],
            ["a list", [permission()]],
        ])("rejects an item that is %s, naming its index", (_label, item) => {
            const failures = failuresFor({ resources: [permission(), item] });
            expect(propertiesOf(failures)).toEqual(["resources[1]"]);
            expect(reasonFor(failures, "resources[1]")).toMatch(/must be an object \{ resourceType, resourceId, accessLevel \}/);
        });

        test.each(["account", "project", "sandbox", "inbox", "domain", "sending_domain"])("accepts resourceType %s", (resourceType) => {
            expect(failuresFor({ resources: [permission({ resourceType })] })).toEqual([]);
        });

        test.each([["mailbox"], ["Account"], [""], [3], [undefined]])(
            "rejects resourceType %p, listing the allowed types",
            (resourceType) => {
                const failures = failuresFor({ resources: [permission({ resourceType })] });
                expect(propertiesOf(failures)).toEqual(["resources[0].resourceType"]);
                expect(reasonFor(failures, "resources[0].resourceType")).toMatch(
                    /one of account, project, sandbox, inbox, domain, sending_domain/,
                );
            },
        );

        test.each([
            ["inbox", "sandbox"],
            ["sending_domain", "domain"],
        ])("rejects %s and %s for the same id as one resource named twice", (older, today) => {
            const failures = failuresFor({ resources: [permission({ resourceType: older }), permission({ resourceType: today })] });
            expect(propertiesOf(failures)).toEqual(["resources[1]"]);
            expect(reasonFor(failures, "resources[1]")).toMatch(/duplicates resources\[0\]/);
        });

        test.each([
            ["0", 0],
            ["-1", -1],
            ["an empty string", ""],
            ["a string of spaces", "   "],
            ["a fraction", 1.5],
            ["NaN", NaN],
            ["null", null],
            ["missing", undefined],
        ])("rejects resourceId %s, saying it must be a positive integer or a non-empty string", (_label, resourceId) => {
            const failures = failuresFor({ resources: [permission({ resourceId })] });
            expect(propertiesOf(failures)).toEqual(["resources[0].resourceId"]);
            expect(reasonFor(failures, "resources[0].resourceId")).toMatch(/positive integer or a non-empty string/);
        });

        test.each([
            ["a positive integer", 123],
            ["a numeric string", "123"],
            ["a non-numeric string id", "dom_abc"],
        ])("accepts resourceId as %s", (_label, resourceId) => {
            expect(failuresFor({ resources: [permission({ resourceId })] })).toEqual([]);
        });

        test.each([[10], ["owner"], ["Admin"], [""], [undefined]])(
            "rejects accessLevel %p, saying it must be viewer or admin",
            (accessLevel) => {
                const failures = failuresFor({ resources: [permission({ accessLevel })] });
                expect(propertiesOf(failures)).toEqual(["resources[0].accessLevel"]);
                expect(reasonFor(failures, "resources[0].accessLevel")).toMatch(/one of viewer, admin/);
            },
        );

        it("rejects an unknown field in an item, naming the field and listing the fields", () => {
            const failures = failuresFor({ resources: [permission({ access: "admin" })] });
            expect(propertiesOf(failures)).toEqual(["resources[0].access"]);
            expect(reasonFor(failures, "resources[0].access")).toMatch(/the fields are resourceType, resourceId, accessLevel/);
        });

        it("rejects a permission given twice, naming the duplicate and the first", () => {
            const failures = failuresFor({ resources: [permission(), permission({ accessLevel: "admin" })] });
            expect(propertiesOf(failures)).toEqual(["resources[1]"]);
            expect(reasonFor(failures, "resources[1]")).toMatch(/duplicates resources\[0\]/);
        });

        it('treats resourceId 123 and "123" as the same resource', () => {
            const failures = failuresFor({
                resources: [permission({ resourceId: 123 }), permission({ resourceId: "123" })],
            });
            expect(propertiesOf(failures)).toEqual(["resources[1]"]);
            expect(reasonFor(failures, "resources[1]")).toMatch(/duplicates resources\[0\]/);
        });

        it("allows the same id under different resource types", () => {
            const failures = failuresFor({
                resources: [permission({ resourceType: "project", resourceId: 5 }), permission({ resourceType: "inbox", resourceId: 5 })],
            });
            expect(failures).toEqual([]);
        });

        it("accepts 100 permissions", () => {
            const resources = Array.from({ length: 100 }, (_, i) => permission({ resourceId: i + 1 }));
            expect(failuresFor({ resources })).toEqual([]);
        });

        it("rejects more than 100 permissions, saying the limit", () => {
            const resources = Array.from({ length: 101 }, (_, i) => permission({ resourceId: i + 1 }));
            const failures = failuresFor({ resources });
            expect(propertiesOf(failures)).toEqual(["resources"]);
            expect(reasonFor(failures, "resources")).toMatch(/at most 100 permissions/);
        });

        it("reports every bad item, not only the first", () => {
            const failures = failuresFor({
                resources: [permission({ resourceType: "mailbox" }), permission({ resourceId: 6, accessLevel: "owner" })],
            });
            expect(propertiesOf(failures)).toEqual(["resources[0].resourceType", "resources[1].accessLevel"]);
        });
    });
});
