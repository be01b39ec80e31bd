import { E2EStack, E2EWorkspace, opsOf, requestLines } from "./support/pulumi";
import { IMPORTS, program } from "./support/programs";

/**
 * A token's life through the Pulumi CLI: preview, up, reading its outputs, the state that holds
 * it, previews with nothing to do (before and after a refresh), destroy, and no secret anywhere
 * it should not be.
 */
describe("a token's life through the Pulumi CLI", () => {
    const ws = new E2EWorkspace("lifecycle");
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    let stack: E2EStack;
    let tokenId: number;

    beforeAll(async () => {
        await ws.start();
        const source = program(
            IMPORTS,
            `const token = new ApiToken("ci-token", {
                name: "e2e-lifecycle",
                resources: [{ resourceType: "inbox", resourceId: 7, accessLevel: "viewer" }],
                rotate: "1",
            });
            exports.tokenId = token.tokenId;
            exports.token = token.token;
            exports.last4Digits = token.last4Digits;`,
        );
        stack = await ws.project("lifecycle", source).newStack("dev");
    });

    afterAll(() => ws.stop());

    it("previews the first create without calling the API", async () => {
        const preview = await stack.preview();

        expect(opsOf(preview, "ci-token")).toEqual(["create"]);
        expect(preview.stdout).toMatch(/\+\s+.*mailtrap:ApiToken\s+ci-token\s+create/);
        expect(preview.requests).toEqual([]);
    });

    it("creates the token with one POST on `pulumi up`", async () => {
        const up = await stack.up();

        expect(opsOf(up, "ci-token")).toEqual(["create"]);
        expect(requestLines(up)).toEqual([`POST ${tokens()}`]);
        const outputs = await stack.outputs();
        tokenId = outputs.tokenId;
        const live = ws.emulator.getToken(ws.accountId, tokenId)!;
        expect(live).toMatchObject({
            name: "e2e-lifecycle",
            expires_at: null,
            resources: [{ resource_type: "inbox", resource_id: 7, access_level: 10 }],
        });
        expect(outputs.last4Digits).toBe(live.last_4_digits);
    });

    it("masks `token` in `pulumi stack output`; --show-secrets shows the live value", async () => {
        const live = ws.emulator.getToken(ws.accountId, tokenId)!;

        expect(await stack.output("token")).toBe("[secret]");
        expect((await stack.outputs()).token).toBe("[secret]");
        expect(await stack.output("token", { showSecrets: true })).toBe(live.token);
        expect((await stack.outputs({ showSecrets: true })).token).toBe(live.token);
    });

    it("holds the value in `pulumi stack export` only as ciphertext", async () => {
        const { text, deployment } = await stack.exportState();
        const [resource] = (deployment.resources as any[]).filter((r) => r.urn.endsWith("::ci-token"));

        expect(resource.id).toBe(String(tokenId));
        expect(Object.keys(resource.outputs.token)).toContain("ciphertext");
        expect(text).not.toContain(ws.emulator.getToken(ws.accountId, tokenId)!.token);
        expect(text).not.toContain(ws.emulator.credential);
    });

    it("passes `pulumi preview --expect-no-changes` without calling the API, also right after `pulumi refresh`", async () => {
        const before = await stack.preview({ expectNoChanges: true });
        expect(opsOf(before, "ci-token")).toEqual(["same"]);
        expect(before.requests).toEqual([]);

        const refresh = await stack.refresh();
        expect(requestLines(refresh)).toEqual([`GET ${tokens()}/${tokenId}`]);

        const after = await stack.preview({ expectNoChanges: true });
        expect(opsOf(after, "ci-token")).toEqual(["same"]);
        expect(after.requests).toEqual([]);
    });

    it("deletes the token with one DELETE on `pulumi destroy`", async () => {
        const destroy = await stack.destroy();

        expect(opsOf(destroy, "ci-token")).toEqual(["delete"]);
        expect(requestLines(destroy)).toEqual([`DELETE ${tokens()}/${tokenId}`]);
        expect(ws.emulator.getToken(ws.accountId, tokenId)).toBeUndefined();
        expect(await stack.stateResources()).toEqual([]);
    });

    it("leaves the credential and every token value out of state files, PULUMI_HOME and CLI output", () => {
        expect(ws.leaks()).toEqual([]);
        const { files, outputs } = ws.scannedCounts();
        const debug = ws.debugDiagnosticLeaks();
        ws.record(
            "secrets-scan.txt",
            [
                `lifecycle: ${files} files (state, history, backups, PULUMI_HOME, stack config, event logs) and ${outputs} CLI outputs hold no credential or token value.`,
                debug.length === 0
                    ? "No debug diagnostic holds a secret either."
                    : `Debug diagnostics (printed by \`pulumi up --debug\`, written to event logs) that do, all from the Pulumi SDK:\n${debug.map((d) => `  ${d}`).join("\n")}`,
            ].join("\n"),
        );
    });
});
