/**
 * Drift of permissions is measured from what the API answered when the live token was issued
 * (`issuedResources`), not from the request: an answer that respells a kind (`inbox` as `sandbox`),
 * reorders the permissions or gives ids as strings is no change; permissions edited outside
 * Pulumi are drift, shown by refresh and preview, and one `up` replaces the token and settles.
 */
import { ACCOUNT, stack, useRotationStack, requestsOf, create, outputOf } from "./support";

const declared = {
    name: "ci-sending",
    resources: [
        { resourceType: "project", resourceId: 42, accessLevel: "viewer" },
        { resourceType: "inbox", resourceId: 7, accessLevel: "admin" },
    ],
};

describe("permissions answered otherwise than declared, through the dynamic-provider host", () => {
    useRotationStack();

    it("records what the API answered at issue as issuedResources", async () => {
        stack.emulator.setPermissionAnswers({ resourceTypeNames: "renamed", normalisePermissions: true });

        const resource = await create(declared);

        expect(resource.outputs.issuedResources).toEqual([
            { resourceType: "sandbox", resourceId: "7", accessLevel: "admin" },
            { resourceType: "project", resourceId: "42", accessLevel: "viewer" },
        ]);
        expect(resource.outputs.resources).toEqual(declared.resources);
    });

    it.each([
        ["declared with the older names", declared],
        [
            "declared with today's names",
            { ...declared, resources: [declared.resources[0], { resourceType: "sandbox", resourceId: 7, accessLevel: "admin" }] },
        ],
    ])(
        "settles %s when the API answers respelled, reordered and retyped: no change after up, nor after refresh",
        async (_label, program) => {
            stack.emulator.setPermissionAnswers({ resourceTypeNames: "renamed", normalisePermissions: true });
            const resource = await create(program);

            expect((await stack.engine.register("token", program, resource, { preview: true })).kind).toBe("same");
            const refreshed = (await stack.engine.refresh(resource))!;
            expect(refreshed.outputs.resources).toEqual(program.resources);
            const preview = await requestsOf(() => stack.engine.register("token", program, refreshed, { preview: true }));
            expect(preview.result.kind).toBe("same");
            expect(preview.requests).toEqual([]);
        },
    );

    it("shows permissions edited outside Pulumi on refresh, names them in the preview, and settles after one up that replaces the token", async () => {
        const resource = await create(declared);
        const edited = [{ resource_type: "project" as const, resource_id: 42, access_level: 100 as const }];
        stack.emulator.updateToken(ACCOUNT, resource.outputs.tokenId as number, { resources: edited });

        const refreshed = (await stack.engine.refresh(resource))!;
        // As answered: under MAILTRAP_TEST_PERMISSION_ANSWERS=renamed, with the id as a string.
        const [live] = refreshed.outputs.resources as { resourceId: unknown }[];
        expect(refreshed.outputs.resources).toEqual([{ resourceType: "project", resourceId: live.resourceId, accessLevel: "admin" }]);
        expect(String(live.resourceId)).toBe("42");
        expect(refreshed.outputs.issuedResources).toEqual(resource.outputs.issuedResources);

        const preview = await stack.engine.register("token", declared, refreshed, { preview: true });
        expect(preview.kind).toBe("replace");
        expect(preview.diff?.replaces).toEqual(["resources"]);
        expect(await outputOf(stack.host, /permissions were changed outside Pulumi/)).toMatch(
            /its permissions were changed outside Pulumi \(now project 42 admin; issued with (project 42 viewer, inbox 7 admin|sandbox 7 admin, project 42 viewer)\)/,
        );

        const up = await stack.engine.register("token", declared, refreshed);
        expect(up.kind).toBe("replace");
        const replaced = up.resource!;
        expect(stack.emulator.getToken(ACCOUNT, resource.outputs.tokenId as number)).toBeUndefined();
        const after = (await stack.engine.refresh(replaced))!;
        expect((await stack.engine.register("token", declared, after, { preview: true })).kind).toBe("same");
    });
});
