/**
 * What a permission applies to. The API renamed two kinds on 2026-05-15: `sandbox` was `inbox` and
 * `domain` was `sending_domain`; both spellings are accepted, sent as declared and compared as one kind.
 */
export type ResourceType = "account" | "project" | "sandbox" | "inbox" | "domain" | "sending_domain";

/** How much a permission allows: `viewer` (read) or `admin` (manage). */
export type AccessLevel = "viewer" | "admin";

export const RESOURCE_TYPES: readonly ResourceType[] = ["account", "project", "sandbox", "inbox", "domain", "sending_domain"];

/** The older name of each renamed kind, and the name it has today: one kind, two spellings. */
export const RENAMED_RESOURCE_TYPES: Readonly<Record<string, string>> = { inbox: "sandbox", sending_domain: "domain" };
export const ACCESS_LEVELS: readonly AccessLevel[] = ["viewer", "admin"];

/** One permission of an API token. */
export interface ApiTokenPermission {
    /** The kind of Mailtrap object the permission covers. */
    resourceType: ResourceType;
    /** The id of that object (the account id for `account`). */
    resourceId: number | string;
    /** `viewer` or `admin`; in an answer, the API's number for a level without a name (e.g. 50). */
    accessLevel: AccessLevel | number;
}

/** A token as the API describes it: everything but the value, which is shown only once. */
export interface ApiTokenInfo {
    /** The token's id. */
    id: number;
    /** The token's display name. */
    name: string;
    /** The last four characters of the value. */
    last4Digits: string;
    /** Who created the token. */
    createdBy: string;
    /** When the token stops working (ISO 8601), or null when it never expires. */
    expiresAt: string | null;
    /** The token's permissions. */
    resources: ApiTokenPermission[];
}

/** A token returned by create or reset: the only two answers that carry its full value. */
export interface IssuedApiToken extends ApiTokenInfo {
    /** The full token value. */
    token: string;
}

/** Why a token value was issued: the first token, or the cause of a renewal. */
export type RotationCauseName = "created" | "adopted" | "trigger" | "age" | "expiry" | "expiry-mismatch" | "reset-outside" | "recovered";

/** Every rotation cause, in the order the contract lists them. */
export const ROTATION_CAUSE_NAMES: readonly RotationCauseName[] = [
    "created",
    "adopted",
    "trigger",
    "age",
    "expiry",
    "expiry-mismatch",
    "reset-outside",
    "recovered",
];

/** How a previous token ends: "expiry" after a reset (the API expires it), "delete" after a new token took its place. */
export type PreviousTokenRetirement = "expiry" | "delete";

/** A token a renewal replaced that is still valid: how long, and how it ends. */
export interface PreviousToken {
    /** The token's id. */
    tokenId: number;
    /** The end of its grace (ISO 8601): when the API expires it, or when the provider deletes it. */
    expiresAt: string;
    /** "expiry": reset, the API expires it; "delete": a new token took its place, the provider deletes it after the grace. */
    retiredBy: PreviousTokenRetirement;
}

/** One entry of `rotationHistory`: a token the resource issued or took over; never a value. */
export interface RotationRecord {
    /** The token's id. */
    tokenId: number;
    /** The last four characters of its value. */
    last4Digits: string;
    /** When it was issued (or adopted), ISO 8601. */
    issuedAt: string;
    /** Why. */
    cause: RotationCauseName;
}

// generated:state-types (npm run gen-properties, from provider/lifecycle/properties.ts)
/**
 * The state the provider records for an `ApiToken`: every input echoed, plus what the API said.
 * Field names are the resource's output names.
 */
