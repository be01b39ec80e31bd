import { DAY_MS, HOUR_MS } from "../constants";
import { RotationCauseName, RotationRecord } from "../types";
import type { Evidence, LiveToken, PreviousToken } from "./tokenState";
import { instantOf, sameInstant } from "./values";

/**
 * When a token is renewed and retired, as pure rules of time: rolling expiry (`expiresInDays`),
 * the renewal window (`rotateAfterDays`, given or defaulted), the grace a replaced token keeps,
 * the warning for a token about to expire, and the rotation evidence kept in the outputs.
 */

/** The grace the API gives an old token after a reset (the vendor documents 12 hours); a renewed token's predecessor gets the same. */
export const GRACE_MS = 12 * HOUR_MS;
/** A token expiring within this many days, with no renewal due before then, is named in every preview. */
export const EXPIRY_WARNING_DAYS = 14;
/** Renewals kept in `rotationHistory`, newest first. */
export const HISTORY_LENGTH = 10;

/** What decides a token's schedule: its inputs (as checked) or the outputs echoing them. */
export interface ScheduleInputs {
    expiresAt?: string | null;
    expiresInDays?: number;
    rotateAfterDays?: number;
}

/**
 * 90 → 75: the lifetime less a sixth of it (at least one day), so renewal comes well before expiry;
 * lifetimes under a week renew at half their length (1 → 0.5), so every allowed lifetime has a
 * positive schedule.
 */
export function defaultRotateAfterDays(expiresInDays: number): number {
    return expiresInDays < 7 ? expiresInDays / 2 : expiresInDays - Math.floor(expiresInDays / 6);
}

/** `rotateAfterDays` as given, or defaulted from `expiresInDays`; undefined without a schedule. */
export function effectiveRotateAfterDays(inputs: ScheduleInputs): number | undefined {
    if (typeof inputs.rotateAfterDays === "number" && inputs.rotateAfterDays > 0) {
        return inputs.rotateAfterDays;
    }
    return typeof inputs.expiresInDays === "number" ? defaultRotateAfterDays(inputs.expiresInDays) : undefined;
}

/** True when every token the resource issues expires: a fixed `expiresAt` or a rolling `expiresInDays`. */
export function declaresExpiry(inputs: ScheduleInputs): boolean {
    return (typeof inputs.expiresAt === "string" && inputs.expiresAt !== "") || typeof inputs.expiresInDays === "number";
}

/**
 * The expiry of a token issued now: the fixed one, `now + expiresInDays` (in whole seconds, as the API
 * may answer), or null for never. Every create and reset sends it: a request without one gets the
 * API's default of one year.
 */
export function expiryForNewToken(inputs: ScheduleInputs, now: number): string | null {
    if (typeof inputs.expiresAt === "string" && inputs.expiresAt !== "") {
        return inputs.expiresAt;
    }
    if (typeof inputs.expiresInDays !== "number") {
        return null;
    }
    return new Date(Math.floor((now + inputs.expiresInDays * DAY_MS) / 1_000) * 1_000).toISOString();
}

/**
 * How a live token's expiry differs from what the program declares, or undefined when it does not:
 * for `expiresAt`, another instant (to the second); for no declared expiry, any expiry; for
 * `expiresInDays`, none, or later than `issuedAt + expiresInDays`.
 */
export function expiryMismatch(declared: ScheduleInputs, issuedAt: number, liveExpiresAt: string | null): string | undefined {
    const live = instantOf(liveExpiresAt);
    const shown = liveExpiresAt ?? "never";
    if (typeof declared.expiresAt === "string" && declared.expiresAt !== "") {
        return sameInstant(liveExpiresAt, declared.expiresAt)
            ? undefined
            : `it expires ${shown}, not at the declared ${declared.expiresAt}`;
    }
    if (typeof declared.expiresInDays === "number") {
        const latest = issuedAt + declared.expiresInDays * DAY_MS;
        if (live === null) {
            return `it never expires, but expiresInDays is ${declared.expiresInDays}`;
        }
        return live - latest >= 1_000
            ? `it expires ${shown}, later than ${declared.expiresInDays} days after it was issued (${new Date(latest).toISOString()})`
            : undefined;
    }
    return live === null ? undefined : `it expires ${shown}, but the program declares no expiry`;
}

/** What the schedule needs to know of the live token. */
export interface ScheduledToken {
    issuedAt: number;
    /** Its expiry as the API last reported it. */
    valueExpiresAt: string | null | undefined;
    /** Its expiry as answered when it was issued; with issuedAt, the lifetime it was issued with. */
    issuedExpiresAt?: string | null;
    /** Taken over (adopted or imported): its lifetime is unknown, only its expiry. */
    adopted?: boolean;
}

