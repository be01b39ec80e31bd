import { ApiTokenInfo, IssuedApiToken } from "../types";
import { RotationCause } from "./renewalCause";
import { GRACE_MS } from "./schedule";
import { LiveToken } from "./tokenState";
import { instantOf, sameInstant } from "./values";

/**
 * Every way a renewal can go, in one table: the situation the update is in (the cause, then what
 * the API answered so far) → the steps that follow and what becomes of the old live token. The
 * decision (`nextMove`) is pure; rotate.ts runs the steps, reads back every write and records each
 * answer as a fact, then asks again, until a row ends the renewal.
 */

/**
 * How far an old token's moved expiry may lie from (this update's request + the grace) and still be
 * this update's own lost reset: the provider's and the API's clocks may differ, and a request takes
 * time to be carried out. A reset made outside Pulumi within this margin of the update's request
 * cannot be told from the update's own; one made earlier always can.
 */
export const RESET_EVIDENCE_TOLERANCE_MS = 120_000;

/** What an API write (a reset) answered, read back against what was asked. */
export type WriteAnswer =
    | { kind: "as-asked"; issued: IssuedApiToken }
    /** Issued, but not what was asked (another expiry: the older rule's reset takes no body). */
    | { kind: "not-as-asked"; issued: IssuedApiToken; differences: string[] }
    | { kind: "refused"; error: Error }
    | { kind: "not-found"; error: Error }
    /** No readable answer: the write may or may not have been carried out. */
    | { kind: "lost"; error: Error };

/** The old live token as one GET shows it after a refused or lost reset, judged against the request. */
export type OldTokenReading =
    | "gone"
    | "expired"
    /** Its expiry moved to earlier than (request + grace − tolerance): reset before this update, by someone else. */
    | "reset-before-request"
    /** Its expiry moved to (request + grace), within the tolerance: reset by this update's request. */
    | "reset-by-request"
    /** Its expiry did not move, and a reset would have moved it. */
    | "not-reset"
    /** Its expiry did not move, but it lies within the grace of the request: a reset would not have moved it. */
    | "no-evidence";

/** Everything the renewal has learnt so far. */
export interface RenewalFacts {
    cause: RotationCause;
    /** When this update's requests were sent (the provider's clock). */
    sentAt: number;
    /** The stored live token. */
    live: LiveToken;
    reset?: WriteAnswer;
    /** The old token, read after a refused or lost reset. */
    oldToken?: { reading: OldTokenReading; info?: ApiTokenInfo };
    /** The second reset, made when the first one's answer was lost and nothing showed it happened. */
    retry?: WriteAnswer;
    /** Tokens that fit this update's lost reset's successor, not held by any resource. */
    successors?: ApiTokenInfo[];
}

/** A request that tells the decision more; the decision is asked again after it. */
export type Probe = "reset" | "read-old-token" | "reset-again" | "list-successors";

/** A step that ends the renewal, in order. */
export type FinalStep =
    /** Delete the old live token (expired: it cannot be reset); if that fails, it stays in the state to delete. */
    | "delete-old-token"
    /** Delete the one successor proven to be this update's (its value was lost, so nobody holds it). */
    | "delete-proven-successor"
    /** Delete the token a reset answered not as asked (its value never reached the state). */
    | "delete-unasked-successor"
    /** Issue a new token (one POST), read back against what was asked. */
    | "create"
    /** Name the tokens that may be an outside reset's successor: left alone. */
    | "name-outside-successors"
    /** Name the tokens that may be this update's lost reset's successor when nothing proves which: left alone. */
    | "name-unproven-successors"
    /** Fail with the refusal: nothing was issued. */
    | "fail";

/** What becomes of the old live token. */
export type OldTokenFate =
    /** Reset: the API expires it after the grace (or at its own expiry, if sooner). */
    | "expires-after-grace"
    /** Reset earlier (outside, or by this update's lost answer): it expires when its moved expiry says. */
    | "expires-as-moved"
    /** A new token took its place; the provider deletes it once the grace ends. */
    | "deleted-after-grace"
    /** Deleted in this update (expired), or already gone: nothing left to hold. */
    | "dropped";

/** The new live token: the answer of the update's last reset, or a new token. */
export type NewLiveToken = "reset" | "created";

export interface Outcome {
    steps: FinalStep[];
    live: NewLiveToken;
    old: OldTokenFate;
}

