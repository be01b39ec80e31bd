import { ACCESS_LEVELS, ApiTokenInputs, ApiTokenPermission, RESOURCE_TYPES } from "../types";
import { defaultRotateAfterDays } from "./schedule";
import { addCalendarYears, isCalendarDateTime, isUnknown, permissionKey } from "./values";

export { isUnknown, UNKNOWN_VALUE } from "./values";

export const INPUT_NAMES = [
    "name",
    "accountId",
    "resources",
    "expiresAt",
    "expiresInDays",
    "rotate",
    "rotateAfterDays",
    "adoptTokenId",
] as const;
const PERMISSION_FIELDS = ["resourceType", "resourceId", "accessLevel"];
/**
 * Set by the engine or the resource class, not the user: `__provider`; `__resourceName`, the Pulumi
 * resource's name, which lines about a change must show since the CLI prints them without a URN; and
 * `__resourceKey`, what the process remembers the resource by (see ownership.ts).
 * (A plain array: module-level Sets do not survive serialization.)
 */
const RESERVED: readonly string[] = ["__provider", "__resourceName", "__resourceKey"];

export const MAX_NAME_LENGTH = 255;
export const MAX_ROTATE_AFTER_DAYS = 36_500;
/** Five years, the API's longest expiry. */
export const MAX_EXPIRES_IN_DAYS = 1_826;
export const MAX_EXPIRY_YEARS = 5;
export const MAX_PERMISSIONS = 100;

export interface CheckFailure {
    property: string;
    reason: string;
}

export interface CheckContext {
    /** The account from config, used when the resource names none. */
    defaultAccountId?: number;
    now: number;
}

/**
 * Validates an ApiToken's inputs without calling the API. Returns the inputs to record (with the
 * account resolved from config) and one failure per problem, each naming the property and what is
 * allowed. Values unknown during preview are let through; they are checked once known.
 */
export function checkApiTokenInputs(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
    context: CheckContext,
): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const inputs: Record<string, unknown> = { ...news };

    for (const key of Object.keys(news)) {
        if (!RESERVED.includes(key) && !(INPUT_NAMES as readonly string[]).includes(key)) {
            fail(key, `"${key}" is not an ApiToken input; the inputs are ${INPUT_NAMES.join(", ")}`);
        }
    }

    checkName(news.name, fail);

    if (news.accountId === undefined || news.accountId === null) {
        const accountId = undeclaredAccount(olds, context.defaultAccountId);
        if (accountId === undefined) {
            delete inputs.accountId;
        } else {
            inputs.accountId = accountId;
        }
    } else if (!isUnknown(news.accountId) && !isPositiveInteger(news.accountId)) {
        fail("accountId", `must be a positive integer (a Mailtrap account id), got ${describe(news.accountId)}`);
    }

    if (news.resources !== undefined && news.resources !== null && !isUnknown(news.resources)) {
        checkResources(news.resources, fail);
    } else if (!isUnknown(news.resources)) {
        // No permissions is an empty list, as the outputs echo it: the CLI would otherwise show "-resources"
        // in every update's diff, as though permissions were being removed.
        inputs.resources = [];
    }

    // An expiry already accepted stays valid as time passes; only a new value must lie ahead.
    if (news.expiresAt !== undefined && news.expiresAt !== null && !isUnknown(news.expiresAt) && news.expiresAt !== olds.expiresAt) {
        checkExpiresAt(news.expiresAt, context.now, fail);
    }

    const rotate = news.rotate;
    if (rotate !== undefined && rotate !== null && !isUnknown(rotate)) {
        const ok =
            (typeof rotate === "string" && rotate.length > 0 && rotate.length <= MAX_NAME_LENGTH) ||
            (typeof rotate === "number" && Number.isFinite(rotate));
        if (!ok) {
            fail(
                "rotate",
                `must be a non-empty string (at most ${MAX_NAME_LENGTH} characters) or a finite number, got ${describe(rotate)}`,
            );
        }
    }

    const days = news.rotateAfterDays;
    if (days !== undefined && days !== null && !isUnknown(days)) {
        if (typeof days !== "number" || !Number.isFinite(days) || days <= 0 || days > MAX_ROTATE_AFTER_DAYS) {
            fail("rotateAfterDays", `must be a positive number of days, at most ${MAX_ROTATE_AFTER_DAYS}, got ${describe(days)}`);
        }
    }

    const lifetime = news.expiresInDays;
    if (lifetime !== undefined && lifetime !== null && !isUnknown(lifetime)) {
        if (!isPositiveInteger(lifetime) || lifetime > MAX_EXPIRES_IN_DAYS) {
            fail("expiresInDays", `must be a whole number of days from 1 to ${MAX_EXPIRES_IN_DAYS}, got ${describe(lifetime)}`);
        } else if (news.expiresAt !== undefined && news.expiresAt !== null) {
            fail(
                "expiresInDays",
                "cannot be given together with expiresAt: use expiresAt for a fixed expiry, or expiresInDays for one that rolls with each renewal",
            );
        } else if (typeof days === "number" && Number.isFinite(days) && days >= lifetime) {
            fail(
                "rotateAfterDays",
                `must be less than expiresInDays (${lifetime}), got ${days}: a token must be renewed before it expires (leave rotateAfterDays out for the default, ${defaultRotateAfterDays(lifetime)})`,
            );
        }
    }

    const adopt = news.adoptTokenId;
    if (adopt !== undefined && adopt !== null && !isUnknown(adopt) && !isPositiveInteger(adopt)) {
        fail("adoptTokenId", `must be a positive integer (the id of an existing token), got ${describe(adopt)}`);
    }
    // Adoption is for the first create only: once the resource exists, a replacement creates anew.
    if (Object.keys(olds).length > 0 || adopt === null) {
        delete inputs.adoptTokenId;
    }

    return { inputs, failures };
}

