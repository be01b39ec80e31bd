import { MailtrapApiError } from "../client/errors";
import { ApiTokenInfo, ApiTokenInputs, ApiTokenState } from "../types";
import { OperationContext } from "./context";
import { noteTokenId } from "./ownership";
import { firstEvidence, recordOf } from "./schedule";
import { adoptedLive, compact, inputsOf, partsOf, stateFor } from "./tokenState";
import { samePermissions } from "./values";

/**
 * Refreshes from the live token (one GET). Undefined means the token is gone. For `ApiToken.get`
 * the id alone is known: "<tokenId>" or "<accountId>/<tokenId>".
 */
export async function readApiToken(
    ctx: OperationContext,
    id: string,
    props: Partial<ApiTokenState>,
    defaultAccountId: number | undefined,
): Promise<{ id: string; state: ApiTokenState; inputs: Record<string, unknown> } | undefined> {
    const known = typeof props.tokenId === "number" && typeof props.accountId === "number";
    const { accountId, tokenId } = known
        ? { accountId: props.accountId as number, tokenId: props.tokenId as number }
        : parseTokenAddress(id, defaultAccountId);
    let live: ApiTokenInfo;
    try {
        live = await ctx.client.getToken(accountId, tokenId);
    } catch (error) {
        if (error instanceof MailtrapApiError && error.isNotFound) {
            return known && holdsValidPrevious(props, ctx.now) ? keptWithLiveTokenGone(id, props) : undefined;
        }
        throw error;
    }
    noteTokenId(accountId, live.id, known);
    if (!known) {
        const inputs: ApiTokenInputs = {
            name: live.name,
            accountId,
            resources: live.resources,
            ...(live.expiresAt ? { expiresAt: live.expiresAt } : {}),
        };
        return {
            id,
            // Taken over by id (`pulumi import`, `ApiToken.get`): adopted, so it has no value by design until a rotation is asked for.
            state: stateFor(inputs, {
                live: adoptedLive(live, ctx.now),
                previous: [],
                evidence: firstEvidence(recordOf(live, ctx.now, "adopted")),
            }),
            inputs: compact<Record<string, unknown>>({ ...inputs }),
        };
    }
    const state: ApiTokenState = {
        ...(props as ApiTokenState),
        // What changed outside Pulumi shows in the outputs, where the next diff meets it. The inputs
        // returned are the ones the outputs echoed: after an earlier refresh with drift, those are live values.
        name: live.name,
        resources: samePermissions(live.resources, props.resources ?? []) ? (props.resources ?? []) : live.resources,
        last4Digits: live.last4Digits,
        createdBy: live.createdBy,
        valueExpiresAt: live.expiresAt,
        token: props.token ?? "",
    };
    delete state.tokenGone;
    return { id, state: compact<ApiTokenState>(state), inputs: compact(inputsOf(props)) };
}

/**
 * A previous token still valid: one the provider must delete (a new token took its place), or a
 * reset token in its grace. The state never drops a token while it is valid.
 */
function holdsValidPrevious(props: Partial<ApiTokenState>, now: number): boolean {
    return partsOf(props).previous.some((p) => p.retiredBy === "delete" || Date.parse(p.expiresAt) > now);
}

/**
 * The live token is gone but the state still holds a previous token that is valid: dropping the
 * resource would drop that token from the state while it works, so the resource stays with its live
 * token marked gone; the next `up` issues a new one, and each previous token ends as it would have.
 */
function keptWithLiveTokenGone(
    id: string,
    props: Partial<ApiTokenState>,
): { id: string; state: ApiTokenState; inputs: Record<string, unknown> } {
    return {
        id,
        state: compact<ApiTokenState>({ ...(props as ApiTokenState), tokenGone: true }),
        inputs: compact(inputsOf(props)),
    };
}

/** "<tokenId>" or "<accountId>/<tokenId>". */
export function parseTokenAddress(id: string, defaultAccountId: number | undefined): { accountId: number; tokenId: number } {
    const match = /^(?:(\d+)\/)?(\d+)$/.exec(id.trim());
    if (!match) {
        throw new Error(`mailtrap: "${id}" is not an API token id: use "<tokenId>" or "<accountId>/<tokenId>", for example "3229/12345"`);
    }
    const accountId = match[1] !== undefined ? Number(match[1]) : defaultAccountId;
    if (accountId === undefined) {
        throw new Error(
            `mailtrap: no account for token "${id}": use "<accountId>/<tokenId>", or set mailtrap:accountId or MAILTRAP_ACCOUNT_ID`,
        );
    }
    return { accountId, tokenId: Number(match[2]) };
}
