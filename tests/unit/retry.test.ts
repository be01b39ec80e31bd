import {
    AttemptOutcome,
    DEFAULT_RETRY_POLICY,
    RetryPolicy,
    backoffDelayMs,
    isTransientStatus,
    mayHaveTakenEffect,
    parseRetryAfterMs,
    retryDelayMs,
} from "../../provider/client/retry";

const POLICY: RetryPolicy = {
    maxRetries: 3,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    maxRetryAfterMs: 5_000,
    operationBudgetMs: 60_000,
};
const NOW = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
/** Jitter at its top: the delay is the full ceiling. */
const TOP = () => 1;
/** Jitter at its bottom: the delay is half the ceiling. */
const BOTTOM = () => 0;

const IDEMPOTENT = true;
const POST = false;

const status = (code: number, retryAfter?: string): AttemptOutcome => ({ kind: "status", status: code, retryAfter });
const delay = (outcome: AttemptOutcome, idempotent: boolean, failedAttempts = 1, random = TOP) =>
    retryDelayMs(POLICY, outcome, failedAttempts, idempotent, NOW, random);

describe("retryDelayMs", () => {
    describe("429 Too Many Requests", () => {
        it("waits the Retry-After seconds", () => {
            expect(delay(status(429, "2"), IDEMPOTENT)).toBe(2_000);
        });

        it("waits until a Retry-After HTTP date", () => {
            expect(delay(status(429, "Wed, 21 Oct 2015 07:28:03 GMT"), IDEMPOTENT)).toBe(3_000);
        });

        it("retries at once for a Retry-After date already past", () => {
            expect(delay(status(429, "Wed, 21 Oct 2015 07:27:00 GMT"), IDEMPOTENT)).toBe(0);
        });

        it("cuts a long Retry-After in seconds to maxRetryAfterMs", () => {
            expect(delay(status(429, "3600"), IDEMPOTENT)).toBe(POLICY.maxRetryAfterMs);
        });

        it("cuts a far Retry-After date to maxRetryAfterMs", () => {
            expect(delay(status(429, "Thu, 22 Oct 2015 07:28:00 GMT"), IDEMPOTENT)).toBe(POLICY.maxRetryAfterMs);
        });

        it("falls back to backoff when Retry-After is absent", () => {
            expect(delay(status(429), IDEMPOTENT, 2, TOP)).toBe(backoffDelayMs(POLICY, 2, TOP));
        });

        test.each([[""], ["   "], ["soon"], ["12abc"]])("falls back to backoff when Retry-After is unreadable (%p)", (retryAfter) => {
            expect(delay(status(429, retryAfter), IDEMPOTENT, 2, TOP)).toBe(backoffDelayMs(POLICY, 2, TOP));
        });

        // Date.parse reads "-1" as a date in 2001: a bad header must not mean "retry at once".
        it("falls back to backoff when Retry-After is a negative number", () => {
            expect(delay(status(429, "-1"), IDEMPOTENT, 2, TOP)).toBe(backoffDelayMs(POLICY, 2, TOP));
        });

        it("is retried for a POST, which a 429 proves did not take effect", () => {
            expect(delay(status(429, "1"), POST)).toBe(1_000);
        });

        it("is retried for a POST without Retry-After, using backoff", () => {
            expect(delay(status(429), POST, 1, TOP)).toBe(backoffDelayMs(POLICY, 1, TOP));
        });
    });

    describe("transient server statuses", () => {
        test.each([408, 500, 502, 503, 504])("retries %i for an idempotent request (GET, DELETE) with backoff", (code) => {
            expect(delay(status(code), IDEMPOTENT, 1, TOP)).toBe(backoffDelayMs(POLICY, 1, TOP));
        });

        test.each([408, 500, 502, 503, 504])("does not retry %i for a POST, which may have taken effect", (code) => {
            expect(delay(status(code), POST)).toBeUndefined();
        });

        it("ignores Retry-After on a transient status, using backoff", () => {
            expect(delay(status(503, "30"), IDEMPOTENT, 1, TOP)).toBe(backoffDelayMs(POLICY, 1, TOP));
        });

        test.each([408, 500, 502, 503, 504])("counts %i as transient", (code) => {
            expect(isTransientStatus(code)).toBe(true);
        });
    });

    describe("other statuses", () => {
        test.each([400, 401, 403, 404, 405, 409, 410, 422])("never retries %i for an idempotent request", (code) => {
            expect(delay(status(code), IDEMPOTENT)).toBeUndefined();
        });

        test.each([400, 401, 403, 404, 409, 422])("never retries %i for a POST", (code) => {
            expect(delay(status(code), POST)).toBeUndefined();
        });

        test.each([400, 401, 403, 404, 422, 429])("does not count %i as transient", (code) => {
            expect(isTransientStatus(code)).toBe(false);
        });
    });

    describe("a request that was never sent", () => {
        it("is retried for a POST, since it cannot have taken effect", () => {
            expect(delay({ kind: "not-sent" }, POST, 1, TOP)).toBe(backoffDelayMs(POLICY, 1, TOP));
        });

        it("is retried for an idempotent request", () => {
            expect(delay({ kind: "not-sent" }, IDEMPOTENT, 1, TOP)).toBe(backoffDelayMs(POLICY, 1, TOP));
        });
    });

    describe("a request that cannot reach the server (certificate, unknown host, refused)", () => {
        it("is not retried for an idempotent request: trying again within seconds fails the same way", () => {
            expect(delay({ kind: "unreachable" }, IDEMPOTENT)).toBeUndefined();
        });

        it("is not retried for a POST", () => {
            expect(delay({ kind: "unreachable" }, POST)).toBeUndefined();
        });
    });

    describe("an answer larger than the client reads", () => {
        it("is not retried for an idempotent request: it would be as large again", () => {
            expect(delay({ kind: "too-large" }, IDEMPOTENT)).toBeUndefined();
        });

        it("is not retried for a POST, which was carried out", () => {
            expect(delay({ kind: "too-large" }, POST)).toBeUndefined();
        });
    });

    describe("a request sent without a usable answer", () => {
        it("is retried for an idempotent request", () => {
            expect(delay({ kind: "no-answer" }, IDEMPOTENT, 1, TOP)).toBe(backoffDelayMs(POLICY, 1, TOP));
        });

        it("is not retried for a POST, which may have taken effect", () => {
            expect(delay({ kind: "no-answer" }, POST)).toBeUndefined();
        });
    });

    describe("the retry limit", () => {
        const retried: Array<[string, AttemptOutcome, boolean]> = [
            ["429 with Retry-After", status(429, "1"), POST],
            ["429 without Retry-After", status(429), POST],
            ["503", status(503), IDEMPOTENT],
            ["not sent", { kind: "not-sent" }, POST],
            ["no answer", { kind: "no-answer" }, IDEMPOTENT],
        ];

        test.each(retried)("still retries %s after maxRetries failed attempts", (_label, outcome, idempotent) => {
            expect(delay(outcome, idempotent, POLICY.maxRetries)).toBeDefined();
        });

        test.each(retried)("stops retrying %s once maxRetries retries have failed too", (_label, outcome, idempotent) => {
            expect(delay(outcome, idempotent, POLICY.maxRetries + 1)).toBeUndefined();
        });

        it("with maxRetries 0 never retries", () => {
            const none = { ...POLICY, maxRetries: 0 };
            expect(retryDelayMs(none, status(503), 1, IDEMPOTENT, NOW, TOP)).toBeUndefined();
        });

        it("allows maxRetries + 1 attempts in all", () => {
            let attempts = 1;
            while (retryDelayMs(POLICY, status(503), attempts, IDEMPOTENT, NOW, TOP) !== undefined) {
                attempts++;
            }
            expect(attempts).toBe(POLICY.maxRetries + 1);
        });
    });
});

