/**
 * What a permission applies to. The API renamed two kinds on 2026-05-15: `sandbox` was `inbox` and
 * `domain` was `sending_domain`; both spellings are accepted, sent as declared and compared as one kind.
 */
export type ResourceType = "account" | "project" | "sandbox" | "inbox" | "domain" | "sending_domain";

/** How much a permission allows: `viewer` (read) or `admin` (manage). */
export type AccessLevel = "viewer" | "admin";

/** The type token of the dynamic `ApiToken` (a `pulumi.dynamic.Resource`, module `mailtrap`, type `ApiToken`) in state. */
export const DYNAMIC_API_TOKEN_TYPE = "pulumi-nodejs:dynamic/mailtrap:ApiToken";
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

/**
 * The state the provider records for an `ApiToken`: every input echoed, plus what the API said.
 * Field names are the resource's output names.
 */
export interface ApiTokenState {
    name: string;
    /** The account of the token's routes; absent when the routes without an account serve it (the credential's own account). */
    accountId?: number;
    resources: ApiTokenPermission[];
    expiresAt: string | null;
    rotate?: string | number;
    rotateAfterDays?: number;
    expiresInDays?: number;
    adoptTokenId?: number;
    tokenId: number;
    token: string;
    last4Digits: string;
    createdBy: string;
    issuedAt: string;
    /** When the live token's value stops working, as the API last reported it. */
    valueExpiresAt: string | null;
    /**
     * The live token's expiry as the API reported it when the token was issued (created, reset or
     * adopted). A live expiry that moved away from it means the token was reset outside Pulumi.
     */
    issuedExpiresAt: string | null;
    /**
     * The live token's permissions as the API answered when the token was issued (created, reset, or
     * first read when adopted or imported). Drift of permissions is a change from these, not from the request.
     */
    issuedResources: ApiTokenPermission[];
    /** Present (true) only when a refresh found the live token deleted while a previous token was still to be deleted. */
    tokenGone?: boolean;
    /**
     * Every token a renewal replaced that is still valid, oldest first: each stays in the state until
     * its grace ends (however many renewals follow), and destroy deletes those still valid.
     */
    previousTokens: PreviousToken[];
    /** The newest of `previousTokens`: the token the last renewal replaced. */
    previousTokenId?: number;
    previousTokenExpiresAt?: string;
    /** How the newest previous token ends (see PreviousToken). */
    previousTokenRetiredBy?: PreviousTokenRetirement;
    /** Renewals of the value since the resource was created. */
    rotationCount: number;
    /** When the schedule renews the value (ISO 8601), or null without a schedule. */
    nextRotationAt: string | null;
    /** The last renewals, newest first (the first token included). */
    rotationHistory: RotationRecord[];
    /** The shape version of these outputs (see lifecycle/stateVersion.ts). */
    stateVersion: number;
}

/** Inputs after `check`: validated, with the account resolved. */
export interface ApiTokenInputs {
    name: string;
    /** Absent: the API's routes without an account (the credential's own account). */
    accountId?: number;
    resources?: ApiTokenPermission[];
    expiresAt?: string;
    rotate?: string | number;
    rotateAfterDays?: number;
    expiresInDays?: number;
    adoptTokenId?: number;
    /** The Pulumi resource's name, given by the resource class; lines about a change name it. */
    __resourceName?: string;
    /**
     * Unique per resource of a stack (its URN, or its parent's URN with its name): what this process
     * remembers a resource by. Resources named alike under different parents stay apart.
     */
    __resourceKey?: string;
}
