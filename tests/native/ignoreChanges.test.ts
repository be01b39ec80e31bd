import { parsePropertyPath, withIgnoredChanges } from "../../provider/native/ignoreChanges";

/** How Diff reads a resource's `ignoreChanges` paths against the old outputs. */
describe("ignoreChanges in the native Diff", () => {
    const olds = { name: "live-name", resources: [{ resourceType: "account", resourceId: 1, accessLevel: "viewer" }] };
    const news = { name: "declared-name", resources: [{ resourceType: "account", resourceId: 1, accessLevel: "admin" }], rotate: "v2" };

    it("reads keys, list indices and quoted keys", () => {
        expect(parsePropertyPath("name")).toEqual(["name"]);
        expect(parsePropertyPath('["name"]')).toEqual(["name"]);
        expect(parsePropertyPath("resources[0].accessLevel")).toEqual(["resources", 0, "accessLevel"]);
        expect(parsePropertyPath('resources[0]["access.level"]')).toEqual(["resources", 0, "access.level"]);
    });

    it("does not follow wildcards or malformed paths", () => {
        expect(parsePropertyPath("resources[*].accessLevel")).toBeUndefined();
        expect(parsePropertyPath("resources.*")).toBeUndefined();
        expect(parsePropertyPath("resources[x]")).toBeUndefined();
        expect(parsePropertyPath("")).toBeUndefined();
    });

    it("gives an ignored top-level input the old value, and leaves the others", () => {
        expect(withIgnoredChanges(news, olds, ["name"])).toEqual({ ...news, name: "live-name" });
    });

    it("gives an ignored nested input the old value", () => {
        const result = withIgnoredChanges(news, olds, ["resources[0].accessLevel"]);

        expect(result.resources).toEqual(olds.resources);
        expect(news.resources[0].accessLevel).toBe("admin");
    });

    it("removes an ignored input the old outputs do not hold", () => {
        expect(withIgnoredChanges(news, olds, ["rotate"])).not.toHaveProperty("rotate");
    });

    it("leaves the inputs as they are for a path it does not follow", () => {
        expect(withIgnoredChanges(news, olds, ["resources[*].accessLevel"])).toEqual(news);
    });
});
