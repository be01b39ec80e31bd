import { MailtrapApiError } from "../client/errors";
import { ApiTokenInfo, ApiTokenInputs, ApiTokenState, IssuedApiToken, RotationCauseName } from "../types";
import { OperationContext } from "./context";
import { issueToken } from "./create";
import { RotationCause, rotationCause } from "./diff";
import { describeTokens, highestSeenTokenId, isHeld, leftoverAdvice, noteTokenId } from "./ownership";
import { declaresExpiry, GRACE_MS, recordOf, retirementDue, withRenewal } from "./schedule";
import { aboutResource, describeResource, evidenceOf, PreviousToken, previousOf, stateFor, tokenInfoOf } from "./tokenState";
import { samePermissions } from "./values";

/**
 * Renews the token's value when it must be: one reset for a token without an expiry; a new token,
 * the old one kept for the grace period, for a token with one (the API cannot reset it). Only the
 * token the state holds is reset; a token already reset outside Pulumi gets a new token in its
 * place. A renewed token's predecessor whose grace has ended is deleted first.
 */
export async function rotateApiToken(ctx: OperationContext, stored: ApiTokenState, inputs: ApiTokenInputs): Promise<ApiTokenState> {
    let olds = stored;
    if (retirementDue(olds, ctx.now)) {
        await deleteHeldToken(ctx, olds.accountId, olds.previousTokenId!);
        olds = withoutPrevious(olds);
    }
    const cause = rotationCause(olds, inputs as unknown as Record<string, unknown>, ctx.now);
    if (!cause) {
        return stateFor(inputs, tokenInfoOf(olds), {
            token: olds.token,
            issuedAt: Date.parse(olds.issuedAt),
            previous: previousOf(olds),
            evidence: evidenceOf(olds),
        });
    }
    const displaced = previousOf(olds);
    if (displaced?.retiredBy === "delete") {
        // State has room for one previous token: a renewed one still in its grace would be lost from
        // it, so it is deleted before the renewal (if the renewal then fails, its 404 counts as done).
        ctx.notify(
            aboutResource(
                label(olds, inputs),
                `previous token ${displaced.id} is deleted before its grace ends: the value is renewed again`,
            ),
        );
        await deleteHeldToken(ctx, olds.accountId, displaced.id);
    }
    const { issued, previous } = await renewValue(ctx, olds, inputs, cause);
    const evidence = withRenewal(olds, recordOf(issued, ctx.now, CAUSE_NAMES[cause.kind]));
    return stateFor(inputs, issued, { token: issued.token, issuedAt: ctx.now, previous, evidence });
}

const CAUSE_NAMES: Record<RotationCause["kind"], RotationCauseName> = {
    trigger: "trigger",
    age: "age",
    expiry: "expiry",
    "reset-outside": "reset-outside",
    "no-value": "recovered",
};

async function renewValue(
    ctx: OperationContext,
    olds: ApiTokenState,
    inputs: ApiTokenInputs,
    cause: RotationCause,
): Promise<{ issued: IssuedApiToken; previous?: PreviousToken }> {
    const { accountId, tokenId } = olds;
    if (cause.kind === "reset-outside") {
        return {
            issued: await issueInPlaceOfReset(ctx, olds, inputs, tokenId),
            previous: { id: tokenId, expiresAt: cause.valueExpiresAt, retiredBy: "expiry" },
        };
    }
    if (olds.valueExpiresAt || declaresExpiry(inputs)) {
        return renewWithNewToken(ctx, olds, inputs, cause);
    }
    // Ids above this one can only come from resets or creates made after it.
    const watermark = Math.max(tokenId, highestSeenTokenId(accountId) ?? 0);
    try {
        return { issued: await resetHeldToken(ctx, accountId, tokenId), previous: graceFrom(ctx, tokenId) };
    } catch (error) {
        if (!(error instanceof MailtrapApiError) || !(error.outcomeUnknown || error.status === 422)) {
            throw error;
        }
        // Find out whether the reset happened: a reset token carries an expiry.
        const live = await ctx.client.getToken(accountId, tokenId);
        const previous: PreviousToken = { id: tokenId, expiresAt: live.expiresAt ?? "", retiredBy: "expiry" };
        if (live.expiresAt === null) {
            if (error.status === 422) {
                throw error;
            }
            ctx.notify(
                aboutResource(label(olds, inputs), `${error.message}; token ${tokenId} was not reset, so the reset is made once more`),
            );
            return { issued: await resetHeldToken(ctx, accountId, tokenId), previous: graceFrom(ctx, tokenId) };
        }
        if (error.status === 422) {
            // Reset before this attempt, by someone else: the same path as a reset found by refresh.
            return { issued: await issueInPlaceOfReset(ctx, olds, inputs, tokenId), previous };
        }
        return { issued: await recoverOwnLostReset(ctx, olds, inputs, watermark, error), previous };
    }
}

/**
 * A token with an expiry cannot be reset: a new token is issued (with the fixed expiry, or a fresh
 * rolling one) before the old one stops working. The old one stays valid for the grace period
 * (or until its own expiry, if sooner) and is deleted at the first update after it, or by destroy.
 * An old token that has already expired is deleted at once.
 */
