import { MailtrapApiError } from "../client/errors";
import { ApiTokenInputs, ApiTokenState } from "../types";
import { OperationContext } from "./context";
import { issueToken } from "./create";
import { highestSeenTokenId } from "./ownership";
import { CAUSE_NAMES, RotationCause, rotationCause } from "./renewalCause";
import { expiryForNewToken, GRACE_MS, recordOf, retirementDue, withRenewal } from "./schedule";
import { deleteHeldToken, issueInPlaceOfReset, recoverOwnLostReset, renewalLabel, resetHeldToken } from "./renewalSteps";
import { aboutResource, issuedLive, LiveToken, partsOf, PreviousToken, stateFor } from "./tokenState";
import { sameInstant } from "./values";

/** What a renewal leaves: the new live token, and the token it replaced when that one is still valid. */
interface Renewal {
    live: LiveToken;
    previous?: PreviousToken;
}

/**
 * Renews the token's value when it must (renewalCause.ts says why), in one decision: what renews
 * it, how, and what happens to the old token.
 * - The usual way is one reset that states the new token's expiry: in place, the API's grace keeps
 *   the old value working for 12 hours and then expires it; nothing is left to delete.
 * - Where the API refuses to reset a token with an expiry (the older rule), a new token is created
 *   before the old one stops working, and the old one is deleted once its grace ends.
 * - A token that expired, or whose live token is gone, gets a new token (nothing can be reset).
 * - A token reset outside Pulumi is left alone and gets a new token in its place.
 * A previous token the provider must delete is deleted first, so nothing that can fail comes after
 * a token is issued.
 */
export async function rotateApiToken(ctx: OperationContext, stored: ApiTokenState, inputs: ApiTokenInputs): Promise<ApiTokenState> {
    let olds = stored;
    if (retirementDue(olds, ctx.now)) {
        await deleteHeldToken(ctx, olds.accountId, olds.previousTokenId!);
        olds = withoutPrevious(olds);
    }
    const parts = partsOf(olds);
    const cause = rotationCause(olds, inputs as unknown as Record<string, unknown>, ctx.now);
    if (!cause) {
        return stateFor(inputs, parts);
    }
    if (parts.previous?.retiredBy === "delete") {
        // The state has room for one previous token: one still in its grace would be lost from it.
        ctx.notify(
            aboutResource(
                renewalLabel(olds, inputs),
                cause.kind === "gone"
                    ? `previous token ${parts.previous.id} is deleted: the token that replaced it was deleted outside Pulumi`
                    : `previous token ${parts.previous.id} is deleted before its grace ends: the value is renewed again`,
            ),
        );
        await deleteHeldToken(ctx, olds.accountId, parts.previous.id);
    }
    const renewal = await renew(ctx, olds, inputs, cause);
    const evidence = withRenewal(olds, recordOf(renewal.live.info, ctx.now, CAUSE_NAMES[cause.kind]));
    return stateFor(inputs, { live: renewal.live, previous: renewal.previous, evidence });
}

async function renew(ctx: OperationContext, olds: ApiTokenState, inputs: ApiTokenInputs, cause: RotationCause): Promise<Renewal> {
    switch (cause.kind) {
        case "gone":
            return { live: issuedLive(await issueToken(ctx, inputs), ctx.now) };
        case "expiry":
            return renewExpired(ctx, olds, inputs, cause.expiredAt);
        case "reset-outside":
            return {
                live: issuedLive(await issueInPlaceOfReset(ctx, olds, inputs, olds.tokenId), ctx.now),
                previous: { id: olds.tokenId, expiresAt: cause.valueExpiresAt, retiredBy: "expiry" },
            };
        default:
            return renewByReset(ctx, olds, inputs);
    }
}

/**
 * One reset of the token the state holds, stating the new token's expiry. When it is refused (422)
 * or its answer is lost, one GET tells what happened: an expiry that moved away from the one the
 * token was issued with means it was reset (outside Pulumi after a 422; by this reset after a lost
 * answer). A 422 for a token that was not reset and has an expiry is the older rule: new token first.
 */