describe("mayHaveTakenEffect", () => {
    test.each<[string, AttemptOutcome, boolean]>([
        ["a 500", status(500), true],
        ["a 503", status(503), true],
        ["a 429", status(429), false],
        ["a 422", status(422), false],
        ["a 404", status(404), false],
        ["no answer", { kind: "no-answer" }, true],
        ["an answer too large to read", { kind: "too-large" }, true],
        ["a request never sent", { kind: "not-sent" }, false],
        ["a server that cannot be reached", { kind: "unreachable" }, false],
    ])("%s: %p", (_label, outcome, expected) => {
        expect(mayHaveTakenEffect(outcome)).toBe(expected);
    });
});

describe("backoffDelayMs", () => {
    it("starts at baseDelayMs", () => {
        expect(backoffDelayMs(POLICY, 1, TOP)).toBe(100);
    });

    it("doubles with each failed attempt", () => {
        expect([1, 2, 3, 4].map((n) => backoffDelayMs(POLICY, n, TOP))).toEqual([100, 200, 400, 800]);
    });

    it("is capped at maxDelayMs", () => {
        expect([5, 6, 10, 50].map((n) => backoffDelayMs(POLICY, n, TOP))).toEqual([1_000, 1_000, 1_000, 1_000]);
    });

    it("is half the ceiling at the bottom of the jitter", () => {
        expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(POLICY, n, BOTTOM))).toEqual([50, 100, 200, 400, 500]);
    });

    test.each([0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999999])("keeps jitter %p within [ceiling/2, ceiling]", (r) => {
        for (const [attempt, ceiling] of [
            [1, 100],
            [3, 400],
            [8, 1_000],
        ]) {
            const value = backoffDelayMs(POLICY, attempt, () => r);
            expect(value).toBeGreaterThanOrEqual(ceiling / 2);
            expect(value).toBeLessThanOrEqual(ceiling);
        }
    });

    it("moves with the random draw", () => {
        expect(backoffDelayMs(POLICY, 3, () => 0.5)).toBe(300);
    });

    it("uses the same ceiling for no failed attempt as for the first", () => {
        expect(backoffDelayMs(POLICY, 0, TOP)).toBe(backoffDelayMs(POLICY, 1, TOP));
    });

    it("stays within the default policy's ceiling when Math.random is used", () => {
        for (let i = 0; i < 50; i++) {
            const value = backoffDelayMs(DEFAULT_RETRY_POLICY, 20);
            expect(value).toBeGreaterThanOrEqual(DEFAULT_RETRY_POLICY.maxDelayMs / 2);
            expect(value).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxDelayMs);
        }
    });
});

describe("parseRetryAfterMs", () => {
    it("reads delay-seconds", () => {
        expect(parseRetryAfterMs("5", NOW)).toBe(5_000);
    });

    it("reads delay-seconds with surrounding spaces", () => {
        expect(parseRetryAfterMs(" 5 ", NOW)).toBe(5_000);
    });

    it("reads zero seconds", () => {
        expect(parseRetryAfterMs("0", NOW)).toBe(0);
    });

    it("reads an HTTP date relative to now", () => {
        expect(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:10 GMT", NOW)).toBe(10_000);
    });

    it("never returns a negative wait for a past date", () => {
        expect(parseRetryAfterMs("Wed, 21 Oct 2015 07:00:00 GMT", NOW)).toBe(0);
    });

    test.each([[undefined], [""], ["  "], ["later"]])("is undefined for %p", (value) => {
        expect(parseRetryAfterMs(value, NOW)).toBeUndefined();
    });
});
