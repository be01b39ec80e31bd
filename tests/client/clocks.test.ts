/** MailtrapClient's clocks: a Retry-After date is read against the wall clock, whatever clock measures the budget. */
import { FAST, emu, accountId, seeded, useEmulatorPerTest, client } from "./support";

useEmulatorPerTest();

describe("clocks", () => {
    test("a Retry-After date is read against the wall clock, whatever clock measures the budget", async () => {
        const sleeps: number[] = [];
        // HTTP dates have whole seconds: 3 s ahead is 2 to 3 s away.
        const retryAt = new Date(Date.now() + 3_000).toUTCString();
        emu.injectFault({ method: "GET", fault: { kind: "status", status: 429, headers: { "Retry-After": retryAt } } });

        await client({
            retry: { ...FAST, maxRetryAfterMs: 60_000 },
            // A monotonic budget clock has its own zero, far from the wall clock's.
            now: () => 5,
            sleep: async (ms) => void sleeps.push(ms),
        }).getToken(accountId, seeded.id);

        expect(sleeps).toHaveLength(1);
        expect(sleeps[0]).toBeGreaterThan(1_000);
        expect(sleeps[0]).toBeLessThanOrEqual(3_000);
    });
});