async function renewByReset(ctx: OperationContext, olds: ApiTokenState, inputs: ApiTokenInputs): Promise<Renewal> {
    const { accountId, tokenId } = olds;
    const expiry = expiryForNewToken(inputs, ctx.now);
    const watermark = watermarkFor(olds);
    try {
        return { live: issuedLive(await resetHeldToken(ctx, accountId, tokenId, expiry), ctx.now), previous: graceAfterReset(ctx, olds) };
    } catch (error) {
        if (!(error instanceof MailtrapApiError) || !(error.outcomeUnknown || error.status === 422)) {
            throw error;
        }
        const live = await ctx.client.getToken(accountId, tokenId);
        const wasReset = !sameInstant(live.expiresAt, olds.issuedExpiresAt);
        const previous: PreviousToken = { id: tokenId, expiresAt: live.expiresAt ?? "", retiredBy: "expiry" };
        if (error.status === 422) {
            if (wasReset) {
                // Reset before this attempt, by someone else: the same path as a reset found by refresh.
                return { live: issuedLive(await issueInPlaceOfReset(ctx, olds, inputs, tokenId), ctx.now), previous };
            }
            if (live.expiresAt !== null) {
                ctx.notify(
                    aboutResource(
                        renewalLabel(olds, inputs),
                        `${error.message}; the API does not reset a token with an expiry, so a new token is issued and token ${tokenId} is deleted once its grace ends`,
                    ),
                );
                return renewWithNewToken(ctx, olds, inputs);
            }
            throw error;
        }
        if (!wasReset) {
            ctx.notify(
                aboutResource(
                    renewalLabel(olds, inputs),
                    `${error.message}; token ${tokenId} was not reset, so the reset is made once more`,
                ),
            );
            return {
                live: issuedLive(await resetHeldToken(ctx, accountId, tokenId, expiry), ctx.now),
                previous: graceAfterReset(ctx, olds),
            };
        }
        return { live: issuedLive(await recoverOwnLostReset(ctx, olds, inputs, { after: watermark, expiry }, error), ctx.now), previous };
    }
}

/**
 * The older rule: a token with an expiry cannot be reset. A new token is issued (with the fixed
 * expiry, or a fresh rolling one) before the old one stops working; the old one stays valid for
 * the grace period (or until its own expiry, if sooner) and is deleted at the first update after
 * it, or by destroy.
 */
async function renewWithNewToken(ctx: OperationContext, olds: ApiTokenState, inputs: ApiTokenInputs): Promise<Renewal> {
    const issued = await issueToken(ctx, inputs);
    return { live: issuedLive(issued, ctx.now), previous: { ...graceAfterReset(ctx, olds), retiredBy: "delete" } };
}

/**
 * An expired token cannot be reset: it is deleted first, then a new token is issued. When the
 * delete fails, the new token is still issued (the old value no longer works, so the renewal is
 * what matters) and the expired token stays in the state as a previous token to delete.
 */
async function renewExpired(ctx: OperationContext, olds: ApiTokenState, inputs: ApiTokenInputs, expiredAt: string): Promise<Renewal> {
    let previous: PreviousToken | undefined;
    try {
        await deleteHeldToken(ctx, olds.accountId, olds.tokenId);
    } catch (error) {
        ctx.notify(
            aboutResource(
                renewalLabel(olds, inputs),
                `${(error as Error).message}; expired token ${olds.tokenId} stays in the stack and is deleted at the next pulumi up`,
            ),
        );
        previous = { id: olds.tokenId, expiresAt: expiredAt, retiredBy: "delete" };
    }
    return { live: issuedLive(await issueToken(ctx, inputs), ctx.now), previous };
}

/** The old token's grace: the API's after a reset (a new token's predecessor gets the same), or its own expiry if sooner. */
function graceAfterReset(ctx: OperationContext, olds: ApiTokenState): PreviousToken {
    const ownExpiry = olds.valueExpiresAt ? Date.parse(olds.valueExpiresAt) : Infinity;
    return { id: olds.tokenId, expiresAt: new Date(Math.min(ctx.now + GRACE_MS, ownExpiry)).toISOString(), retiredBy: "expiry" };
}

/** Ids above this one can only come from resets or creates made after it. */
function watermarkFor(olds: ApiTokenState): number {
    return Math.max(olds.tokenId, highestSeenTokenId(olds.accountId) ?? 0);
}

function withoutPrevious(state: ApiTokenState): ApiTokenState {
    const { previousTokenId: _id, previousTokenExpiresAt: _expiresAt, previousTokenRetiredBy: _retiredBy, ...rest } = state;
    return rest as ApiTokenState;
}