/**
 * When the schedule renews the live token: `rotateAfterDays` after it was issued, or, for a rolling
 * token, as early before its expiry as the window between `rotateAfterDays` and `expiresInDays`
 * (an adopted token may expire sooner than its age suggests). A raised `expiresInDays` applies at
 * the next renewal: until then the live token keeps the schedule of the lifetime it was issued
 * with. Null without a schedule.
 */
export function nextRotationMs(inputs: ScheduleInputs, live: ScheduledToken): number | null {
    const rotateAfterDays = effectiveRotateAfterDays(inputs);
    const { issuedAt, valueExpiresAt } = live;
    if (rotateAfterDays === undefined || Number.isNaN(issuedAt)) {
        return null;
    }
    const byAge = issuedAt + rotateAfterDays * DAY_MS;
    if (typeof inputs.expiresInDays !== "number" || !valueExpiresAt) {
        return byAge;
    }
    const issuedLifetime = live.adopted ? null : lifetimeDays(issuedAt, live.issuedExpiresAt);
    if (issuedLifetime !== null && inputs.expiresInDays > issuedLifetime) {
        const given = inputs.rotateAfterDays;
        const ownSchedule =
            typeof given === "number" && given > 0 && given < issuedLifetime ? given : defaultRotateAfterDays(issuedLifetime);
        return Math.min(byAge, issuedAt + ownSchedule * DAY_MS);
    }
    return Math.min(byAge, Date.parse(valueExpiresAt) - (inputs.expiresInDays - rotateAfterDays) * DAY_MS);
}

/** The whole days between issue and the expiry answered at issue (a rolling token's lifetime), or null for none. */
function lifetimeDays(issuedAt: number, issuedExpiresAt: string | null | undefined): number | null {
    const expiry = instantOf(issuedExpiresAt);
    return expiry === null ? null : Math.round((expiry - issuedAt) / DAY_MS);
}

/** Previous tokens the provider must delete now: each a renewed token's predecessor (valid until its own expiry) whose grace has ended. */
export function retirementsDue(previous: readonly PreviousToken[], now: number): PreviousToken[] {
    return previous.filter((p) => p.retiredBy === "delete" && Date.parse(p.expiresAt) <= now);
}

/**
 * A line for every preview when the live token expires within EXPIRY_WARNING_DAYS and no renewal
 * is due before then (a fixed `expiresAt`, or a schedule that falls after the expiry).
 */
export function expiryWarning(live: LiveToken, news: ScheduleInputs, now: number, label: string): string | undefined {
    const valueExpiresAt = live.info.expiresAt;
    if (!valueExpiresAt || !declaresExpiry(news) || Number.isNaN(live.issuedAt)) {
        return undefined;
    }
    const expiresAt = Date.parse(valueExpiresAt);
    const daysLeft = (expiresAt - now) / DAY_MS;
    if (daysLeft > EXPIRY_WARNING_DAYS || daysLeft <= 0) {
        return undefined;
    }
    const renewal = typeof news.expiresAt === "string" ? null : nextRotationMs(news, scheduledToken(live));
    if (renewal !== null && renewal < expiresAt) {
        return undefined;
    }
    const advice =
        typeof news.expiresAt === "string"
            ? "a fixed expiresAt is not extended by rotation: set a later expiresAt, or use expiresInDays"
            : "no renewal is due before then: lower rotateAfterDays, or run pulumi up once it is due";
    return `${label} expires in ${daysLeft.toFixed(1)} days (${valueExpiresAt}); ${advice}`;
}

/** The evidence after a renewal: one more, the newest first, at most HISTORY_LENGTH kept. */
export function withRenewal(evidence: Evidence, record: RotationRecord): Evidence {
    return {
        rotationCount: evidence.rotationCount + 1,
        rotationHistory: [record, ...evidence.rotationHistory].slice(0, HISTORY_LENGTH),
    };
}

/** The evidence of a resource's first token. */
export function firstEvidence(record: RotationRecord): Evidence {
    return { rotationCount: 0, rotationHistory: [record] };
}

/** What the schedule reads of a live token. */
export function scheduledToken(live: LiveToken): ScheduledToken {
    return { issuedAt: live.issuedAt, valueExpiresAt: live.info.expiresAt, issuedExpiresAt: live.issuedExpiresAt, adopted: live.adopted };
}

export function recordOf(token: { id: number; last4Digits: string }, issuedAt: number, cause: RotationCauseName): RotationRecord {
    return { tokenId: token.id, last4Digits: token.last4Digits, issuedAt: new Date(issuedAt).toISOString(), cause };
}
