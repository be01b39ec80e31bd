import { MailtrapApiError } from "../client/errors";
import { ApiTokenInfo, ApiTokenInputs, ApiTokenState, IssuedApiToken } from "../types";
import { OperationContext } from "./context";
import { issueToken } from "./create";
import { describeTokens, isHeld, leftoverAdvice, noteTokenId } from "./ownership";
import { aboutResource, describeResource } from "./tokenState";
import { sameInstant, samePermissions } from "./values";

/** The requests a renewal is made of, each touching only what the state holds or names. */

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

/** Resets a token the state holds; the successor states `expiresAt` (null: never). */
export async function resetHeldToken(
    ctx: OperationContext,
    accountId: number,
    tokenId: number,
    expiresAt: string | null,
): Promise<IssuedApiToken> {
    const issued = await ctx.client.resetToken(accountId, tokenId, expiresAt);
    noteTokenId(accountId, issued.id, true);
    return issued;
}

/**
 * The token was reset outside Pulumi: whoever reset it received its successor's value and may be
 * using it, and a same-named token may be another stack's. So nothing is reset or deleted: a new
 * token is issued in its place, and the possible successors are named.
 */
export async function issueInPlaceOfReset(
    ctx: OperationContext,
    olds: ApiTokenState,
    inputs: ApiTokenInputs,
    resetTokenId: number,
): Promise<IssuedApiToken> {
    // The successor carries whatever expiry its resetter chose, so only name, permissions and id tell.
    const successors = await possibleSuccessors(ctx, olds, { after: resetTokenId }).catch(() => undefined);
    const issued = await issueToken(ctx, inputs);
    const named =
        successors === undefined
            ? "listing the account to name its successor failed"
            : successors.length === 0
              ? "no successor of it is listed"
              : `token${successors.length > 1 ? "s" : ""} ${describeTokens(successors)} may be its successor, made for whoever reset it, and ${successors.length > 1 ? "are" : "is"} left alone: ${leftoverAdvice(olds.accountId)}`;
    ctx.notify(
        aboutResource(
            renewalLabel(olds, inputs),
            `token ${resetTokenId} was reset outside Pulumi, so new token ${issued.id} is issued in its place; ${named}`,
        ),
    );
    return issued;
}

/**
 * The one exception to "touch only what the state holds": this process sent the reset and lost its
 * answer, and the old token's moved expiry shows the reset happened, so its successor exists and
 * nobody holds its value. It carries the expiry the reset stated. When exactly one token fits, it is
 * reset (so no live token is left whose value nobody holds); with more than one, none is touched
 * and a new token is issued.
 */
export async function recoverOwnLostReset(
    ctx: OperationContext,
    olds: ApiTokenState,
    inputs: ApiTokenInputs,
    successor: { after: number; expiry: string | null },
    failure: MailtrapApiError,
): Promise<IssuedApiToken> {
    const candidates = await possibleSuccessors(ctx, olds, successor);
    if (candidates.length === 1) {
        ctx.notify(
            aboutResource(
                renewalLabel(olds, inputs),
                `${failure.message}; token ${olds.tokenId} had been reset by this update, so its successor ${candidates[0].id} is reset to obtain a value`,
            ),
        );
        return resetHeldToken(ctx, olds.accountId, candidates[0].id, successor.expiry);
    }
    const issued = await issueToken(ctx, inputs);
    ctx.notify(
        aboutResource(
            renewalLabel(olds, inputs),
            `${failure.message}; token ${olds.tokenId} had been reset, and ${
                candidates.length === 0
                    ? "no successor of it is listed"
                    : `tokens ${describeTokens(candidates)} could each be its successor, so none is touched`
            }; new token ${issued.id} is issued in its place${candidates.length > 1 ? `: ${leftoverAdvice(olds.accountId)}` : ""}`,
        ),
    );
    return issued;
}

/**
 * Tokens that could be a reset token's successor: same name and permissions, a later id, not held
 * here, and, when the reset's stated expiry is known, that expiry (to the second).
 */
async function possibleSuccessors(
    ctx: OperationContext,
    olds: ApiTokenState,
    successor: { after: number; expiry?: string | null },
): Promise<ApiTokenInfo[]> {
    const tokens = await ctx.client.listTokens(olds.accountId);
    return tokens.filter(
        (t) =>
            t.id > successor.after &&
            !isHeld(t.id) &&
            t.name === olds.name &&
            (successor.expiry === undefined || sameInstant(t.expiresAt, successor.expiry)) &&
            samePermissions(t.resources, olds.resources ?? []),
    );
}

export function renewalLabel(olds: ApiTokenState, inputs: ApiTokenInputs): string {
    return describeResource(inputs.__resourceName, olds.name, olds.tokenId);
}
