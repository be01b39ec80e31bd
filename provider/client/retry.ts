/**
 * When to try a request again, and after how long. Pure: the client feeds it what happened and
 * acts on the answer, so every rule here is tested without a network.
 */
export interface RetryPolicy {
    /** Retries after the first attempt. */
    maxRetries: number;
    /** First backoff; each further one doubles, up to `maxDelayMs`. */
    baseDelayMs: number;
    maxDelayMs: number;
    /** Longest `Retry-After` honoured; a longer one is cut to this. */
    maxRetryAfterMs: number;
    /** Total time one operation may take, attempts and waits included. */
    operationBudgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
    maxRetries: 6,
    baseDelayMs: 300,
    maxDelayMs: 10_000,
    maxRetryAfterMs: 60_000,
    operationBudgetMs: 120_000,
};

/** What one attempt came to. */
export type AttemptOutcome =
    | { kind: "status"; status: number; retryAfter?: string }
    /** The request never reached the server, for a reason that may pass (no route, a DNS hiccup): it cannot have taken effect. */
    | { kind: "not-sent" }
    /**
     * The request never reached the server, for a reason that trying again within seconds does not
     * change (certificate rejected, unknown host name, connection refused): nothing took effect, and
     * the setting or the network needs fixing.
     */
    | { kind: "unreachable" }
    /** Sent, but no usable answer (reset, timeout, unreadable body): it may have taken effect. */
    | { kind: "no-answer" }
    /** Answered with more than the client reads: it may have taken effect, and asking again gets the same answer. */
    | { kind: "too-large" };

/**
 * Statuses that say the server is in trouble rather than that the request is wrong. (Module-level
 * values are serialized into each resource's state: plain arrays survive that, Sets do not.)
 */
const TRANSIENT_STATUSES: readonly number[] = [408, 500, 502, 503, 504];

export function isTransientStatus(status: number): boolean {
    return TRANSIENT_STATUSES.includes(status);
}

/**
 * The wait before the next attempt, or undefined when the failure must not be retried.
 * `idempotent` is false for POST: a POST is retried only when it provably did not take effect
 * (429, or never sent), since repeating a create or a reset that did happen loses a token value.
 * `nowMs` is the wall clock, read only to turn a `Retry-After` HTTP date into a wait.
 */
export function retryDelayMs(
    policy: RetryPolicy,
    outcome: AttemptOutcome,
    failedAttempts: number,
    idempotent: boolean,
    nowMs: number,
    random: () => number = Math.random,
): number | undefined {
    if (failedAttempts > policy.maxRetries) {
        return undefined;
    }
    switch (outcome.kind) {
        case "status":
            if (outcome.status === 429) {
                const retryAfter = parseRetryAfterMs(outcome.retryAfter, nowMs);
                return retryAfter === undefined
                    ? backoffDelayMs(policy, failedAttempts, random)
                    : Math.min(retryAfter, policy.maxRetryAfterMs);
            }
            return idempotent && isTransientStatus(outcome.status) ? backoffDelayMs(policy, failedAttempts, random) : undefined;
        case "not-sent":
            return backoffDelayMs(policy, failedAttempts, random);
        case "no-answer":
            return idempotent ? backoffDelayMs(policy, failedAttempts, random) : undefined;
        case "unreachable":
        case "too-large":
            return undefined;
    }
}

/** True when a POST that came to this may have taken effect although no success was seen. */
export function mayHaveTakenEffect(outcome: AttemptOutcome): boolean {
    switch (outcome.kind) {
        case "status":
            return outcome.status >= 500;
        case "no-answer":
        case "too-large":
            return true;
        case "not-sent":
        case "unreachable":
            return false;
    }
}

/** Exponential backoff with "equal jitter": half fixed, half random, so parallel clients spread out. */
export function backoffDelayMs(policy: RetryPolicy, failedAttempts: number, random: () => number = Math.random): number {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** `Retry-After` as delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
    if (value === undefined || value.trim() === "") {
        return undefined;
    }
    const trimmed = value.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) {
        return Math.round(Number(trimmed) * 1000);
    }
    // Only the HTTP-date shape: Date.parse reads almost anything ("-1", "1 2") as some date.
    if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed)) {
        return undefined;
    }
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
