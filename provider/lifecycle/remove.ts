import { MailtrapApiError } from "../client/errors";
import { ApiTokenState } from "../types";
import { OperationContext } from "./context";
import { parseTokenAddress } from "./read";

/**
 * Deletes the live token the state holds (one DELETE); a token already gone counts as deleted. A
 * previous token in its grace period is left to expire by itself.
 */
export async function deleteApiToken(ctx: OperationContext, id: string, props: Partial<ApiTokenState>): Promise<void> {
    const { accountId, tokenId } =
        typeof props.tokenId === "number" && typeof props.accountId === "number"
            ? { accountId: props.accountId, tokenId: props.tokenId }
            : parseTokenAddress(id, props.accountId);
    try {
        await ctx.client.deleteToken(accountId, tokenId);
    } catch (error) {
        if (!(error instanceof MailtrapApiError && error.isNotFound)) {
            throw error;
        }
    }
}
