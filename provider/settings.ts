import { RateLimit } from "./client/pacer";
import { DEFAULT_RETRY_POLICY, RetryPolicy } from "./client/retry";
import { isCalendarDateTime } from "./lifecycle/values";

/** Everything the provider reads from stack config (or the environment) at run time. */
export interface ProviderSettings {
    apiToken?: string;
    accountId?: number;
    baseUrl: string;
    requestTimeoutMs: number;
    retry: RetryPolicy;
    rateLimit: RateLimit | null;
    /** The provider's clock: tests set it through MAILTRAP_PROVIDER_NOW. */
    now: () => number;
}

export const DEFAULT_BASE_URL = "https://mailtrap.io";
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_REQUESTS_PER_10_SECONDS = 150;

/** Stack config key, its environment fallback, and what it is. Stack config wins over env. */
export const SETTINGS = {
    apiToken: { key: "mailtrap:apiToken", env: "MAILTRAP_API_TOKEN" },
    accountId: { key: "mailtrap:accountId", env: "MAILTRAP_ACCOUNT_ID" },
    baseUrl: { key: "mailtrap:baseUrl", env: "MAILTRAP_BASE_URL" },
    maxRetries: { key: "mailtrap:maxRetries", env: "MAILTRAP_MAX_RETRIES" },
    requestTimeoutMs: { key: "mailtrap:requestTimeoutMs", env: "MAILTRAP_REQUEST_TIMEOUT_MS" },
    operationTimeoutMs: { key: "mailtrap:operationTimeoutMs", env: "MAILTRAP_OPERATION_TIMEOUT_MS" },
    requestsPer10Seconds: { key: "mailtrap:requestsPer10Seconds", env: "MAILTRAP_REQUESTS_PER_10_SECONDS" },
} as const;

export type SettingName = keyof typeof SETTINGS;

/** A setting that cannot be used, named by its config key. */
export interface SettingProblem {
    key: string;
    reason: string;
}

/**
 * Reads the settings; `lookup` answers stack config by full key ("mailtrap:apiToken").
 * Problems are returned, not thrown: the caller decides when they matter.
 */
export function resolveSettings(
    lookup: (key: string) => string | undefined,
    env: Record<string, string | undefined>,
): { settings: ProviderSettings; problems: SettingProblem[] } {
    const problems: SettingProblem[] = [];
    const read = (name: SettingName): string | undefined => {
        // An empty value counts as unset, so the environment still applies.
        const present = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v.trim());
        return present(lookup(SETTINGS[name].key)) ?? present(env[SETTINGS[name].env]);
    };
    const integer = (name: SettingName, min: number, max: number): number | undefined => {
        const text = read(name);
        if (text === undefined) {
            return undefined;
        }
        const value = Number(text);
        if (!Number.isSafeInteger(value) || value < min || value > max) {
            problems.push({ key: SETTINGS[name].key, reason: `must be a whole number from ${min} to ${max}, got "${text}"` });
            return undefined;
        }
        return value;
    };

    const baseUrl = read("baseUrl") ?? DEFAULT_BASE_URL;
    const baseUrlProblem = checkBaseUrl(baseUrl);
    if (baseUrlProblem) {
        problems.push({ key: SETTINGS.baseUrl.key, reason: baseUrlProblem });
    }
    const requestsPer10Seconds = integer("requestsPer10Seconds", 0, 100_000) ?? DEFAULT_REQUESTS_PER_10_SECONDS;
    const settings: ProviderSettings = {
        apiToken: read("apiToken"),
        accountId: integer("accountId", 1, Number.MAX_SAFE_INTEGER),
        baseUrl,
        requestTimeoutMs: integer("requestTimeoutMs", 100, 600_000) ?? DEFAULT_REQUEST_TIMEOUT_MS,
        retry: {
            ...DEFAULT_RETRY_POLICY,
            maxRetries: integer("maxRetries", 0, 20) ?? DEFAULT_RETRY_POLICY.maxRetries,
            operationBudgetMs: integer("operationTimeoutMs", 1_000, 3_600_000) ?? DEFAULT_RETRY_POLICY.operationBudgetMs,
        },
        rateLimit: requestsPer10Seconds === 0 ? null : { requests: requestsPer10Seconds, windowMs: 10_000 },
        now: Date.now,
    };
    const clock = clockFrom(env.MAILTRAP_PROVIDER_NOW);
    if ("problem" in clock) {
        problems.push({ key: "MAILTRAP_PROVIDER_NOW", reason: clock.problem });
    } else {
        settings.now = clock.now;
    }
    return { settings, problems };
}

/** An http(s) URL; plain http only for loopback, so a credential never crosses a network in clear. */
export function checkBaseUrl(value: string): string | undefined {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return `must be an absolute http(s) URL such as ${DEFAULT_BASE_URL}, got "${value}"`;
    }
    if (url.protocol === "https:") {
        return undefined;
    }
    if (url.protocol === "http:" && isLoopback(url.hostname)) {
        return undefined;
    }
    return `must use https (plain http is allowed only for 127.0.0.1, ::1 or localhost), got "${value}"`;
}

function isLoopback(hostname: string): boolean {
    return hostname === "localhost" || hostname === "[::1]" || hostname === "::1" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** A date-time with a time zone, as RFC 3339 spells it. */

/**
 * The provider's wall clock: fixed at MAILTRAP_PROVIDER_NOW when that is set (a test clock, read in
 * production too, so a value that cannot be read is reported rather than quietly ignored).
 */
function clockFrom(value: string | undefined): { now: () => number } | { problem: string } {
    const text = value?.trim();
    if (!text) {
        return { now: Date.now };
    }
    const fixed = /^\d{1,15}$/.test(text) ? Number(text) : isCalendarDateTime(text) ? Date.parse(text) : NaN;
    if (Number.isNaN(fixed)) {
        return {
            problem: `must be an ISO 8601 date-time with a time zone, such as 2030-01-31T12:00:00Z, or epoch milliseconds, such as 1900000000000; got "${text}" (it fixes the provider's clock, for tests: unset it otherwise)`,
        };
    }
    return { now: () => fixed };
}
