/** MailtrapClient against the local emulator: which failures are retried, which are final or of unknown outcome, and the operation budget. */
import { MailtrapClient } from "../../provider/client/client";
import { RetryPolicy } from "../../provider/client/retry";
import {
    CREDENTIAL,
    FAST,
    emu,
    accountId,
    retryLines,
    seeded,
    useEmulatorPerTest,
    client,
    failure,
    issued,
    NEVER_EXPIRES,
} from "./support";

useEmulatorPerTest();

describe("retries", () => {
    test("GET answered 429 is retried, honouring Retry-After up to maxRetryAfterMs", async () => {
        const sleeps: number[] = [];
        emu.injectFault({ method: "GET", fault: { kind: "status", status: 429, headers: { "Retry-After": "1" } } });

        const token = await client({
            retry: { ...FAST, maxDelayMs: 5, maxRetryAfterMs: 20 },
            sleep: async (ms) => void sleeps.push(ms),
        }).getToken(accountId, seeded.id);

        expect(token.id).toBe(seeded.id);
        expect(emu.requestCount({ method: "GET" })).toBe(2);
        // Retry-After: 1 s, cut to maxRetryAfterMs (a plain backoff could not exceed maxDelayMs = 5).
        expect(sleeps).toEqual([20]);
        expect(retryLines).toHaveLength(1);
    });

    test("POST create answered 429 is retried (it provably did not take effect) and creates one token", async () => {
        emu.injectFault({ method: "POST", fault: { kind: "status", status: 429, headers: { "Retry-After": "1" } } });
        const before = emu.listTokens(accountId).length;

        const token = issued(await client({ retry: { ...FAST, maxRetryAfterMs: 20 } }).createToken(accountId, NEVER_EXPIRES));

        expect(emu.requestCount({ method: "POST" })).toBe(2);
        expect(emu.listTokens(accountId)).toHaveLength(before + 1);
        expect(emu.getToken(accountId, token.id)?.token).toBe(token.token);
    });

    test("GET answered 503 twice then 200 succeeds after 3 requests", async () => {
        emu.injectFault({ method: "GET", times: 2, fault: { kind: "status", status: 503 } });

        const token = await client().getToken(accountId, seeded.id);

        expect(token.id).toBe(seeded.id);
        expect(emu.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    });

    test("DELETE answered 503 twice then 204 succeeds after 3 requests", async () => {
        emu.injectFault({ method: "DELETE", times: 2, fault: { kind: "status", status: 503 } });

        await client().deleteToken(accountId, seeded.id);

        expect(emu.requests.map((r) => [r.method, r.status])).toEqual([
            ["DELETE", 503],
            ["DELETE", 503],
            ["DELETE", 204],
        ]);
        expect(emu.getToken(accountId, seeded.id)).toBeUndefined();
    });

    test("POST create answered 503 is not retried and reports outcomeUnknown", async () => {
        emu.injectFault({ method: "POST", times: Infinity, fault: { kind: "status", status: 503 } });

        const error = await failure(client().createToken(accountId, NEVER_EXPIRES));

        expect(error.status).toBe(503);
        expect(error.outcomeUnknown).toBe(true);
        expect(emu.requestCount({ method: "POST" })).toBe(1);
        expect(retryLines).toEqual([]);
    });

    test("POST reset answered 503 is not retried and reports outcomeUnknown", async () => {
        emu.injectFault({ method: "POST", times: Infinity, fault: { kind: "status", status: 503 } });

        const error = await failure(client().resetToken(accountId, seeded.id, null));

        expect(error.outcomeUnknown).toBe(true);
        expect(emu.requestCount({ method: "POST" })).toBe(1);
    });

    test("GET whose connection is reset is retried", async () => {
        emu.injectFault({ method: "GET", fault: { kind: "reset" } });

        const tokens = await client().listTokens(accountId);

        expect(tokens.map((t) => t.id)).toContain(seeded.id);
        expect(emu.requests.map((r) => r.status)).toEqual([0, 200]);
        expect(retryLines).toHaveLength(1);
    });

    test("POST create whose connection is reset is not retried and reports outcomeUnknown", async () => {
        emu.injectFault({ method: "POST", times: Infinity, fault: { kind: "reset" } });

        const error = await failure(client().createToken(accountId, NEVER_EXPIRES));

        expect(error.outcomeUnknown).toBe(true);
        expect(error.status).toBeUndefined();
        expect(emu.requestCount({ method: "POST" })).toBe(1);
    });

    test("POST create applied but dropped before the answer reports outcomeUnknown (the token does exist)", async () => {
        emu.injectFault({ method: "POST", fault: { kind: "apply-then-drop" } });
        const before = emu.listTokens(accountId).length;

        const error = await failure(client().createToken(accountId, NEVER_EXPIRES));

        expect(error.outcomeUnknown).toBe(true);
        expect(emu.requestCount({ method: "POST" })).toBe(1);
        expect(emu.listTokens(accountId)).toHaveLength(before + 1);
    });

    test("GET with no answer within requestTimeoutMs is retried and then succeeds", async () => {
        emu.injectFault({ method: "GET", fault: { kind: "delay", ms: 1_000 } });

        const token = await client({ requestTimeoutMs: 150 }).getToken(accountId, seeded.id);

        expect(token.id).toBe(seeded.id);
        expect(emu.requestCount({ method: "GET" })).toBe(2);
        expect(retryLines).toHaveLength(1);
        expect(retryLines[0]).toContain("no answer within 150 ms");
    });

    test("GET that never answers within requestTimeoutMs fails saying no answer within N ms", async () => {
        emu.injectFault({ method: "GET", times: Infinity, fault: { kind: "delay", ms: 1_000 } });

        const error = await failure(client({ requestTimeoutMs: 150, retry: { ...FAST, maxRetries: 1 } }).getToken(accountId, seeded.id));

        expect(error.message).toContain("no answer within 150 ms");
        expect(error.status).toBeUndefined();
        expect(error.attempts).toBe(2);
        expect(emu.requestCount({ method: "GET" })).toBe(2);
    });

    test("GET answered with malformed JSON is retried", async () => {
        emu.injectFault({ method: "GET", fault: { kind: "malformed" } });

        const token = await client().getToken(accountId, seeded.id);

        expect(token.id).toBe(seeded.id);
        expect(emu.requestCount({ method: "GET" })).toBe(2);
    });

    test("POST create answered with malformed JSON is not retried and reports outcomeUnknown", async () => {
        emu.injectFault({ method: "POST", fault: { kind: "malformed" } });

        const error = await failure(client().createToken(accountId, NEVER_EXPIRES));

        expect(error.outcomeUnknown).toBe(true);
        expect(emu.requestCount({ method: "POST" })).toBe(1);
    });

    test("POST create answered 200 without a token object reports outcomeUnknown (the create may have happened)", async () => {
        emu.injectFault({ method: "POST", fault: { kind: "status", status: 200, body: { ok: true } } });

        const error = await failure(client().createToken(accountId, NEVER_EXPIRES));

        expect(error.outcomeUnknown).toBe(true);
        expect(emu.requestCount({ method: "POST" })).toBe(1);
    });

    test("GET answered 500 every time fails after maxRetries + 1 attempts, saying how many", async () => {
        emu.injectFault({ method: "GET", times: Infinity, fault: { kind: "status", status: 500 } });

        const error = await failure(client({ retry: { ...FAST, maxRetries: 3 } }).getToken(accountId, seeded.id));

        expect(error.status).toBe(500);
        expect(error.attempts).toBe(4);
        expect(error.message).toContain("4 attempts");
        expect(emu.requestCount({ method: "GET" })).toBe(4);
        expect(retryLines).toHaveLength(3);
    });

    test.each([
        ["GET 404", (c: MailtrapClient) => c.getToken(accountId, 987654), undefined, 404],
        ["DELETE 404", (c: MailtrapClient) => c.deleteToken(accountId, 987654), undefined, 404],
        ["POST 422", (c: MailtrapClient) => c.createToken(accountId, { ...NEVER_EXPIRES, name: "" }), undefined, 422],
        ["GET 400", (c: MailtrapClient) => c.listTokens(accountId), { method: "GET", status: 400 }, 400],
        ["GET 409", (c: MailtrapClient) => c.listTokens(accountId), { method: "GET", status: 409 }, 409],
    ] as const)("%s is never retried (1 request)", async (_name, call, fault, status) => {
        if (fault) emu.injectFault({ method: fault.method, times: Infinity, fault: { kind: "status", status: fault.status } });

        const error = await failure(call(client({ retry: { ...FAST, maxRetries: 5 } })));

        expect(error.status).toBe(status);
        expect(error.attempts).toBe(1);
        expect(emu.requests).toHaveLength(1);
        expect(retryLines).toEqual([]);
    });

    test("operation budget: a permanent 503 stops before the budget is spent and says it gave up", async () => {
        // A fake clock advanced only by the client's waits: deterministic, no real timing involved.
        let clock = 1_000_000;
        const sleeps: number[] = [];
        emu.injectFault({ method: "GET", times: Infinity, fault: { kind: "status", status: 503 } });
        const retry: RetryPolicy = { maxRetries: 1_000, baseDelayMs: 40, maxDelayMs: 40, maxRetryAfterMs: 40, operationBudgetMs: 200 };

        const error = await failure(
            client({
                retry,
                now: () => clock,
                sleep: async (ms) => {
                    sleeps.push(ms);
                    clock += ms;
                },
            }).getToken(accountId, seeded.id),
        );

        expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(retry.operationBudgetMs);
        // Each wait is 20 to 40 ms (backoff with jitter), and only the waits move this clock: 5 to 10
        // of them fit in 200 ms, so 6 to 11 attempts, far below maxRetries + 1.
        expect(error.attempts).toBeGreaterThanOrEqual(6);
        expect(error.attempts).toBeLessThanOrEqual(11);
        expect(error.attempts).toBe(emu.requestCount({ method: "GET" }));
        expect(error.message).toMatch(/; gave up: the operation's time budget of 0\.2 s \(mailtrap:operationTimeoutMs\) is spent/);
        expect(error.status).toBe(503);
    });

    test("operation budget smaller than the first backoff: one attempt, and the error still says it gave up", async () => {
        let clock = 1_000_000;
        emu.injectFault({ method: "GET", times: Infinity, fault: { kind: "status", status: 503 } });
        const retry: RetryPolicy = { maxRetries: 5, baseDelayMs: 40, maxDelayMs: 40, maxRetryAfterMs: 40, operationBudgetMs: 10 };

        const error = await failure(
            client({ retry, now: () => clock, sleep: async (ms) => void (clock += ms) }).getToken(accountId, seeded.id),
        );

        expect(emu.requestCount({ method: "GET" })).toBe(1);
        expect(error.status).toBe(503);
        // A transient failure that was not retried only because of the budget must say so.
        expect(error.message).toMatch(/gave up: the operation's time budget of 0\.0 s \(mailtrap:operationTimeoutMs\) is spent/);
    });

    test("operation budget on the real clock: a permanent 503 ends by giving up, not by running out of retries", async () => {
        emu.injectFault({ method: "GET", times: Infinity, fault: { kind: "status", status: 503 } });
        const retry: RetryPolicy = { maxRetries: 100_000, baseDelayMs: 5, maxDelayMs: 10, maxRetryAfterMs: 10, operationBudgetMs: 150 };

        const error = await failure(client({ retry }).listTokens(accountId));

        expect(error.message).toMatch(/gave up: the operation's time budget of [\d.]+ s \(mailtrap:operationTimeoutMs\) is spent/);
        expect(error.attempts).toBeGreaterThan(1);
        // Every wait is at least half the base delay (2.5 ms, rounded to 3; give a timer 1 ms of
        // slack) and the waits taken fit in the 150 ms budget: at most 1 + 150 / 2 attempts.
        expect(error.attempts).toBeLessThanOrEqual(1 + retry.operationBudgetMs / 2);
        expect(error.attempts).toBe(emu.requests.length);
    });

    test("onRetry is told about each retry in one line naming the operation and the next attempt", async () => {
        emu.injectFault({ method: "GET", times: 2, fault: { kind: "status", status: 503 } });

        await client().getToken(accountId, seeded.id);

        expect(retryLines).toHaveLength(2);
        for (const [index, line] of retryLines.entries()) {
            expect(line).not.toMatch(/[\r\n]/);
            expect(line).toContain(`get API token ${seeded.id} in account ${accountId}`);
            expect(line).toContain(`attempt ${index + 2}`);
        }
    });

    test("onRetry lines never carry the credential, even when the API's error body echoes it", async () => {
        // Its own collector: this deliberately hostile answer is judged here, not by the file-wide check.
        const lines: string[] = [];
        emu.injectFault({ method: "GET", fault: { kind: "status", status: 503, body: { error: `overloaded for ${CREDENTIAL}` } } });

        await client({ onRetry: (line) => lines.push(line) }).listTokens(accountId);

        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain("overloaded for");
        expect(lines[0]).not.toContain(CREDENTIAL);
    });
});
