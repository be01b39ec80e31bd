import { MailtrapApiError } from "../client/errors";
import { ApiTokenInfo, ApiTokenInputs, ApiTokenState, IssuedApiToken } from "../types";
import { OperationContext, RESET_GRACE_MS } from "./context";
import { issueToken } from "./create";
import { RotationCause, rotationCause } from "./diff";
import { describeTokens, highestSeenTokenId, isHeld, leftoverAdvice, noteTokenId } from "./ownership";
import { aboutResource, describeResource, PreviousToken, previousOf, stateFor, tokenInfoOf } from "./tokenState";
import { samePermissions } from "./values";

/**
 * Renews the token's value: one reset in the normal case. Only the token the state holds is
 * reset; a token already reset outside Pulumi gets a new token in its place.
 */
export async function rotateApiToken(ctx: OperationContext, olds: ApiTokenState, inputs: ApiTokenInputs): Promise<ApiTokenState> {
    const cause = rotationCause(olds, inputs as unknown as Record<string, unknown>, ctx.now);
    if (!cause) {
        return stateFor(inputs, tokenInfoOf(olds), { token: olds.token, issuedAt: Date.parse(olds.issuedAt), previous: previousOf(olds) });
    }
    const { issued, previous } = await renewValue(ctx, olds, inputs, cause);
    return stateFor(inputs, issued, { token: issued.token, issuedAt: ctx.now, previous });
}

async function renewValue(
    ctx: OperationContext,
    olds: ApiTokenState,
    inputs: ApiTokenInputs,
    cause: RotationCause,
): Promise<{ issued: IssuedApiToken; previous: PreviousToken }> {
    const { accountId, tokenId } = olds;
    if (cause.kind === "reset-outside") {
        return {
            issued: await issueInPlaceOfReset(ctx, olds, inputs, tokenId),
            previous: { id: tokenId, expiresAt: cause.valueExpiresAt },
        };
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
        const previous = { id: tokenId, expiresAt: live.expiresAt ?? "" };
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

async function resetHeldToken(ctx: OperationContext, accountId: number, tokenId: number): Promise<IssuedApiToken> {
    const issued = await ctx.client.resetToken(accountId, tokenId);
    noteTokenId(accountId, issued.id, true);
    return issued;
}

function graceFrom(ctx: OperationContext, tokenId: number): PreviousToken {
    return { id: tokenId, expiresAt: new Date(ctx.now + RESET_GRACE_MS).toISOString() };
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