export interface ApiTokenState {
    /** Display name, 1 to 255 characters, not only spaces. Changing it replaces the token. */
    name: string;
    /** Mailtrap account id; defaults to `mailtrap:accountId` (or `MAILTRAP_ACCOUNT_ID`); with none anywhere, the API's routes without an account serve the token (the API token's own account). An existing resource keeps the account its state records when the configuration drops it; a different account id replaces the token. */
    accountId?: number;
    /** Permissions of the token; none when omitted. Changing them replaces the token. */
    resources: ApiTokenPermission[];
    /** When the token stops working: an ISO 8601 date-time in the future, at most 5 years ahead. Omitted means never. Changing it replaces the token. A token with an expiry cannot be reset, so a rotation issues a new token with the same expiry, in an update, and keeps the old one for the grace period. */
    expiresAt: string | null;
    /** Rolling expiry: every token the resource issues expires this many days (1 to 1,826) after it was issued, and is renewed before then, at the first `pulumi up` once it is older than `rotateAfterDays` (default: expiresInDays less a sixth of it, at least a day). Not with `expiresAt`. A change applies at the next renewal. */
    expiresInDays?: number;
    /** Rotation trigger: any change of value (set, changed or removed) rotates the token in an update. */
    rotate?: string | number;
    /** Rotate the token once its current value is older than this many days (checked at each preview and update). */
    rotateAfterDays?: number;
    /** Adopt this existing token at create (one GET) instead of creating one; read only at create. */
    adoptTokenId?: number;
    /** Id of the live token; changes on every rotation. Operations use it, never the resource id. */
    tokenId: number;
    /** The full token value (secret). Empty for an adopted or imported token until its first rotation: the API shows a value only when it issues one. */
    token: string;
    /** The last four characters of the value. */
    last4Digits: string;
    /** Who created the token. */
    createdBy: string;
    /** When the current value was created or reset (ISO 8601). */
    issuedAt: string;
    /** When the live token's value stops working, as the API last reported it; null when never. For a token reset outside Pulumi, the end of its grace period. */
    valueExpiresAt: string | null;
    /** The live token's expiry as the API reported it when the token was issued (null: never); a live expiry that moved away from it means the token was reset outside Pulumi. */
    issuedExpiresAt: string | null;
    /** The live token's permissions as the API answered when it was issued (created, reset, or first read when adopted or imported). An answer that only reorders them, respells a kind (`inbox`/`sandbox`) or types an id differently is no change; any other change (permissions edited outside Pulumi) is drift: refresh shows it and the next `pulumi up` replaces the token. */
    issuedResources: ApiTokenPermission[];
    /** True only when a refresh found the live token deleted while a previous token was still to be deleted: the next update issues a new token and deletes the previous one. */
    tokenGone?: boolean;
    /** Every token a renewal replaced that is still valid, oldest first: each stays until its grace ends, however many renewals follow; destroy deletes those still valid. */
    previousTokens: PreviousToken[];
    /** After a rotation: the replaced token, still valid during its grace period. */
    previousTokenId?: number;
    /** After a rotation: when the replaced token stops working (ISO 8601); the vendor documents 12 hours from a reset. */
    previousTokenExpiresAt?: string;
    /** How the previous token ends: "expiry" (reset: the API expires it) or "delete" (a new token took its place: deleted after its grace, or by destroy). */
    previousTokenRetiredBy?: PreviousTokenRetirement;
    /** Renewals of the value since the resource was created. */
    rotationCount: number;
    /** When the schedule renews the value (ISO 8601); null without a schedule. */
    nextRotationAt: string | null;
    /** The last 10 renewals, newest first (the first token included): id, last 4 digits, when, and why (created, adopted, trigger, age, expiry, expiry-mismatch, reset-outside or recovered); never a value. */
    rotationHistory: RotationRecord[];
    /** The shape version of the outputs in state; each release reads every earlier one. */
    stateVersion: number;
}

/** Inputs after `check`: validated, with the account resolved. */
export interface ApiTokenInputs {
    /** Display name, 1 to 255 characters, not only spaces. Changing it replaces the token. */
    name: string;
    /** Mailtrap account id; defaults to `mailtrap:accountId` (or `MAILTRAP_ACCOUNT_ID`); with none anywhere, the API's routes without an account serve the token (the API token's own account). An existing resource keeps the account its state records when the configuration drops it; a different account id replaces the token. */
    accountId?: number;
    /** Permissions of the token; none when omitted. Changing them replaces the token. */
    resources?: ApiTokenPermission[];
    /** When the token stops working: an ISO 8601 date-time in the future, at most 5 years ahead. Omitted means never. Changing it replaces the token. A token with an expiry cannot be reset, so a rotation issues a new token with the same expiry, in an update, and keeps the old one for the grace period. */
    expiresAt?: string;
    /** Rolling expiry: every token the resource issues expires this many days (1 to 1,826) after it was issued, and is renewed before then, at the first `pulumi up` once it is older than `rotateAfterDays` (default: expiresInDays less a sixth of it, at least a day). Not with `expiresAt`. A change applies at the next renewal. */
    expiresInDays?: number;
    /** Rotation trigger: any change of value (set, changed or removed) rotates the token in an update. */
    rotate?: string | number;
    /** Rotate the token once its current value is older than this many days (checked at each preview and update). */
    rotateAfterDays?: number;
    /** Adopt this existing token at create (one GET) instead of creating one; read only at create. */
    adoptTokenId?: number;
}
// end generated:state-types
