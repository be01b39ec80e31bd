import { ApiTokenState } from "../types";
import { OperationContext } from "./context";
import { parseTokenAddress } from "./read";
import { deleteHeldToken } from "./rotate";
import { partsOf } from "./tokenState";

/**
 * Deletes the live token the state holds (one DELETE; a token already gone counts as deleted). A
 * reset token in its grace period is left to expire by itself (the API already set its expiry, at
 * most 12 hours away); a renewed token's predecessor stays valid until its own expiry, so each one
 * still held is deleted too.
 */
export async function deleteApiToken(ctx: OperationContext, id: string, props: Partial<ApiTokenState>): Promise<void> {
    const { accountId, tokenId } =
        typeof props.tokenId === "number"
            ? { accountId: typeof props.accountId === "number" ? props.accountId : undefined, tokenId: props.tokenId }
            : parseTokenAddress(id, props.accountId);
    await deleteHeldToken(ctx, accountId, tokenId);
    for (const previous of partsOf(props).previous) {
        if (previous.retiredBy === "delete") {
            await deleteHeldToken(ctx, accountId, previous.tokenId);
        }
    }
}
