import { E2EWorkspace, requestLines } from "./support/pulumi";
import { IMPORTS, program } from "./support/programs";

/**
 * What a user sees when something is wrong: bad input fails the preview, naming each property,
 * before any API call; a wrong credential fails `pulumi up` with the API's 401 message and
 * nothing is created.
 */
describe("errors through the Pulumi CLI", () => {
    const ws = new E2EWorkspace("errors");
    const WRONG_CREDENTIAL = "0123456789abcdef0123456789abcdef";

    beforeAll(async () => {
        await ws.start();
        ws.noteSecret(WRONG_CREDENTIAL, "the wrong credential");
    });
    afterAll(() => ws.stop());

    it("fails the preview on bad input, naming each property and what is allowed, without calling the API", async () => {
        const source = program(
            IMPORTS,
            `new ApiToken("bad-token", {
                name: "e2e-bad",
                resources: [{ resourceType: "mailbox", resourceId: 1, accessLevel: "viewer" }],
                rotateAfterDays: -3,
                rotation: "2026-11", // misspelled: the input is \`rotate\`
            });`,
        );
        const stack = await ws.project("bad-input", source).newStack("dev");

        const preview = await stack.preview({ expectFailure: true });
        ws.record("preview-bad-input.txt", `# Bad input\n$ ${preview.command}\n${preview.output}`);

        expect(preview.output).toMatch(/rotateAfterDays.*must be a positive number/);
        expect(preview.output).toMatch(/rotation.*is not an ApiToken input/);
        expect(preview.output).toMatch(/resourceType.*(account|project|inbox|sending_domain)/);
        expect(preview.requests).toEqual([]);

        const up = await stack.up({ expectFailure: true });
        expect(up.requests).toEqual([]);
        expect(await stack.stateResources()).toEqual([]);
    });

    it("fails `pulumi up` with a wrong credential on the API's 401 message, creating nothing", async () => {
        const source = program(
            IMPORTS,
            `const token = new ApiToken("ci-token", { name: "e2e-unauthorized" });\nexports.tokenId = token.tokenId;`,
        );
        const stack = await ws.project("wrong-credential", source).newStack("dev", { apiToken: WRONG_CREDENTIAL });

        const up = await stack.up({ expectFailure: true });
        ws.record("up-wrong-credential.txt", `# A wrong credential\n$ ${up.command}\n${up.output}`);

        expect(up.output).toMatch(
            new RegExp(
                `error: mailtrap: create API token "e2e-unauthorized" in account ${ws.accountId} failed: HTTP 401: Incorrect API token`,
            ),
        );
        expect(requestLines(up)).toEqual([`POST /api/accounts/${ws.accountId}/api_tokens`]);
        expect(up.requests.every((r) => r.status === 401)).toBe(true);
        expect(ws.emulator.listTokens(ws.accountId).map((t) => t.name)).toEqual(["Emulator admin"]);
        expect(await stack.stateResources()).toEqual([]);
    });

    it("refuses the import resource option with one line pointing at adoptTokenId: no stack trace, no request", async () => {
        const existing = ws.emulator.createToken(ws.accountId, { name: "e2e-import", expires_at: null });
        const source = program(IMPORTS, `new ApiToken("imported", { name: "e2e-import" }, { import: "${existing.id}" });`);
        const stack = await ws.project("import-option", source).newStack("dev");

        const preview = await stack.preview({ expectFailure: true });

        expect(preview.output).toContain(
            `mailtrap: ApiToken "imported": the import option cannot work for a dynamic resource (Pulumi sends it no provider); to take over token ${existing.id}, drop the import option and set adoptTokenId: ${existing.id} instead`,
        );
        expect(preview.output).not.toMatch(/^\s+at /m);
        expect(preview.requests).toEqual([]);
    });

    it("leaves the credentials out of state files, PULUMI_HOME and CLI output", () => {
        expect(ws.leaks()).toEqual([]);
    });
});
