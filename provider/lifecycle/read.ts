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
    // A state this provider wrote holds the token id, and the account when one served it.
    const known = typeof props.tokenId === "number";
    const { accountId, tokenId } = known
        ? { accountId: typeof props.accountId === "number" ? props.accountId : undefined, tokenId: props.tokenId as number }
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
            ...(accountId === undefined ? {} : { accountId }),
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
        resources: resourcesAfterRead(props, live),
        last4Digits: live.last4Digits,
        createdBy: live.createdBy,
        valueExpiresAt: live.expiresAt,
        token: props.token ?? "",
    };
    delete state.tokenGone;
    return { id, state: compact<ApiTokenState>(state), inputs: compact(inputsOf(props)) };
}

/**
 * The `resources` output after a read. Drift is measured from what the API answered when the live
 * token was issued: an answer that only reorders, respells (`inbox`/`sandbox`) or retypes ids is no
 * change, and the output keeps echoing the declaration; any other answer (permissions edited
 * outside Pulumi) shows as the live permissions, which the next diff meets as a replacement.
 */
function resourcesAfterRead(props: Partial<ApiTokenState>, live: ApiTokenInfo): ApiTokenState["resources"] {
    const stored = props.resources ?? [];
    const issued = partsOf(props).live.issuedResources;
    if (!samePermissions(live.resources, issued)) {
        return live.resources;
    }
    // Back as issued: an earlier refresh may have recorded drift in the output, which no longer holds.
    return samePermissions(stored, issued) ? stored : issued;
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

/**
 * "<tokenId>" or "<accountId>/<tokenId>". A bare token id takes the config's account, or none: the
 * API's routes without an account then serve it (the credential's own account).
 */
export function parseTokenAddress(id: string, defaultAccountId: number | undefined): { accountId: number | undefined; tokenId: number } {
    const match = /^(?:(\d+)\/)?(\d+)$/.exec(id.trim());
    if (!match) {
        throw new Error(
            `mailtrap: "${id}" is not an API token id: use "<tokenId>" or "<accountId>/<tokenId>", for example "12345" or "3229/12345"`,
        );
    }
    const accountId = match[1] !== undefined ? Number(match[1]) : defaultAccountId;
    return { accountId, tokenId: Number(match[2]) };
}
