import { E2EWorkspace, opsOf, requestLines } from "./support/pulumi";
import { IMPORTS, program } from "./support/programs";

/**
 * Permissions through the Pulumi CLI against an emulator that answers them as the API may: kinds in
 * the renamed vocabulary (`sandbox`, `domain`), in another order, ids as strings. Drift is measured
 * from what the API answered at issue, so a stack declared in either vocabulary settles; permissions
 * edited outside Pulumi are shown and replaced in one `up`.
 */
describe("permissions answered otherwise than declared, through the Pulumi CLI", () => {
    const ws = new E2EWorkspace("permissions", { emulator: { resourceTypeNames: "renamed", normalisePermissions: true } });
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;

    beforeAll(() => ws.start());
    afterAll(() => ws.stop());

    const declaring = (sandbox: string, domain: string) =>
        program(
            IMPORTS,
            `const token = new ApiToken("ci", {
                name: config.require("name"),
                resources: [
                    { resourceType: "project", resourceId: 12, accessLevel: "viewer" },
                    { resourceType: "${sandbox}", resourceId: 7, accessLevel: "admin" },
                    { resourceType: "${domain}", resourceId: 9, accessLevel: "viewer" },
                ],
            });
            exports.tokenId = token.tokenId;`,
        );

    it.each([
        ["inbox", "sending_domain"],
        ["sandbox", "domain"],
    ])("a stack declared with %s and %s settles: no change after up, nor after refresh", async (sandbox, domain) => {
        const stack = await ws.project(`permissions-${sandbox}`, declaring(sandbox, domain)).newStack("dev");
        await stack.setConfig("name", `e2e-${sandbox}`);

        await stack.up();
        const tokenId = (await stack.outputs()).tokenId as number;
        expect(ws.emulator.getToken(ws.accountId, tokenId)!.resources.map((p) => p.resource_type)).toEqual(["project", sandbox, domain]);

        expect((await stack.preview({ expectNoChanges: true })).requests).toEqual([]);
        await stack.refresh();
        expect((await stack.preview({ expectNoChanges: true })).requests).toEqual([]);
        await stack.destroy();
    });

    it("permissions edited outside Pulumi: refresh shows them, the preview names them, one up replaces the token and the stack settles", async () => {
        const stack = await ws.project("permissions-edited", declaring("sandbox", "domain")).newStack("dev");
        await stack.setConfig("name", "e2e-edited");
        await stack.up();
        const edited = (await stack.outputs()).tokenId as number;
        ws.emulator.updateToken(ws.accountId, edited, { resources: [{ resource_type: "project", resource_id: 12, access_level: 100 }] });

        await stack.refresh();
        // As the API answered them: the id as a string.
        expect((await stack.stateOutputs("ci")).resources).toEqual([{ resourceType: "project", resourceId: "12", accessLevel: "admin" }]);
        const preview = await stack.preview();
        expect(opsOf(preview, "ci")).toContain("replace");
        expect(preview.output).toMatch(/its permissions were changed outside Pulumi \(now project 12 admin; issued with /);

        const up = await stack.up();

        expect(opsOf(up, "ci")).toContain("replace");
        expect(requestLines(up)).toEqual([`POST ${tokens()}`, `DELETE ${tokens()}/${edited}`]);
        expect(ws.emulator.getToken(ws.accountId, edited)).toBeUndefined();
        expect((await stack.preview({ expectNoChanges: true })).requests).toEqual([]);
        await stack.refresh();
        expect((await stack.preview({ expectNoChanges: true })).requests).toEqual([]);
        await stack.destroy();
    });
});
