import { E2EStack, E2EWorkspace, opsOf, requestLines } from "./support/pulumi";
import { IMPORTS, program, sha256, TOKEN_CONSUMER } from "./support/programs";

/**
 * Changes made outside Pulumi, put right by `pulumi refresh` then `pulumi up`: a token reset in
 * Mailtrap is renewed through its successor, a token deleted in Mailtrap is created again; the
 * consumer gets the working value either way.
 */
describe("recovery from changes made outside Pulumi", () => {
    const ws = new E2EWorkspace("drift");
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    const live = (id: number) => ws.emulator.getToken(ws.accountId, id);
    let stack: E2EStack;

    beforeAll(async () => {
        await ws.start();
        const source = program(
            IMPORTS,
            TOKEN_CONSUMER,
            `const token = new ApiToken("ci-token", {
                name: "e2e-drift",
                resources: [{ resourceType: "project", resourceId: 12, accessLevel: "admin" }],
            });
            const consumer = new TokenConsumer("consumer", { value: token.token });
            exports.tokenId = token.tokenId;
            exports.token = token.token;
            exports.valueExpiresAt = token.valueExpiresAt;
            exports.consumerHash = consumer.hash;`,
        );
        stack = await ws.project("drift", source).newStack("dev");
        await stack.up();
    });

    afterAll(() => ws.stop());

    it("replaces the value of a token reset outside Pulumi with a new token, leaving the reset's successor alone", async () => {
        const before = await stack.outputs({ showSecrets: true });
        const successor = ws.emulator.resetToken(ws.accountId, before.tokenId); // someone pressed "reset" in Mailtrap
        const graceEnd = live(before.tokenId)!.expires_at!;

        const refresh = await stack.refresh();
        expect(requestLines(refresh)).toEqual([`GET ${tokens()}/${before.tokenId}`]);
        const refreshed = await stack.stateOutputs("ci-token");
        expect(refreshed.valueExpiresAt).toBe(graceEnd);
        expect(refreshed.token).toBe(before.token);
        expect(refreshed.tokenId).toBe(before.tokenId);

        const preview = await stack.preview();
        ws.record(
            "preview-recovery-reset.txt",
            `# A token reset outside Pulumi\n$ ${refresh.command}\n${refresh.output}\n$ ${preview.command}\n${preview.output}`,
        );
        expect(opsOf(preview, "ci-token")).toEqual(["update"]);
        expect(opsOf(preview, "consumer")).toEqual(["update"]);
        const notice = preview.output.split("\n").find((line) => line.includes("will rotate")) ?? "";
        expect(notice).toContain('"ci-token"');
        // Its expiry moved from the one recorded at issue (none) to the end of the reset's grace.
        expect(notice).toContain(`it was reset outside Pulumi (its expiry moved to ${graceEnd})`);
        expect(preview.requests).toEqual([]);

        const up = await stack.up();
        ws.record("up-recovery-reset.txt", `# A token reset outside Pulumi, then\n$ ${up.command}\n${up.output}`);
        const after = await stack.outputs({ showSecrets: true });
        expect(requestLines(up)).toEqual([`POST ${tokens()}`, `GET ${tokens()}`]);
        expect(opsOf(up, "ci-token")).toEqual(["update"]);
        expect(opsOf(up, "consumer")).toEqual(["update"]);
        expect(after.tokenId).toBeGreaterThan(successor.id);
        expect(live(after.tokenId)).toMatchObject({ name: "e2e-drift", expires_at: null });
        expect(after.token).toBe(live(after.tokenId)!.token);
        expect(after.valueExpiresAt).toBeNull();
        expect(after.consumerHash).toBe(sha256(after.token));
        const state = await stack.stateOutputs("ci-token");
        expect(state).toMatchObject({ tokenId: after.tokenId, previousTokenId: before.tokenId, previousTokenExpiresAt: graceEnd });
        // Whoever reset it holds the successor's value: it is named, not touched.
        expect(live(successor.id)).toEqual(successor);
        expect(up.output).toContain(String(successor.id));
        await stack.preview({ expectNoChanges: true });
    });

    it("creates again a token deleted outside Pulumi: refresh keeps the resource (its reset predecessor is still valid), marked gone; up makes one POST", async () => {
        const before = await stack.outputs();
        ws.emulator.deleteToken(ws.accountId, before.tokenId); // someone deleted it in Mailtrap

        const refresh = await stack.refresh();
        expect(requestLines(refresh)).toEqual([`GET ${tokens()}/${before.tokenId}`]);
        // The token the earlier reset replaced is still in its grace: the state keeps holding it.
        expect(await stack.stateOutputs("ci-token")).toMatchObject({ tokenGone: true, tokenId: before.tokenId });

        const preview = await stack.preview();
        ws.record(
            "preview-recovery-delete.txt",
            `# A token deleted outside Pulumi\n$ ${refresh.command}\n${refresh.output}\n$ ${preview.command}\n${preview.output}`,
        );
        expect(opsOf(preview, "ci-token")).toEqual(["update"]);
        expect(preview.requests).toEqual([]);

        const up = await stack.up();
        const after = await stack.outputs({ showSecrets: true });
        expect(requestLines(up)).toEqual([`POST ${tokens()}`]);
        expect(opsOf(up, "consumer")).toEqual(["update"]);
        expect(live(after.tokenId)).toMatchObject({
            name: "e2e-drift",
            resources: [{ resource_type: "project", resource_id: 12, access_level: 100 }],
        });
        expect(after.token).toBe(live(after.tokenId)!.token);
        expect(after.consumerHash).toBe(sha256(after.token));
        await stack.preview({ expectNoChanges: true });
    });

    it("deletes the token on `pulumi destroy`", async () => {
        const { tokenId } = await stack.outputs();
        const destroy = await stack.destroy();
        expect(requestLines(destroy)).toEqual([`DELETE ${tokens()}/${tokenId}`]);
    });

    it("leaves the credential and every token value out of state files, PULUMI_HOME and CLI output", () => {
        expect(ws.leaks()).toEqual([]);
    });
});