/** Narrows checked inputs to their type; call only after `checkApiTokenInputs` reported no failure. */
export function asApiTokenInputs(inputs: Record<string, unknown>): ApiTokenInputs {
    return inputs as unknown as ApiTokenInputs;
}

function checkName(name: unknown, fail: (property: string, reason: string) => void): void {
    if (isUnknown(name)) {
        return;
    }
    if (typeof name !== "string") {
        fail("name", `is required and must be a string of 1 to ${MAX_NAME_LENGTH} characters, got ${describe(name)}`);
    } else if (name.trim() === "") {
        fail("name", "must contain a character other than spaces");
    } else if ([...name].length > MAX_NAME_LENGTH) {
        fail("name", `must be at most ${MAX_NAME_LENGTH} characters, got ${[...name].length}`);
    }
}

/**
 * The account of a resource that declares none: the config's (`mailtrap:accountId`,
 * `MAILTRAP_ACCOUNT_ID`), else the one its state records, else none, and the API's routes without an
 * account serve it (the account is the credential's own). An existing resource recorded without an
 * account keeps none when a config account appears: only a different account id replaces a token.
 */
function undeclaredAccount(olds: Record<string, unknown>, defaultAccountId: number | undefined): number | undefined {
    const existing = olds.name !== undefined;
    const recorded = typeof olds.accountId === "number" ? olds.accountId : undefined;
    if (existing && recorded === undefined) {
        return undefined;
    }
    return defaultAccountId ?? recorded;
}

function checkResources(resources: unknown, fail: (property: string, reason: string) => void): void {
    if (!Array.isArray(resources)) {
        fail("resources", `must be a list of { resourceType, resourceId, accessLevel }, got ${describe(resources)}`);
        return;
    }
    if (resources.length > MAX_PERMISSIONS) {
        fail("resources", `must hold at most ${MAX_PERMISSIONS} permissions, got ${resources.length}`);
    }
    const seen = new Map<string, number>();
    resources.forEach((item, index) => {
        const at = `resources[${index}]`;
        if (isUnknown(item)) {
            return;
        }
        if (typeof item !== "object" || item === null || Array.isArray(item)) {
            fail(at, `must be an object { resourceType, resourceId, accessLevel }, got ${describe(item)}`);
            return;
        }
        const permission = item as Record<string, unknown>;
        for (const key of Object.keys(permission)) {
            if (!PERMISSION_FIELDS.includes(key)) {
                fail(`${at}.${key}`, `is not a permission field; the fields are ${PERMISSION_FIELDS.join(", ")}`);
            }
        }
        const { resourceType, resourceId, accessLevel } = permission;
        if (!isUnknown(resourceType) && !(RESOURCE_TYPES as readonly unknown[]).includes(resourceType)) {
            fail(`${at}.resourceType`, `must be one of ${RESOURCE_TYPES.join(", ")}, got ${describe(resourceType)}`);
        }
        const idOk =
            isPositiveInteger(resourceId) ||
            (typeof resourceId === "string" && resourceId.trim() !== "" && resourceId.length <= MAX_NAME_LENGTH);
        if (!isUnknown(resourceId) && !idOk) {
            fail(`${at}.resourceId`, `must be a positive integer or a non-empty string id, got ${describe(resourceId)}`);
        }
        if (!isUnknown(accessLevel) && !(ACCESS_LEVELS as readonly unknown[]).includes(accessLevel)) {
            fail(`${at}.accessLevel`, `must be one of ${ACCESS_LEVELS.join(", ")}, got ${describe(accessLevel)}`);
        }
        if (idOk && typeof resourceType === "string") {
            const key = permissionKey(permission as unknown as ApiTokenPermission);
            const first = seen.get(key);
            if (first !== undefined) {
                fail(at, `duplicates resources[${first}] (${resourceType} ${describe(resourceId)}): each resource may appear once`);
            } else {
                seen.set(key, index);
            }
        }
    });
}

function checkExpiresAt(value: unknown, now: number, fail: (property: string, reason: string) => void): void {
    const time = typeof value === "string" && isCalendarDateTime(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(time)) {
        fail(
            "expiresAt",
            `must be an ISO 8601 date-time with a time zone (Z or ±hh:mm), such as 2027-01-31T00:00:00Z, got ${describe(value)}`,
        );
    } else if (time <= now) {
        fail("expiresAt", `must be in the future, got ${String(value)}`);
    } else if (time > addCalendarYears(now, MAX_EXPIRY_YEARS)) {
        fail(
            "expiresAt",
            `must be at most ${MAX_EXPIRY_YEARS} calendar years ahead (by ${new Date(addCalendarYears(now, MAX_EXPIRY_YEARS)).toISOString()}), got ${String(value)}`,
        );
    }
}

function isPositiveInteger(value: unknown): value is number {
    return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

/** A short, safe description of a bad value: its type, and the value itself only when short. */
function describe(value: unknown): string {
    if (value === undefined) {
        return "nothing";
    }
    if (value === null) {
        return "null";
    }
    if (typeof value === "string") {
        return value.length <= 40 ? JSON.stringify(value) : `a string of ${value.length} characters`;
    }
    if (typeof value === "number" || typeof value === "boolean") {
        return String(value);
    }
    return Array.isArray(value) ? "a list" : `a ${typeof value}`;
}
