import { E2EStack, E2EWorkspace, opsOf, requestLines } from "./support/pulumi";
import { IMPORTS, program } from "./support/programs";
import { NATIVE_TYPE, nativeImports, putPluginOnPath } from "./support/native";

/**
 * A program configured with an API token alone (no `mailtrap:accountId`, no MAILTRAP_ACCOUNT_ID):
 * every request goes to the API's routes without an account (`/api/api_tokens…`), which serve the
 * token's own account, for the dynamic resource and the native one, through the Pulumi CLI.
 */
const ROUTES = "/api/api_tokens";

describe("a program with an API token and no account, through the Pulumi CLI", () => {
    const ws = new E2EWorkspace("accountless");
    const live = (id: number) => ws.emulator.getToken(ws.accountId, id);

    beforeAll(async () => {
        putPluginOnPath(ws);
        await ws.start();
    });

    afterAll(() => ws.stop());

    describe.each([
        ["the dynamic ApiToken", IMPORTS, "new ApiToken", "pulumi-nodejs:dynamic/mailtrap:ApiToken"],
        ["the native ApiToken", nativeImports(), "nativeToken", NATIVE_TYPE],
    ])("%s", (_label, imports, constructor, type) => {
        let stack: E2EStack;
        const name = `e2e-accountless-${type === NATIVE_TYPE ? "native" : "dynamic"}`;

        beforeAll(async () => {
            const source = program(
                imports,
                `const token = ${constructor}("ci-token", {
                    name: "${name}",
                    resources: [{ resourceType: "sandbox", resourceId: 7, accessLevel: "viewer" }],
                    rotate: config.get("rotation") ?? "1",
                });
                exports.tokenId = token.tokenId;`,
            );
            stack = await ws.project(`${name}`, source).newStack("dev", { withoutAccount: true });
        });

        it("creates the token with one POST to the routes without an account, and records no account", async () => {
            const up = await stack.up();

            expect(requestLines(up)).toEqual([`POST ${ROUTES}`]);
            const [resource] = await stack.stateResources(type);
            expect(resource.outputs.accountId).toBeUndefined();
            expect(live(resource.outputs.tokenId)).toMatchObject({ name });
        });

        it("rotates it with one reset on the routes without an account", async () => {
            const { tokenId } = await stack.stateOutputs("ci-token");
            await stack.setConfig("rotation", "2");

            const up = await stack.up();

            expect(opsOf(up, "ci-token")).toEqual(["update"]);
            expect(requestLines(up)).toEqual([`POST ${ROUTES}/${tokenId}/reset`]);
        });

        it("refreshes with one GET, and then has nothing to do", async () => {
            const { tokenId } = await stack.stateOutputs("ci-token");

            const refresh = await stack.refresh();

            expect(requestLines(refresh)).toEqual([`GET ${ROUTES}/${tokenId}`]);
            expect((await stack.preview({ expectNoChanges: true })).requests).toEqual([]);
        });

        it("destroys it with one DELETE on the routes without an account", async () => {
            const { tokenId } = await stack.stateOutputs("ci-token");

            const destroy = await stack.destroy();

            expect(requestLines(destroy)).toEqual([`DELETE ${ROUTES}/${tokenId}`]);
            expect(live(tokenId)).toBeUndefined();
        });
    });

    it("adopts a token with adoptTokenId through one GET on the routes without an account (dynamic)", async () => {
        const adopted = ws.emulator.createToken(ws.accountId, { name: "e2e-accountless-adopted", resources: [], expires_at: null }).id;
        const source = program(
            IMPORTS,
            `const token = new ApiToken("adopted", { name: "e2e-accountless-adopted", adoptTokenId: ${adopted} });
            exports.tokenId = token.tokenId;`,
        );
        const stack = await ws.project("accountless-adopt", source).newStack("dev", { withoutAccount: true });

        const up = await stack.up();

        expect(requestLines(up)).toEqual([`GET ${ROUTES}/${adopted}`]);
        expect((await stack.outputs()).tokenId).toBe(adopted);
        expect((await stack.preview({ expectNoChanges: true })).requests).toEqual([]);
    });

    it("imports a token with the API's one-year default expiry by its bare id (native); the program the guide gives settles", async () => {
        const made = ws.emulator.createToken(ws.accountId, {
            name: "e2e-accountless-imported",
            resources: [{ resource_type: "project", resource_id: 12, access_level: 10 }],
        });
        expect(made.expires_at).not.toBeNull();
        // What docs/native-provider.md tells a user to declare: the name, permissions and expiry import recorded.
        const source = program(
            nativeImports(),
            `nativeToken("imported", {
                name: "e2e-accountless-imported",
                resources: [{ resourceType: "project", resourceId: 12, accessLevel: "viewer" }],
                expiresAt: config.require("expiresAt"),
            }, { protect: true });`,
        );
        const stack = await ws.project("accountless-import", source).newStack("dev", { withoutAccount: true });

        const imported = await stack.importResource(NATIVE_TYPE, "imported", String(made.id), { protect: true });

        expect(requestLines(imported)).toEqual([`GET ${ROUTES}/${made.id}`]);
        const [resource] = await stack.stateResources(NATIVE_TYPE);
        expect(resource.inputs.expiresAt).toBe(made.expires_at);
        await stack.setConfig("expiresAt", resource.inputs.expiresAt);
        const preview = await stack.preview({ expectNoChanges: true });
        expect(opsOf(preview, "imported")).toEqual(["same"]);
        expect(preview.requests).toEqual([]);
        const up = await stack.up();
        expect(opsOf(up, "imported")).toEqual(["same"]);
    });
});
