/** MailtrapClient's pacing: parallel requests under the API's rate limit, one pacer per credential. */
import { MailtrapClient } from "../../provider/client/client";
import { RetryPolicy } from "../../provider/client/retry";
import { emu, accountId, seeded, startEmulator, useEmulatorPerTest, client, countStatus } from "./support";

useEmulatorPerTest();

describe("pacing", () => {
    const LIMIT = { requests: 20, windowMs: 1_000 };
    const PACING_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 2_000, operationBudgetMs: 15_000 };

    async function restartRateLimited(): Promise<void> {
        await emu.stop();
        // A fresh random credential: pacers are process-wide per credential, so no other test shares this one.
        await startEmulator({ credential: undefined, rateLimit: LIMIT });
    }

    function pacedClient(): MailtrapClient {
        return client({ apiToken: emu.credential, rateLimit: { ...LIMIT }, retry: PACING_RETRY, requestTimeoutMs: 5_000 });
    }

    test("60 parallel GETs under a matching rate limit all succeed and the API answers no 429", async () => {
        await restartRateLimited();
        const paced = pacedClient();

        const results = await Promise.allSettled(Array.from({ length: 60 }, () => paced.getToken(accountId, seeded.id)));

        expect(results.filter((r) => r.status === "rejected")).toEqual([]);
        expect(emu.requests).toHaveLength(60);
        expect(countStatus(429)).toBe(0);
    });

    test("two clients with the same credential share one pacer: 30 + 30 parallel GETs get no 429", async () => {
        await restartRateLimited();
        const first = pacedClient();
        const second = pacedClient();

        const results = await Promise.allSettled(
            Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? first : second).getToken(accountId, seeded.id)),
        );

        expect(results.filter((r) => r.status === "rejected")).toEqual([]);
        expect(countStatus(429)).toBe(0);
        expect(emu.requests).toHaveLength(60);
    });
});
