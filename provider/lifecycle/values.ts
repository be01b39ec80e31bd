import { ApiTokenPermission, RENAMED_RESOURCE_TYPES } from "../types";

/** The engine's placeholder for a value not known yet during preview. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN_VALUE;
}

/** Identifies what a permission covers, ignoring how its kind (inbox or sandbox) and its id (123 or "123") are spelled. */
export function permissionKey(permission: Pick<ApiTokenPermission, "resourceType" | "resourceId">): string {
    return `${resourceKind(permission.resourceType)}:${String(permission.resourceId)}`;
}

/** A kind by today's name: `inbox` is `sandbox`, `sending_domain` is `domain`; any other kind as given. */
export function resourceKind(resourceType: unknown): string {
    if (typeof resourceType !== "string") {
        return String(resourceType);
    }
    return Object.prototype.hasOwnProperty.call(RENAMED_RESOURCE_TYPES, resourceType) ? RENAMED_RESOURCE_TYPES[resourceType] : resourceType;
}

/**
 * The one rule for "same permissions": a set, so order and the spelling of kinds and ids do not matter.
 * Values unknown during preview never compare equal to a known list.
 */
export function samePermissions(a: unknown, b: unknown): boolean {
    return canonicalPermissions(a) === canonicalPermissions(b);
}

/**
 * The one rule for "same instant": two spellings of one moment are the same, to the second (the API
 * may answer in whole seconds, or with a "+00:00" offset); absent and null mean never.
 */
export function sameInstant(a: unknown, b: unknown): boolean {
    const [x, y] = [instantOf(a), instantOf(b)];
    return x === null || y === null ? x === y : Math.abs(x - y) < 1_000;
}

/** The same moment `years` calendar years later, as the API counts its five-year limit (29 February rolls to 1 March). */
export function addCalendarYears(ms: number, years: number): number {
    const date = new Date(ms);
    date.setUTCFullYear(date.getUTCFullYear() + years);
    return date.getTime();
}

/** Milliseconds of an instant, or null for never (absent, null, or not a date). */
export function instantOf(value: unknown): number | null {
    const ms = typeof value === "string" ? Date.parse(value) : NaN;
    return Number.isNaN(ms) ? null : ms;
}

function canonicalPermissions(value: unknown): string {
    if (value === undefined || value === null) {
        return "[]";
    }
    if (!Array.isArray(value)) {
        return JSON.stringify(value);
    }
    return JSON.stringify(
        (value as ApiTokenPermission[]).map((p) => (isUnknown(p) ? "?" : `${permissionKey(p)}:${String(p.accessLevel)}`)).sort(),
    );
}

/** "inbox 7 viewer, project 42 admin", or "none". */
export function describePermissions(list: readonly ApiTokenPermission[]): string {
    return list.length === 0 ? "none" : list.map((p) => `${p.resourceType} ${String(p.resourceId)} ${p.accessLevel}`).join(", ");
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

/** An RFC 3339 date-time with a time zone whose fields exist on the calendar (Date.parse rolls 2030-02-30 over to March). */
export function isCalendarDateTime(value: string): boolean {
    const match = ISO_DATE_TIME.exec(value);
    if (!match) {
        return false;
    }
    const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match.slice(1).map((part) => Number(part ?? 0));
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return (
        month >= 1 &&
        month <= 12 &&
        day >= 1 &&
        day <= daysInMonth &&
        hour <= 23 &&
        minute <= 59 &&
        second <= 59 &&
        offsetHours <= 23 &&
        offsetMinutes <= 59 &&
        !Number.isNaN(Date.parse(value))
    );
}
