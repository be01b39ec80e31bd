/**
 * The emulator's public shapes and constants: what a token, a permission, a logged request,
 * an injected fault and the options look like, and the error the out-of-band helpers throw.
 */

export type AccessLevel = 10 | 100;

/**
 * The kinds a permission may name, in both spellings: the vendor's description (2026) says
 * `sandbox` and `domain` where the npm client's types still say `inbox` and `sending_domain`.
 */
export type EmulatorResourceType = "account" | "project" | "inbox" | "sending_domain" | "sandbox" | "domain";

export const EMULATOR_RESOURCE_TYPES: readonly EmulatorResourceType[] = [
    "account",
    "project",
    "inbox",
    "sending_domain",
    "sandbox",
    "domain",
];

/**
 * How answers spell the kinds: "as-sent" as the token's permissions were given; "renamed" as the
 * vendor's description does (`sandbox`, `domain`); "older" as the npm client's types do
 * (`inbox`, `sending_domain`). An answer may use either, whatever the request said.
 */
export type ResourceTypeNames = "as-sent" | "renamed" | "older";

export const RESOURCE_TYPE_NAMES: readonly ResourceTypeNames[] = ["as-sent", "renamed", "older"];

/** How answers show a token's permissions. */
export interface PermissionAnswers {
    /** Default "as-sent". */
    resourceTypeNames?: ResourceTypeNames;
    /**
     * Default false. True answers them as an API that normalises would: in another order (reversed)
     * and with every `resource_id` as a string.
     */
    normalisePermissions?: boolean;
}

export interface EmulatorPermission {
    resource_type: EmulatorResourceType;
    resource_id: number | string;
    access_level: AccessLevel;
}

export interface EmulatorToken {
    id: number;
    account_id: number;
    name: string;
    last_4_digits: string;
    created_by: string;
    expires_at: string | null;
    resources: EmulatorPermission[];
    /** The full value. */
    token: string;
    created_at: string;
    /** Id of the successor after a reset. */
    reset_to?: number;
}

export interface RequestLogEntry {
    method: string;
    path: string;
    /** 0 when the socket was destroyed without an answer. */
    status: number;
    /** Emulator clock, ms. */
    at: number;
    authenticated: boolean;
    /** Parsed JSON request body (never headers). */
    body?: unknown;
}

export type Fault =
    /** Answer with this instead of the real handler; the change is not applied. */
    | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
    /** Destroy the socket without answering; the change is not applied. */
    | { kind: "reset" }
    /** Apply the change normally, then answer after `ms` of real time. */
    | { kind: "delay"; ms: number }
    /** Apply the change, then answer 200 with a body that is not valid JSON. */
    | { kind: "malformed" }
    /** Apply the change, then destroy the socket without answering. */
    | { kind: "apply-then-drop" }
    /** Apply the change, then answer this status with a JSON error body. */
    | { kind: "apply-then-status"; status: number };

export interface FaultRule {
    method?: string;
    /** A string matches as a substring of the path. */
    path?: RegExp | string;
    /** Default 1; Infinity allowed. */
    times?: number;
    fault: Fault;
}

export interface RateLimit {
    requests: number;
    windowMs: number;
}

/**
 * Which expiry rules the emulated API follows. "today": as the vendor's official clients describe
 * it (npm `mailtrap` 4.10.0, PyPI `mailtrap` 2.11.0); "older": as the seed's reference page did.
 */
export type ApiModel = "today" | "older";

export const API_MODELS: readonly ApiModel[] = ["today", "older"];

export interface EmulatorOptions extends PermissionAnswers {
    /** Default 3229: the seeded account. */
    accountId?: number;
    /** Default: a random 32-hex value. The seeded admin credential. */
    credential?: string;
    /** Default 150 requests per 10 s per credential; null disables. */
    rateLimit?: RateLimit | null;
    /** Default 12: after a reset the old token expires this many hours later. */
    graceHours?: number;
    /**
     * Default "today": an omitted `expires_at` means one year, reset takes `{ expires_at }` for the
     * successor and refuses only a token already reset or expired. "older": reset refuses any
     * token with an expiry and its successor never expires.
     */
    apiModel?: ApiModel;
    /**
     * A create (or, under "today", a reset) without an `expires_at` key gets this expiry; an
     * explicit null means never expires. null here disables the default. Unset: one calendar
     * year under "today", 90 days under "older".
     */
    defaultExpiryDays?: number | null;
    /** Clock source; default Date.now. */
    now?: () => number;
}

export interface CreateTokenInput {
    name: string;
    resources?: EmulatorPermission[];
    expires_at?: string | null;
}

export type TokenPatch = Partial<Pick<EmulatorToken, "name" | "resources" | "expires_at">>;

/** Field name → messages, as the API's 422 body carries them. */
export type ValidationErrors = Record<string, string[]>;

export const DEFAULT_ACCOUNT_ID = 3229;
export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 150, windowMs: 10_000 };
export const MAX_BODY_BYTES = 1024 * 1024;

/** Thrown by the out-of-band helpers when the same change through the API would be refused. */
export class EmulatorError extends Error {
    constructor(
        message: string,
        readonly status: number,
        readonly errors?: ValidationErrors,
    ) {
        super(message);
        this.name = "EmulatorError";
    }
}
