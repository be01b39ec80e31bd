import { RotationCauseName } from "../types";
import { DAY_MS } from "../constants";
import { effectiveRotateAfterDays, expiryMismatch, nextRotationMs, ScheduleInputs, scheduledToken } from "./schedule";
import { TokenParts } from "./tokenState";
import { isUnknown, sameInstant } from "./values";

/** Why the live token's value must be renewed, if it must. The first that holds wins, in this order. */
export type RotationCause =
    /** A refresh found the live token deleted outside Pulumi while a previous token was still to be deleted. */
    | { kind: "gone" }
    /** The live expiry moved away from the one the token was issued with: someone reset it. */
    | { kind: "reset-outside"; valueExpiresAt: string }
    /** The live token expired before any `pulumi up` renewed it. */
    | { kind: "expiry"; expiredAt: string }
    /** Created without a value the provider could read (a create that did not finish). */
    | { kind: "no-value" }
    | { kind: "trigger" }
    /** The live token's expiry is not the one the program declares. */
    | { kind: "expiry-mismatch"; reason: string }
    /** `daysLeft`: for a token with an expiry, how long the live value still works. */
    | { kind: "age"; ageDays: number; rotateAfterDays: number; daysLeft?: number };

/** The cause a rotation record names. */
export const CAUSE_NAMES: Record<RotationCause["kind"], RotationCauseName> = {
    gone: "recovered",
    "reset-outside": "reset-outside",
    expiry: "expiry",
    "no-value": "recovered",
    trigger: "trigger",
    "expiry-mismatch": "expiry-mismatch",
    age: "age",
};

/** Why the value must be renewed now, if it must: the one rule diff and update share. */
export function rotationCause(parts: TokenParts, news: Record<string, unknown>, now: number): RotationCause | undefined {
    const { live, echoed } = parts;
    const valueExpiresAt = live.info.expiresAt;
    if (live.gone) {
        return { kind: "gone" };
    }
    // Before anything else: a token reset outside Pulumi cannot be reset again, whatever asks for a rotation.
    if (valueExpiresAt && !sameInstant(valueExpiresAt, live.issuedExpiresAt)) {
        return { kind: "reset-outside", valueExpiresAt };
    }
    if (valueExpiresAt && Date.parse(valueExpiresAt) <= now) {
        return { kind: "expiry", expiredAt: valueExpiresAt };
    }
    // An adopted (or imported) token has no value by design, until its first rotation is asked for.
    if (live.value === "" && !live.adopted && live.info.id !== undefined) {
        return { kind: "no-value" };
    }
    if (!sameTrigger(echoed.rotate, news.rotate)) {
        return { kind: "trigger" };
    }
    const schedule = scheduleOf(news);
    const mismatch =
        Number.isNaN(live.issuedAt) || isUnknown(news.expiresAt) ? undefined : expiryMismatch(schedule, live.issuedAt, valueExpiresAt);
    if (mismatch) {
        return { kind: "expiry-mismatch", reason: mismatch };
    }
    const rotateAfterDays = effectiveRotateAfterDays(schedule);
    const due = nextRotationMs(schedule, scheduledToken(live));
    if (rotateAfterDays !== undefined && due !== null && now > due) {
        const daysLeft = valueExpiresAt ? (Date.parse(valueExpiresAt) - now) / DAY_MS : undefined;
        return { kind: "age", ageDays: (now - live.issuedAt) / DAY_MS, rotateAfterDays, daysLeft };
    }
    return undefined;
}

/** The reason line's text for a cause. */
export function describeCause(cause: RotationCause, news: Record<string, unknown> = {}): string {
    const rolling = typeof news.expiresInDays === "number" ? ` with a new ${news.expiresInDays}-day token` : "";
    switch (cause.kind) {
        case "gone":
            return "its live token was deleted outside Pulumi: a new token is issued, and each previous token the stack holds stays until its grace ends";
        case "reset-outside":
            return `it was reset outside Pulumi (its expiry moved to ${cause.valueExpiresAt}); a new token is issued in its place, and whatever the outside reset made is left alone`;
        case "expiry":
            return `it expired at ${cause.expiredAt} before any pulumi up renewed it: a new token is issued${rolling}`;
        case "no-value":
            return "its create did not finish and the stack holds no value for it";
        case "trigger":
            return `its rotate trigger changed${rolling ? `: renewed${rolling}` : ""}`;
        case "expiry-mismatch":
            return `${cause.reason}: renewed with the declared expiry`;
        case "age":
            return rolling && cause.daysLeft !== undefined
                ? `it is ${cause.ageDays.toFixed(1)} days old, expires in ${cause.daysLeft.toFixed(1)} days: renewed${rolling}`
                : `its value is ${cause.ageDays.toFixed(1)} days old and rotateAfterDays is ${cause.rotateAfterDays}${rolling ? `: renewed${rolling}` : ""}`;
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
