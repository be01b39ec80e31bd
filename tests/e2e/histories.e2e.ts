import { E2EStack, E2EWorkspace, requestLines } from "./support/pulumi";
import { IMPORTS, program } from "./support/programs";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Two rotation histories that broke the provider before, through the Pulumi CLI (the in-process
 * specs are tests/histories/regressions.test.ts, 1 and 2): an expiry added to a token under the
 * older rule, whose reset takes no body, settles after one `up`; and a teammate's reset in the UI,
 * followed by an `up` whose own reset is answered 503, leaves the teammate's successor alone.
 */
describe("rotation histories through the Pulumi CLI", () => {
    const t0 = Math.floor(Date.now() / 1_000) * 1_000;

    describe("1. an expiry added under the older rule", () => {
        const ws = new E2EWorkspace("history-older-expiry", { emulator: { apiModel: "older" } });
        const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
        let stack: E2EStack;

        beforeAll(async () => {
            await ws.start();
            ws.emulator.setNow(t0);
            const source = program(
                IMPORTS,
                `const days = config.getNumber("expiresInDays");
                new ApiToken("token", { name: "e2e-history-1", ...(days === undefined ? {} : { expiresInDays: days }) });`,
            );
            stack = await ws.project("history1", source).newStack("dev");
            await stack.up({ env: { MAILTRAP_PROVIDER_NOW: new Date(t0).toISOString() } });
        });
        afterAll(() => ws.stop());

        it("gets a token with the declared expiry in one up, and the next preview proposes nothing", async () => {
            const env = { MAILTRAP_PROVIDER_NOW: new Date(t0).toISOString() };
            const first = await stack.stateOutputs("token");
            await stack.setConfig("expiresInDays", "30");

            const up = await stack.up({ env });

            expect(requestLines(up)).toEqual([
                `POST ${tokens()}/${first.tokenId}/reset`,
                `POST ${tokens()}`,
                expect.stringMatching(/^DELETE /),
            ]);
            expect(up.output).toContain("does not give a reset's successor the declared expiry");
            const renewed = await stack.stateOutputs("token");
            expect(ws.emulator.getToken(ws.accountId, renewed.tokenId)!.expires_at).toBe(new Date(t0 + 30 * DAY_MS).toISOString());
            const preview = await stack.preview({ expectNoChanges: true, env });
            expect(preview.requests).toEqual([]);
            await stack.destroy({ env });
        });
    });

    describe("2. a teammate's reset in the UI, then an up whose own reset is answered 503", () => {
        const ws = new E2EWorkspace("history-outside-reset");
        let stack: E2EStack;

        beforeAll(async () => {
            await ws.start();
            ws.emulator.setNow(t0);
            const source = program(IMPORTS, `new ApiToken("token", { name: "e2e-history-2", rotate: config.require("rotation") });`);
            stack = await ws.project("history2", source).newStack("dev");
            await stack.setConfig("rotation", "1");
            await stack.up({ env: { MAILTRAP_PROVIDER_NOW: new Date(t0).toISOString() } });
        });
        afterAll(() => ws.stop());

        it("tells the teammate's reset by its earlier end of grace: the teammate's successor is never touched and keeps working", async () => {
            const { tokenId } = await stack.stateOutputs("token");
            const teammates = ws.emulator.resetToken(ws.accountId, tokenId, null);
            ws.emulator.setNow(t0 + HOUR_MS);
            const env = { MAILTRAP_PROVIDER_NOW: new Date(t0 + HOUR_MS).toISOString() };
            ws.emulator.injectFault({ method: "POST", path: /\/reset$/, fault: { kind: "status", status: 503 } });
            await stack.setConfig("rotation", "2");

            const up = await stack.up({ env });

            expect(requestLines(up).filter((line) => line.includes(`/${teammates.id}`))).toEqual([]);
            expect(up.output).toContain(`token ${tokenId} was reset outside Pulumi`);
            expect(ws.emulator.isTokenValueLive(teammates.token)).toBe(true);
            expect(ws.emulator.getToken(ws.accountId, teammates.id)!.expires_at).toBeNull();
            const renewed = await stack.stateOutputs("token");
            expect(renewed.tokenId).not.toBe(teammates.id);
            await stack.preview({ expectNoChanges: true, env });
        });
    });
});
