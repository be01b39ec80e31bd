import { ApiTokenState } from "../types";
import { DAY_MS, declaresExpiry, effectiveRotateAfterDays, expiryWarning, nextRotationMs, retirementDue, ScheduleInputs } from "./schedule";
import { describeResource } from "./tokenState";
import { isUnknown, sameInstant, samePermissions } from "./values";

/** Inputs whose change needs a new token: the API cannot change them on an existing one. */
export const REPLACE_INPUTS = ["name", "accountId", "resources", "expiresAt"] as const;

/** Why the live token's value must be renewed, if it must. */
export type RotationCause =
    | { kind: "trigger" }
    /** `daysLeft`: for a token with an expiry, how long the live value still works. */
    | { kind: "age"; ageDays: number; rotateAfterDays: number; daysLeft?: number }
    /** The live token expired before any `pulumi up` renewed it. */
    | { kind: "expiry"; expiredAt: string }
    | { kind: "reset-outside"; valueExpiresAt: string }
    /** Created without a value the provider could read (a create that did not finish). */
    | { kind: "no-value" };

export interface ApiTokenDiff {
    changes: boolean;
    replaces: string[];
    rotation?: RotationCause;
    /** The previous token's grace has ended and it is deleted in this update. */
    retiresPrevious: boolean;
    /** Lines for the user explaining a change the engine's own diff cannot show, and warnings. */
    notices: string[];
}

/**
 * Decides what an update means, from the old outputs and the new (checked) inputs, without calling
 * the API: a replace when a replace input changed; an update when the value must be renewed (the
 * trigger changed, the schedule is due, the token expired or was reset outside Pulumi) or a
 * renewed token's predecessor is due for retirement; else no change. A renewal of a token with an
 * expiry issues a new token in an update (the API cannot reset it); a replace plus a renewal is one
 * replacement.
 */
export function diffApiToken(olds: Partial<ApiTokenState>, news: Record<string, unknown>, now: number): ApiTokenDiff {
    const replaces = REPLACE_INPUTS.filter((key) => changed(key, olds[key], news[key]));
    const rotation = rotationCause(olds, news, now);
    const label = `mailtrap: ${describeResource(typeof news.__resourceName === "string" ? news.__resourceName : undefined, olds.name, olds.tokenId)}`;
    const notices: string[] = [];
    const warning = expiryWarning(olds, scheduleOf(news), now, `${label}: warning: it`);
    if (warning) {
        notices.push(warning);
    }
    if (replaces.length > 0) {
        if (rotation) {
            notices.push(
                `${label} will be replaced (${replaces.join(", ")} changed); the replacement also renews its value (${describeCause(rotation, news)})`,
            );
        }
        return { changes: true, replaces, rotation, retiresPrevious: false, notices };
    }
    if (typeof news.expiresInDays === "number" && typeof olds.expiresInDays === "number" && news.expiresInDays !== olds.expiresInDays) {
        notices.push(
            `${label}: expiresInDays changed from ${olds.expiresInDays} to ${news.expiresInDays}; the new lifetime applies at the next renewal`,
        );
    }
    const retiresPrevious = retirementDue(olds, now);
    if (retiresPrevious) {
        notices.push(`${label} retires previous token ${String(olds.previousTokenId)}, grace ended`);
    }
    if (rotation) {
        notices.push(`${label} will rotate: ${describeCause(rotation, news)}`);
    }
    return { changes: rotation !== undefined || retiresPrevious, replaces: [], rotation, retiresPrevious, notices };
}

/** Why the value must be renewed now, if it must; the same rule serves diff and update. */
export function rotationCause(olds: Partial<ApiTokenState>, news: Record<string, unknown>, now: number): RotationCause | undefined {
    // First: a token reset outside Pulumi cannot be reset again, whatever else asks for a rotation.
    if (olds.valueExpiresAt && !declaresExpiry(olds)) {
        return { kind: "reset-outside", valueExpiresAt: olds.valueExpiresAt };
    }
    if (olds.valueExpiresAt && Date.parse(olds.valueExpiresAt) <= now) {
        return { kind: "expiry", expiredAt: olds.valueExpiresAt };
    }
    // An adopted (or imported) token has no value by design, until its first rotation is asked for.
    const adopted =
        olds.adoptTokenId !== undefined || (olds.rotationHistory ?? []).some((r) => r.cause === "adopted" && r.tokenId === olds.tokenId);
    if (olds.token === "" && !adopted && olds.tokenId !== undefined) {
        return { kind: "no-value" };
    }
    if (!sameTrigger(olds.rotate, news.rotate)) {
        return { kind: "trigger" };
    }
    const schedule = scheduleOf(news);
    const rotateAfterDays = effectiveRotateAfterDays(schedule);
    const issuedAt = olds.issuedAt ? Date.parse(olds.issuedAt) : NaN;
    const due = nextRotationMs(schedule, issuedAt, olds.valueExpiresAt);
    if (rotateAfterDays !== undefined && due !== null && now > due) {
        const daysLeft = olds.valueExpiresAt ? (Date.parse(olds.valueExpiresAt) - now) / DAY_MS : undefined;
        return { kind: "age", ageDays: (now - issuedAt) / DAY_MS, rotateAfterDays, daysLeft };
    }
    return undefined;
}

export function describeCause(cause: RotationCause, news: Record<string, unknown> = {}): string {
    const rolling = typeof news.expiresInDays === "number" ? ` with a new ${news.expiresInDays}-day token` : "";
    switch (cause.kind) {
        case "trigger":
            return `its rotate trigger changed${rolling ? `: renewed${rolling}` : ""}`;
        case "age":
            return rolling && cause.daysLeft !== undefined
                ? `it is ${cause.ageDays.toFixed(1)} days old, expires in ${cause.daysLeft.toFixed(1)} days: renewed${rolling}`
                : `its value is ${cause.ageDays.toFixed(1)} days old and rotateAfterDays is ${cause.rotateAfterDays}${rolling ? `: renewed${rolling}` : ""}`;
        case "expiry":
            return `it expired at ${cause.expiredAt} before any pulumi up renewed it: a new token is issued${rolling}`;
        case "reset-outside":
            return `it was reset outside Pulumi and its stored value stops working at ${cause.valueExpiresAt}; a new token is issued in its place, and whatever the outside reset made is left alone`;
        case "no-value":
            return "its create did not finish and the stack holds no value for it";
    }
}

/** The schedule the new inputs declare. */
export function scheduleOf(news: Record<string, unknown>): ScheduleInputs {
    return {
        expiresAt: typeof news.expiresAt === "string" ? news.expiresAt : undefined,
        expiresInDays: typeof news.expiresInDays === "number" ? news.expiresInDays : undefined,
        rotateAfterDays: typeof news.rotateAfterDays === "number" ? news.rotateAfterDays : undefined,
    };
}

function changed(key: (typeof REPLACE_INPUTS)[number], old: unknown, value: unknown): boolean {
    if (isUnknown(value)) {
        return true;
    }
    switch (key) {
        case "resources":
            return !samePermissions(old, value);
        case "expiresAt":
            return !sameInstant(old, value);
        default:
            return old !== value;
    }
}

function sameTrigger(old: unknown, value: unknown): boolean {
    if (isUnknown(value)) {
        return false;
    }
    const absent = (v: unknown) => v === undefined || v === null;
    if (absent(old) || absent(value)) {
        return absent(old) && absent(value);
    }
    return String(old) === String(value);
}
