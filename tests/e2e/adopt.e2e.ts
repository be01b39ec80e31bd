import { E2EStack, E2EWorkspace, opsOf, requestLines } from "./support/pulumi";
import { IMPORTS, program } from "./support/programs";

/**
 * Adoption: `adoptTokenId` makes the first create take over an existing token with one GET. It
 * has no value until a rotation gives it one, and it matters only at that first create: a later
 * replacement (a rename) creates a new token and deletes the adopted one.
 */
describe("adopting an existing token through the Pulumi CLI", () => {
    const ws = new E2EWorkspace("adopt");
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    const live = (id: number) => ws.emulator.getToken(ws.accountId, id);
    const source = program(
        IMPORTS,
        `const token = new ApiToken("adopted", {
            name: config.require("name"),
            resources: [{ resourceType: "project", resourceId: 12, accessLevel: "viewer" }],
            adoptTokenId: config.requireNumber("adoptTokenId"),
            rotate: config.get("rotation"),
        });
        exports.tokenId = token.tokenId;
        exports.token = token.token;`,
    );
    const existing = (name: string) =>
        ws.emulator.createToken(ws.accountId, {
            name,
            resources: [{ resource_type: "project", resource_id: 12, access_level: 10 }],
            expires_at: null,
        }).id;

    /** A stack whose program adopts a token made outside Pulumi named `name`. */
    async function adoptingStack(project: string, name: string): Promise<{ stack: E2EStack; adoptedId: number }> {
        const adoptedId = existing(name);
        const stack = await ws.project(project, source).newStack("dev");
        await stack.setConfig("name", name);
        await stack.setConfig("adoptTokenId", String(adoptedId));
        return { stack, adoptedId };
    }

    beforeAll(() => ws.start());
    afterAll(() => ws.stop());

    describe("then a rotation", () => {
        let stack: E2EStack;
        let adoptedId: number;

        beforeAll(async () => {
            ({ stack, adoptedId } = await adoptingStack("adopt", "e2e-adopted"));
        });

        it("takes the token over on `pulumi up` with one GET and no create; `token` stays empty", async () => {
            const preview = await stack.preview();
            expect(opsOf(preview, "adopted")).toEqual(["create"]);
            expect(preview.requests).toEqual([]);

            const up = await stack.up();
            const outputs = await stack.outputs({ showSecrets: true });
            expect(requestLines(up)).toEqual([`GET ${tokens()}/${adoptedId}`]);
            expect(outputs.tokenId).toBe(adoptedId);
            expect(outputs.token).toBe("");
            const [resource] = await stack.stateResources();
            expect(resource.id).toBe(String(adoptedId));
            await stack.preview({ expectNoChanges: true });
        });

        it("gets a value at the first rotation: one reset of the adopted token", async () => {
            await stack.setConfig("rotation", "1");
            const up = await stack.up();
            const outputs = await stack.outputs({ showSecrets: true });

            expect(requestLines(up)).toEqual([`POST ${tokens()}/${adoptedId}/reset`]);
            expect(outputs.tokenId).not.toBe(adoptedId);
            expect(outputs.token).toBe(live(outputs.tokenId)!.token);
        });

        it("deletes the live token on `pulumi destroy`", async () => {
            const { tokenId } = await stack.outputs();
            const destroy = await stack.destroy();
            expect(requestLines(destroy)).toEqual([`DELETE ${tokens()}/${tokenId}`]);
        });
    });

    describe("then a rename", () => {
        let stack: E2EStack;
        let adoptedId: number;

        beforeAll(async () => {
            ({ stack, adoptedId } = await adoptingStack("adopt-rename", "e2e-adopted-2"));
            await stack.up();
        });

        it("previews the rename as a replacement without calling the API", async () => {
            await stack.setConfig("name", "e2e-renamed");
            const preview = await stack.preview();
            ws.record("preview-adopted-rename.txt", `# Renaming an adopted token\n$ ${preview.command}\n${preview.output}`);

            expect(opsOf(preview, "adopted")).toContain("replace");
            expect(preview.output).toMatch(/\[diff: ~name\]/);
            expect(preview.requests).toEqual([]);
        });

        it("creates a NEW token with the new name and deletes the adopted one", async () => {
            const up = await stack.up();
            const outputs = await stack.outputs({ showSecrets: true });

            expect(requestLines(up)).toEqual([`POST ${tokens()}`, `DELETE ${tokens()}/${adoptedId}`]);
            expect(outputs.tokenId).not.toBe(adoptedId);
            expect(live(outputs.tokenId)).toMatchObject({ name: "e2e-renamed" });
            expect(outputs.token).toBe(live(outputs.tokenId)!.token);
            expect(live(adoptedId)).toBeUndefined();
            await stack.destroy();
        });
    });

    it("leaves the credential and every token value out of state files, PULUMI_HOME and CLI output", () => {
        expect(ws.leaks()).toEqual([]);
    });
});
