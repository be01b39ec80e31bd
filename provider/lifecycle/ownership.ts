import { ApiTokenInfo, ApiTokenInputs } from "../types";
import { processState } from "../processState";

/**
 * What this provider process knows about which tokens are its own. The API has no tags and no
 * idempotency key, so a token is ours only when the state of a resource holds it, or when this
 * process just received it from a create or a reset. Nothing else is ever reset, deleted or adopted.
 */

/** How a token is remembered: by its account, or "own" for the routes without one (the credential's own account). */
function tokenKey(accountId: number | undefined, tokenId: number): string {
    return `${accountId ?? "own"}/${tokenId}`;
}

/** Remembers a token id the API has shown this process and, when a resource holds it, that it is taken. */
export function noteTokenId(accountId: number | undefined, id: number, held = false): void {
    const { highestTokenId, heldTokenIds } = processState();
    highestTokenId.set(accountId, Math.max(id, highestTokenId.get(accountId) ?? 0));
    if (held) {
        heldTokenIds.add(id);
    }
}

/** The highest token id this process has seen in an account: ids only grow, so later tokens lie above it. */
export function highestSeenTokenId(accountId: number | undefined): number | undefined {
    return processState().highestTokenId.get(accountId);
}

export function isHeld(tokenId: number): boolean {
    return processState().heldTokenIds.has(tokenId);
}

/** What this process remembers a resource by: unique per resource of a stack, so names alike under different parents stay apart. */
export function resourceKeyOf(inputs: { __resourceKey?: unknown; __resourceName?: unknown }): string | undefined {
    if (typeof inputs.__resourceKey === "string" && inputs.__resourceKey !== "") {
        return inputs.__resourceKey;
    }
    return typeof inputs.__resourceName === "string" ? inputs.__resourceName : undefined;
}

/**
 * Called for every resource the engine diffs, i.e. every resource already in the stack's state.
 * A later create for the same Pulumi resource in this process is a replacement, a token a resource
 * adopted is never adopted again, and the tokens it holds are named if another resource asks to
 * adopt them. Returns the other resource of this process that already holds one of its tokens (it
 * adopted it in this update, before this resource was registered), if any.
 */
export function noteExistingResource(
    inputs: { __resourceKey?: unknown; __resourceName?: unknown },
    accountId: unknown,
    heldTokenIds: readonly unknown[],
    adoptedTokenId: unknown,
): { tokenId: number; holder: { key: string; name?: string } } | undefined {
    const { existingResources, adoptedTokens } = processState();
    const key = resourceKeyOf(inputs);
    if (key !== undefined) {
        existingResources.add(key);
    }
    if (accountId !== undefined && typeof accountId !== "number") {
        return undefined;
    }
    const conflict = heldTokenIds
        .filter((id): id is number => typeof id === "number")
        .map((tokenId) => ({ tokenId, holder: otherHolderOf(accountId, tokenId, inputs) }))
        .find((c) => c.holder !== undefined);
    noteHolder(inputs, accountId, heldTokenIds);
    if (typeof adoptedTokenId === "number") {
        adoptedTokens.add(tokenKey(accountId, adoptedTokenId));
    }
    return conflict && { tokenId: conflict.tokenId, holder: conflict.holder! };
}

/**
 * Records the resource as the holder of tokens: at every diff, create, adoption and renewal, so an
 * adoption in this process is refused for any token a resource registered so far holds, whichever
 * registered first. (A resource the engine never sends this process, as under `--target`, is out
 * of reach.) The first holder recorded stays.
 */
export function noteHolder(
    inputs: { __resourceKey?: unknown; __resourceName?: unknown },
    accountId: number | undefined,
    tokenIds: readonly unknown[],
): void {
    const { tokenHolders } = processState();
    const key = resourceKeyOf(inputs);
    for (const id of tokenIds) {
        if (typeof id !== "number") {
            continue;
        }
        noteTokenId(accountId, id, true);
        if (key !== undefined && !tokenHolders.has(tokenKey(accountId, id))) {
            tokenHolders.set(tokenKey(accountId, id), {
                key,
                name: typeof inputs.__resourceName === "string" ? inputs.__resourceName : undefined,
            });
        }
    }
}

/** The resource of this stack known to hold a token, when it is not the one asking (known once registered in this process). */
export function otherHolderOf(
    accountId: number | undefined,
    tokenId: number,
    asking: { __resourceKey?: unknown; __resourceName?: unknown },
): { key: string; name?: string } | undefined {
    const holder = processState().tokenHolders.get(tokenKey(accountId, tokenId));
    return holder && holder.key !== resourceKeyOf(asking) ? holder : undefined;
}

/**
 * True when a create is a replacement rather than the resource's first create. The engine re-runs
 * Check with no olds before a replacement, so the create's inputs cannot tell; but it diffed the old
 * resource in this same process first.
 */
export function isReplacementCreate(inputs: ApiTokenInputs): boolean {
    const { existingResources, adoptedTokens } = processState();
    const key = resourceKeyOf(inputs);
    return (
        (key !== undefined && existingResources.has(key)) ||
        (inputs.adoptTokenId !== undefined && adoptedTokens.has(tokenKey(inputs.accountId, inputs.adoptTokenId)))
    );
}

/** "40002 "ci-sending" (…abcd), 40005 "ci-sending" (…0f1e)", at most five named. */
export function describeTokens(tokens: readonly ApiTokenInfo[]): string {
    const named = tokens.slice(0, 5).map((t) => `${t.id} ${JSON.stringify(t.name)} (last 4 digits ${t.last4Digits})`);
    return tokens.length > 5 ? `${named.join(", ")} and ${tokens.length - 5} more` : named.join(", ");
}

/** What a user does with a token the provider will not touch. */
export function leftoverAdvice(accountId: number | undefined): string {
    return (
        `to tell whether another stack holds it, compare its last 4 digits with each stack's last4Digits output ` +
        `(pulumi stack output) or list the account with getApiTokens; if none does, delete it in Mailtrap ` +
        `(DELETE ${accountId === undefined ? "/api/api_tokens/<id>" : `/api/accounts/${accountId}/api_tokens/<id>`})`
    );
}
