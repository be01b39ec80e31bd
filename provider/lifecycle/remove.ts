import { ApiTokenState } from "../types";
import { OperationContext } from "./context";
import { parseTokenAddress } from "./read";
import { deleteHeldToken } from "./renewalSteps";

/**
 * Deletes the live token the state holds (one DELETE); a token already gone counts as deleted. A
 * reset token in its grace period is left to expire by itself (it already is expiring); a renewed
 * token's predecessor stays valid until its own expiry, so it is deleted too.
 */
export async function deleteApiToken(ctx: OperationContext, id: string, props: Partial<ApiTokenState>): Promise<void> {
    const { accountId, tokenId } =
        typeof props.tokenId === "number" && typeof props.accountId === "number"
            ? { accountId: props.accountId, tokenId: props.tokenId }
            : parseTokenAddress(id, props.accountId);
    await deleteHeldToken(ctx, accountId, tokenId);
    if (props.previousTokenRetiredBy === "delete" && typeof props.previousTokenId === "number") {
        await deleteHeldToken(ctx, accountId, props.previousTokenId);
    }
}