/** One row per situation; the name is what the row is about, as the notices and specs say it. */
export const RENEWAL_TABLE = {
    // The live token is gone (found by a refresh, or answered 404 to a reset or its read): nothing to reset.
    "live token gone": { steps: ["create"], live: "created", old: "dropped" },
    // It expired (before the update, or as its read shows): it cannot be reset.
    "live token expired": { steps: ["delete-old-token", "create"], live: "created", old: "dropped" },
    // Reset by someone else before this update (found by a refresh, or by the read after a refused or lost reset).
    "reset outside Pulumi": { steps: ["create", "name-outside-successors"], live: "created", old: "expires-as-moved" },
    // The reset (or the one made once more) answered.
    "reset as asked": { steps: [], live: "reset", old: "expires-after-grace" },
    "reset not as asked": { steps: ["create", "delete-unasked-successor"], live: "created", old: "expires-after-grace" },
    // Refused, and the read shows the token neither reset nor expired.
    "refused: the older rule": { steps: ["create"], live: "created", old: "deleted-after-grace" },
    "refused for no reason shown": { steps: ["fail"], live: "created", old: "dropped" },
    // The answer was lost and the read shows this update's own reset.
    "lost reset's successor proven": { steps: ["delete-proven-successor", "create"], live: "created", old: "expires-as-moved" },
    "lost reset's successor unproven": { steps: ["create", "name-unproven-successors"], live: "created", old: "expires-as-moved" },
    // The answer was lost and nothing showed a reset; the reset made once more was refused or lost too,
    // where a reset would not have moved the expiry: nothing shows whether either took effect, so the
    // provider deletes the old token once the grace ends (it is held, and stops working by then anyway).
    "reset made once more, refused or lost": { steps: ["create", "name-unproven-successors"], live: "created", old: "deleted-after-grace" },
} as const satisfies Record<string, Outcome>;

export type Situation = keyof typeof RENEWAL_TABLE;

/** The next request to make, or the row that ends the renewal. */
export type Move = { probe: Probe } | { situation: Situation; outcome: Outcome };

/** The decision: from what is known so far to the next move. */
export function nextMove(facts: RenewalFacts): Move {
    const row = (situation: Situation): Move => ({ situation, outcome: RENEWAL_TABLE[situation] });
    switch (facts.cause.kind) {
        case "gone":
            return row("live token gone");
        case "expiry":
            return row("live token expired");
        case "reset-outside":
            return row("reset outside Pulumi");
    }
    const { reset, oldToken, retry, successors } = facts;
    if (!reset) {
        return { probe: "reset" };
    }
    switch ((retry ?? reset).kind) {
        case "as-asked":
            return row("reset as asked");
        case "not-as-asked":
            return row("reset not as asked");
        case "not-found":
            return row("live token gone");
    }
    if (retry) {
        // Refused where a reset would have moved the expiry and did not: the first reset did not happen either.
        if (retry.kind === "refused" && oldToken?.reading === "not-reset") {
            return row(oldToken.info?.expiresAt ? "refused: the older rule" : "refused for no reason shown");
        }
        return row("reset made once more, refused or lost");
    }
    if (!oldToken) {
        return { probe: "read-old-token" };
    }
    switch (oldToken.reading) {
        case "gone":
            return row("live token gone");
        case "expired":
            return row("live token expired");
        case "reset-before-request":
            return row("reset outside Pulumi");
        case "reset-by-request":
            // A refused request made no reset: the one the read shows came before it.
            if (reset.kind === "refused") {
                return row("reset outside Pulumi");
            }
            if (!successors) {
                return { probe: "list-successors" };
            }
            return row(successors.length === 1 ? "lost reset's successor proven" : "lost reset's successor unproven");
    }
    if (reset.kind === "refused") {
        // Not reset: with an expiry, the older rule (only a token without one can be reset).
        return row(oldToken.info?.expiresAt ? "refused: the older rule" : "refused for no reason shown");
    }
    return { probe: "reset-again" };
}

/**
 * Reads the old token after a refused or lost reset. A reset sets the old token's expiry to the
 * reset's moment plus the grace, unless it already expired sooner: so an expiry that moved from the
 * one recorded at issue to well before (request + grace) proves a reset made before the request,
 * by someone else; one at (request + grace) is the request's own. An expiry that did not move
 * proves nothing was reset only where a reset would have moved it.
 */
export function readOldToken(live: LiveToken, current: ApiTokenInfo | undefined, sentAt: number): OldTokenReading {
    if (!current) {
        return "gone";
    }
    const expiry = instantOf(current.expiresAt);
    const ownGraceEnd = sentAt + GRACE_MS;
    if (!sameInstant(current.expiresAt, live.issuedExpiresAt)) {
        if (expiry !== null && expiry <= sentAt) {
            return "expired";
        }
        return expiry !== null && Math.abs(expiry - ownGraceEnd) <= RESET_EVIDENCE_TOLERANCE_MS
            ? "reset-by-request"
            : "reset-before-request";
    }
    if (expiry !== null && expiry <= sentAt) {
        return "expired";
    }
    return expiry !== null && expiry <= ownGraceEnd + RESET_EVIDENCE_TOLERANCE_MS ? "no-evidence" : "not-reset";
}

/** When a previous token of each fate stops working. */
export function oldTokenEnd(fate: OldTokenFate, live: LiveToken, current: ApiTokenInfo | undefined, sentAt: number): string | undefined {
    const own = instantOf(current?.expiresAt ?? live.info.expiresAt);
    switch (fate) {
        case "dropped":
            return undefined;
        case "expires-as-moved":
            return own === null ? undefined : new Date(own).toISOString();
        default:
            return new Date(Math.min(sentAt + GRACE_MS, own ?? Infinity)).toISOString();
    }
}
