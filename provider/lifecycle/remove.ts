import { ApiTokenState } from "../types";
import { OperationContext } from "./context";
import { parseTokenAddress } from "./read";
import { deleteHeldToken } from "./rotate";
import { partsOf } from "./tokenState";

/**
 * Deletes the live token the state holds (one DELETE; a token already gone counts as deleted), and
 * every previous token still valid: a renewed token's predecessor, and a reset token still in its
 * grace, so destroy leaves nothing the stack issued working.
 */
export async function deleteApiToken(ctx: OperationContext, id: string, props: Partial<ApiTokenState>): Promise<void> {
    const { accountId, tokenId } =
        typeof props.tokenId === "number" && typeof props.accountId === "number"
            ? { accountId: props.accountId, tokenId: props.tokenId }
            : parseTokenAddress(id, props.accountId);
    await deleteHeldToken(ctx, accountId, tokenId);
    for (const previous of partsOf(props).previous) {
        if (previous.retiredBy === "delete" || Date.parse(previous.expiresAt) > ctx.now) {
            await deleteHeldToken(ctx, accountId, previous.tokenId);
        }
    }
}
