import { DAY_MS } from "../constants";
import { declaresExpiry, GRACE_MS } from "./schedule";
import { instantOf } from "./values";

/** How far from issuedAt + 365 days a one-year default expiry may lie (leap years, the API's rounding). */
const ONE_YEAR_TOLERANCE_MS = 2 * DAY_MS;
/** A reset's previous token ends within the grace of its successor's issue; later than this it is not a reset's grace. */
const GRACE_SLACK_MS = DAY_MS;

/**
 * Version 3 records the expiry the API reported when the live token was issued (`issuedExpiresAt`),
 * so that "reset outside Pulumi" means the live expiry moved, not merely that there is one. A
 * version-2 state does not hold it, so it is derived:
 * - a token declared with an expiry (fixed or rolling): the expiry it has. Version 2 never reset
 *   such a token and could not have told an outside reset of one.
 * - a token declared without expiry that has none: none.
 * - one declared without expiry whose expiry sits about issuedAt + 365 days: a successor of a reset
 *   made by version 2, which left the expiry to the API's one-year default. It is the stack's own
 *   token, so its expiry is the one it was issued with (the next `up` renews it to the declared one).
 * - any other expiry on a token declared without one: the end of grace of a reset made outside
 *   Pulumi, which must still be told as such: none was recorded at issue.
 * A previous token "retired by expiry" whose expiry lies far beyond the grace of its successor is
 * such a one-year successor that version 2 mistook for a reset made outside and kept: it becomes a
 * previous token to delete, its grace counted from its successor's issue.
 */
export function upgradeToVersion3(state: Record<string, unknown>): Record<string, unknown> {
    const issuedAt = instantOf(state.issuedAt);
    const valueExpiresAt = instantOf(state.valueExpiresAt);
    const looksLikeOneYearDefault = (expiry: number | null) =>
        issuedAt !== null && expiry !== null && Math.abs(expiry - (issuedAt + 365 * DAY_MS)) <= ONE_YEAR_TOLERANCE_MS;
    const declared = declaresExpiry({
        expiresAt: typeof state.expiresAt === "string" ? state.expiresAt : undefined,
        expiresInDays: typeof state.expiresInDays === "number" ? state.expiresInDays : undefined,
    });
    const issuedExpiresAt = declared || looksLikeOneYearDefault(valueExpiresAt) ? (state.valueExpiresAt ?? null) : null;

    const previousExpiresAt = instantOf(state.previousTokenExpiresAt);
    const leakedPrevious =
        state.previousTokenRetiredBy === "expiry" &&
        issuedAt !== null &&
        previousExpiresAt !== null &&
        previousExpiresAt > issuedAt + GRACE_MS + GRACE_SLACK_MS;
    return {
        ...state,
        issuedExpiresAt,
        ...(leakedPrevious
            ? { previousTokenRetiredBy: "delete", previousTokenExpiresAt: new Date(issuedAt + GRACE_MS).toISOString() }
            : {}),
        stateVersion: 3,
    };
}