async function renewWithNewToken(
    ctx: OperationContext,
    olds: ApiTokenState,
    inputs: ApiTokenInputs,
    cause: RotationCause,
): Promise<{ issued: IssuedApiToken; previous?: PreviousToken }> {
    const issued = await issueToken(ctx, inputs);
    if (cause.kind === "expiry") {
        await deleteHeldToken(ctx, olds.accountId, olds.tokenId);
        return { issued };
    }
    const graceEnds = ctx.now + GRACE_MS;
    const ownExpiry = olds.valueExpiresAt ? Date.parse(olds.valueExpiresAt) : Infinity;
    return {
        issued,
        previous: { id: olds.tokenId, expiresAt: new Date(Math.min(graceEnds, ownExpiry)).toISOString(), retiredBy: "delete" },
    };
}

/** Deletes a token the state holds; one already gone counts as deleted. */
export async function deleteHeldToken(ctx: OperationContext, accountId: number, tokenId: number): Promise<void> {
    try {
        await ctx.client.deleteToken(accountId, tokenId);
    } catch (error) {
        if (!(error instanceof MailtrapApiError && error.isNotFound)) {
            throw error;
        }
    }
}

function withoutPrevious(state: ApiTokenState): ApiTokenState {
    const { previousTokenId: _id, previousTokenExpiresAt: _expiresAt, previousTokenRetiredBy: _retiredBy, ...rest } = state;
    return rest as ApiTokenState;
}

async function resetHeldToken(ctx: OperationContext, accountId: number, tokenId: number): Promise<IssuedApiToken> {
    const issued = await ctx.client.resetToken(accountId, tokenId, null);
    noteTokenId(accountId, issued.id, true);
    return issued;
}

function graceFrom(ctx: OperationContext, tokenId: number): PreviousToken {
    return { id: tokenId, expiresAt: new Date(ctx.now + GRACE_MS).toISOString(), retiredBy: "expiry" };
}

/**
 * The token was reset outside Pulumi: whoever reset it received its successor's value and may be
 * using it, and a same-named token may be another stack's. So nothing is reset or deleted: a new
 * token is issued in its place, and the possible successors are named.
 */
async function issueInPlaceOfReset(
    ctx: OperationContext,
    olds: ApiTokenState,
    inputs: ApiTokenInputs,
    resetTokenId: number,
): Promise<IssuedApiToken> {
    const successors = await possibleSuccessors(ctx, olds, resetTokenId).catch(() => undefined);
    const issued = await issueToken(ctx, inputs);
    const named =
        successors === undefined
            ? "listing the account to name its successor failed"
            : successors.length === 0
              ? "no successor of it is listed"
              : `token${successors.length > 1 ? "s" : ""} ${describeTokens(successors)} may be its successor, made for whoever reset it, and ${successors.length > 1 ? "are" : "is"} left alone: ${leftoverAdvice(olds.accountId)}`;
    ctx.notify(
        aboutResource(
            label(olds, inputs),
            `token ${resetTokenId} was reset outside Pulumi, so new token ${issued.id} is issued in its place; ${named}`,
        ),
    );
    return issued;
}

/**
 * The one exception to "touch only what the state holds": this process sent the reset and lost its
 * answer, and the old token now carrying an expiry shows the reset happened, so its successor
 * exists and nobody holds its value. When exactly one token fits, it is renewed (so no live token is
 * left whose value nobody holds); with more than one, none is touched and a new token is issued.
 */
async function recoverOwnLostReset(
    ctx: OperationContext,
    olds: ApiTokenState,
    inputs: ApiTokenInputs,
    watermark: number,
    failure: MailtrapApiError,
): Promise<IssuedApiToken> {
    const candidates = await possibleSuccessors(ctx, olds, watermark);
    if (candidates.length === 1) {
        ctx.notify(
            aboutResource(
                label(olds, inputs),
                `${failure.message}; token ${olds.tokenId} had been reset by this update, so its successor ${candidates[0].id} is reset to obtain a value`,
            ),
        );
        return resetHeldToken(ctx, olds.accountId, candidates[0].id);
    }
    const issued = await issueToken(ctx, inputs);
    ctx.notify(
        aboutResource(
            label(olds, inputs),
            `${failure.message}; token ${olds.tokenId} had been reset, and ${
                candidates.length === 0
                    ? "no successor of it is listed"
                    : `tokens ${describeTokens(candidates)} could each be its successor, so none is touched`
            }; new token ${issued.id} is issued in its place${candidates.length > 1 ? `: ${leftoverAdvice(olds.accountId)}` : ""}`,
        ),
    );
    return issued;
}

/** Tokens that could be a reset token's successor: same name and permissions, no expiry, a later id, not held here. */
async function possibleSuccessors(ctx: OperationContext, olds: ApiTokenState, after: number): Promise<ApiTokenInfo[]> {
    const tokens = await ctx.client.listTokens(olds.accountId);
    return tokens.filter(
        (t) =>
            t.id > after &&
            !isHeld(t.id) &&
            t.name === olds.name &&
            t.expiresAt === null &&
            samePermissions(t.resources, olds.resources ?? []),
    );
}

function label(olds: ApiTokenState, inputs: ApiTokenInputs): string {
    return describeResource(inputs.__resourceName, olds.name, olds.tokenId);
}
