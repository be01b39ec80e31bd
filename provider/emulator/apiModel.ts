/**
 * The two expiry rules the emulated API can follow, as one decision each: what an omitted
 * `expires_at` means, which tokens a reset refuses, and when the successor expires.
 *
 * - "today" (the default), as the vendor's official clients describe the API: npm `mailtrap`
 *   4.10.0 (`dist/types/api/api-tokens.d.ts`, `dist/lib/api/resources/ApiTokens.js`) and PyPI
 *   `mailtrap` 2.11.0. An omitted `expires_at` means one year; reset takes `{ expires_at }` for
 *   the successor with the create's meaning, and refuses a token already reset or expired.
 * - "older", as the seed's reference page (`mailtrap-api-tokens.txt`) states it: only a token
 *   without an expiration can be reset, and the successor never expires.
 */
import { DAY_MS } from "../constants";
import { API_MODELS, type ApiModel, type EmulatorOptions, type EmulatorToken, type ValidationErrors } from "./types";
import { ValidExpiry, addYears, validateExpiresAt } from "./validation";

const OLDER_DEFAULT_EXPIRY_DAYS = 90;
const OLDER_RESET_REFUSED = "token has an expiration set and cannot be reset";
const ALREADY_RESET = "token has already been reset and cannot be reset again";
const ALREADY_EXPIRED = "token has expired and cannot be reset";

export interface ApiModelRules {
    readonly name: ApiModel;
    /** Whether a reset reads its JSON body (a body it cannot parse is then a 400, as for a create). */
    readonly resetReadsBody: boolean;
    /** The expiry of a create without an `expires_at` key. */
    defaultExpiresAt(nowMs: number): string | null;
    /** Why `token` cannot be reset, as the 422 body's `errors`; undefined when it can. */
    resetRefusal(token: EmulatorToken, nowMs: number): ValidationErrors | undefined;
    /** The successor's expiry, from the reset's body (`{}` when there is none). */
    successorExpiry(body: Record<string, unknown>, nowMs: number): ValidExpiry | { errors: ValidationErrors };
}

export function apiModelRules(options: Pick<EmulatorOptions, "apiModel" | "defaultExpiryDays">): ApiModelRules {
    const name = options.apiModel ?? "today";
    if (name === "older")
        return olderRules(options.defaultExpiryDays === undefined ? OLDER_DEFAULT_EXPIRY_DAYS : options.defaultExpiryDays);
    if (name === "today") return todayRules(options.defaultExpiryDays);
    throw new Error(`apiModel must be one of ${API_MODELS.join(", ")}, got ${JSON.stringify(name)}`);
}

/** An explicit `defaultExpiryDays` (a test's choice) overrides the API's one-year default. */
function todayRules(defaultExpiryDays: number | null | undefined): ApiModelRules {
    const defaultExpiresAt = (nowMs: number) =>
        defaultExpiryDays === undefined ? new Date(addYears(nowMs, 1)).toISOString() : daysAhead(nowMs, defaultExpiryDays);
    return {
        name: "today",
        resetReadsBody: true,
        defaultExpiresAt,
        resetRefusal(token, nowMs) {
            if (token.reset_to !== undefined) return { base: [ALREADY_RESET] };
            if (token.expires_at !== null && nowMs > Date.parse(token.expires_at)) return { base: [ALREADY_EXPIRED] };
            return undefined;
        },
        successorExpiry(body, nowMs) {
            return "expires_at" in body ? validateExpiresAt(body.expires_at, nowMs) : { expiresAt: defaultExpiresAt(nowMs) };
        },
    };
}

function olderRules(defaultExpiryDays: number | null): ApiModelRules {
    return {
        name: "older",
        resetReadsBody: false,
        defaultExpiresAt: (nowMs) => daysAhead(nowMs, defaultExpiryDays),
        resetRefusal: (token) => (token.expires_at === null ? undefined : { expires_at: [OLDER_RESET_REFUSED] }),
        successorExpiry: () => ({ expiresAt: null }),
    };
}

function daysAhead(nowMs: number, days: number | null): string | null {
    return days === null ? null : new Date(nowMs + days * DAY_MS).toISOString();
}
