/**
 * Random histories through Pulumi's own dynamic-provider host (hostHistoryStack.ts): each `up`,
 * preview, refresh and destroy a new host process over gRPC, as the engine runs them, with the
 * provider's clock and the emulator's moved together. The same histories as the in-process batch
 * (histories.test.ts) from the same seed, its first few only: a host process takes seconds to
 * start. More with `npm run test:histories -- --through host --runs N --seed S`. The invariants
 * are checked after every step, as in process (model.ts).
 */
import { API_MODELS } from "../../provider/emulator/types";
import { HostHistoryStack } from "./hostHistoryStack";
import { runHistories } from "./model";

const RUNS = Number(process.env.MAILTRAP_HOST_HISTORIES_RUNS ?? 3);
const SEED = Number(process.env.MAILTRAP_HISTORIES_SEED ?? 20261207);

describe.each(API_MODELS)("random histories through the dynamic-provider host under the %s API model", (apiModel) => {
    it(`keep every invariant over the first ${RUNS} histories from seed ${SEED}, one host process per step`, async () => {
        const { steps } = await runHistories({ apiModel, runs: RUNS, seed: SEED, start: HostHistoryStack.start });
        expect(steps).toBeGreaterThan(RUNS);
    }, 300_000);
});

describe("a step through the host", () => {
    it("records a partial update as the engine does: the stored provider is small enough for the gRPC trailer", async () => {
        const stack = await HostHistoryStack.start("older");
        try {
            const permissions = [{ resourceType: "project" as const, resourceId: 42, accessLevel: "viewer" as const }];
            expect(await stack.up({ resources: permissions })).toMatchObject({ ok: true });
            const first = stack.state!.tokenId;
            // Under the older rule a reset gives no expiry, so the update creates a token; that create is refused.
            stack.emulator.injectFault({ method: "POST", path: /\/api_tokens$/, fault: { kind: "status", status: 422 } });
            const failed = await stack.up({ resources: permissions, expiresInDays: 30 });
            expect(failed).toMatchObject({ ok: false, error: { message: expect.stringMatching(/is kept as the live token/) } });
            const successor = stack.emulator.getToken(stack.emulator.accountId, first)!.reset_to!;
            expect(stack.state).toMatchObject({ tokenId: successor, previousTokens: [{ tokenId: first, retiredBy: "expiry" }] });
            expect(stack.emulator.isTokenValueLive(stack.state!.token)).toBe(true);
            expect(stack.notices.join("\n")).toMatch(/will rotate: it never expires, but expiresInDays is 30/);
        } finally {
            await stack.stop();
        }
    }, 120_000);
});
