import { MailtrapClient } from "./client";
import { RotationCause, rotationCause } from "./diff";
import { IncompleteCreateError, MailtrapApiError } from "./errors";
import { ApiTokenInfo, ApiTokenInputs, ApiTokenPermission, ApiTokenState, IssuedApiToken } from "./types";
import { processState } from "./processState";
import { permissionKey } from "./validation";

/** The grace the API gives an old token after a reset (the vendor documents 12 hours). */
export const RESET_GRACE_MS = 12 * 3_600_000;

export interface OperationContext {
    client: MailtrapClient;
    now: number;
    /** Tells the user something they should know; one line, no secrets. */
    notify: (line: string) => void;
}

/** Creates the token (one POST), or adopts `adoptTokenId` (one GET). */
export async function createApiToken(ctx: OperationContext, inputs: ApiTokenInputs): Promise<ApiTokenState> {
    if (inputs.adoptTokenId !== undefined && inputs.adoptTokenId !== null) {
        return adoptApiToken(ctx, inputs, inputs.adoptTokenId);
    }
    const issued = await issueToken(ctx, inputs);
    return stateFor(inputs, issued, { token: issued.token, issuedAt: ctx.now });
}

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
            return undefined;
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
        return { id, state: stateFor(inputs, live, { token: "", issuedAt: ctx.now }), inputs: compact(inputs) };
    }
    const declared = inputsOf(props);
    const state: ApiTokenState = {
        ...(props as ApiTokenState),
        // What changed outside Pulumi shows in the outputs, where the next diff meets it. The inputs
        // returned are the ones the outputs echoed: after an earlier refresh with drift, those are live values.
        name: live.name,
        resources: samePermissionSet(live.resources, props.resources ?? []) ? (props.resources ?? []) : live.resources,
        last4Digits: live.last4Digits,
        createdBy: live.createdBy,
        valueExpiresAt: live.expiresAt,
        token: props.token ?? "",
    };
    return { id, state: compact(state) as unknown as ApiTokenState, inputs: compact(declared) };
}

/**
 * Renews the token's value: one reset in the normal case. A token already reset outside Pulumi is
 * renewed through its successor, since its own value is about to stop working.
 */
export async function rotateApiToken(ctx: OperationContext, olds: ApiTokenState, inputs: ApiTokenInputs): Promise<ApiTokenState> {
    const cause = rotationCause(olds, inputs as unknown as Record<string, unknown>, ctx.now);
    if (!cause) {
        return stateFor(inputs, tokenInfoOf(olds), { token: olds.token, issuedAt: Date.parse(olds.issuedAt), previous: previousOf(olds) });
    }
    const { issued, previous } = await resetLiveToken(ctx, olds, cause);
    return stateFor(inputs, issued, { token: issued.token, issuedAt: ctx.now, previous });
}

/** Deletes the live token (one DELETE); a token already gone counts as deleted. */
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

async function adoptApiToken(ctx: OperationContext, inputs: ApiTokenInputs, tokenId: number): Promise<ApiTokenState> {
    const live = await ctx.client.getToken(inputs.accountId, tokenId);
    noteTokenId(inputs.accountId, live.id, true);
    const differences: string[] = [];
    if (live.name !== inputs.name) {
        differences.push(`name is ${JSON.stringify(live.name)} but the inputs say ${JSON.stringify(inputs.name)}`);
    }
    if (!samePermissionSet(live.resources, inputs.resources ?? [])) {
        differences.push(
            `resources are ${describePermissions(live.resources)} but the inputs say ${describePermissions(inputs.resources ?? [])}`,
        );
    }
    if (!sameInstant(live.expiresAt, inputs.expiresAt ?? null)) {
        differences.push(`expiresAt is ${live.expiresAt ?? "never"} but the inputs say ${inputs.expiresAt ?? "never"}`);
    }
    if (differences.length > 0) {
        throw new Error(
            `mailtrap: cannot adopt API token ${tokenId} in account ${inputs.accountId}: ${differences.join("; ")}. Make the inputs match the token, or drop adoptTokenId to create a new one.`,
        );
    }
    // The API never shows a value again: `token` stays empty until the first rotation.
    return stateFor(inputs, live, { token: "", issuedAt: ctx.now });
}

/** Creates made for one resource before giving up, when their outcome stays unknown. */
const CREATE_ATTEMPTS = 3;

/**
 * One create. When its outcome is unknown (no answer, a 5xx), the account is searched for the
 * token it may have made: a token whose value was lost is deleted, and the create made once more.
 * Nothing it made is left behind unrecorded: what cannot be deleted is reported as a partially
 * created resource.
 */
async function issueToken(ctx: OperationContext, inputs: ApiTokenInputs): Promise<IssuedApiToken> {
    const request = { name: inputs.name, resources: inputs.resources ?? [], expiresAt: inputs.expiresAt ?? null };
    for (let attempt = 1; ; attempt++) {
        const watermark = processState().highestTokenId.get(inputs.accountId);
        let failure: MailtrapApiError;
        try {
            const issued = await ctx.client.createToken(inputs.accountId, request);
            noteTokenId(inputs.accountId, issued.id, true);
            return issued;
        } catch (error) {
            if (!(error instanceof MailtrapApiError && error.outcomeUnknown)) {
                throw error;
            }
            failure = error;
        }
        const found = await findCreatedToken(ctx, inputs, watermark).catch((lookupError: Error) => {
            throw new Error(
                `${failure.message}; a token named ${JSON.stringify(inputs.name)} may have been created, and looking for it failed: ${lookupError.message}. Check the account's tokens before running again.`,
            );
        });
        const last = attempt >= CREATE_ATTEMPTS;
        if (found.length > 1) {
            ctx.notify(
                `${failure.message}; tokens ${found.map((t) => t.id).join(", ")} could each be the one it made, so none is deleted: delete the ones no stack holds`,
            );
        } else if (found.length === 1) {
            await deleteValuelessToken(ctx, inputs, found[0], failure);
        }
        if (last) {
            throw failure;
        }
        const outcome =
            found.length === 1
                ? `token ${found[0].id} had been created without a value the provider could read, so it was deleted and`
                : found.length === 0
                  ? "no token was created, so"
                  : "so";
        ctx.notify(`${failure.message}; ${outcome} the create is made once more`);
        await ctx.client.waitBeforeRetry(attempt);
    }
}

async function deleteValuelessToken(
    ctx: OperationContext,
    inputs: ApiTokenInputs,
    token: ApiTokenInfo,
    failure: MailtrapApiError,
): Promise<void> {
    try {
        await ctx.client.deleteToken(inputs.accountId, token.id);
    } catch (deleteError) {
        throw new IncompleteCreateError(
            `${failure.message}; token ${token.id} was created but its value was lost, and deleting it failed: ${(deleteError as Error).message}. It is recorded in the stack; the next update renews its value.`,
            String(token.id),
            compact(stateFor(inputs, token, { token: "", issuedAt: ctx.now })),
        );
    }
}

/**
 * The tokens an unanswered create may have made: same name, permissions and expiry, not held by
 * any resource this process knows of, and newer than every token it had seen before the attempt
 * (token ids only grow). Without such a watermark, only the account's newest token qualifies.
 */
async function findCreatedToken(ctx: OperationContext, inputs: ApiTokenInputs, watermark: number | undefined): Promise<ApiTokenInfo[]> {
    const tokens = await ctx.client.listTokens(inputs.accountId);
    const newest = Math.max(0, ...tokens.map((t) => t.id));
    const held = processState().heldTokenIds;
    return tokens.filter(
        (t) =>
            t.name === inputs.name &&
            samePermissionSet(t.resources, inputs.resources ?? []) &&
            sameInstant(t.expiresAt, inputs.expiresAt ?? null) &&
            !held.has(t.id) &&
            (watermark !== undefined ? t.id > watermark : t.id === newest),
    );
}

/** Resets the live token; recovers the value when the outcome is unknown or it was reset already. */
async function resetLiveToken(
    ctx: OperationContext,
    olds: ApiTokenState,
    cause: RotationCause,
): Promise<{ issued: IssuedApiToken; previous: { id: number; expiresAt: string } }> {
    const { accountId, tokenId } = olds;
    if (cause.kind === "reset-outside") {
        return { issued: await renewThroughSuccessor(ctx, olds, tokenId), previous: { id: tokenId, expiresAt: cause.valueExpiresAt } };
    }
    // Ids above this one can only come from resets or creates made after it.
    const watermark = Math.max(tokenId, processState().highestTokenId.get(accountId) ?? 0);
    try {
        const issued = await ctx.client.resetToken(accountId, tokenId);
        noteTokenId(accountId, issued.id, true);
        return { issued, previous: { id: tokenId, expiresAt: new Date(ctx.now + RESET_GRACE_MS).toISOString() } };
    } catch (error) {
        if (!(error instanceof MailtrapApiError) || !(error.outcomeUnknown || error.status === 422)) {
            throw error;
        }
        // Find out whether the reset happened: a reset token carries an expiry.
        const live = await ctx.client.getToken(accountId, tokenId);
        if (live.expiresAt === null) {
            if (error.status === 422) {
                throw error;
            }
            ctx.notify(`${error.message}; token ${tokenId} was not reset, so the reset is made once more`);
            const issued = await ctx.client.resetToken(accountId, tokenId);
            noteTokenId(accountId, issued.id, true);
            return { issued, previous: { id: tokenId, expiresAt: new Date(ctx.now + RESET_GRACE_MS).toISOString() } };
        }
        ctx.notify(`${error.message}; token ${tokenId} had been reset, so its successor is reset to obtain a value`);
        // A 422 means it was reset before this attempt (outside Pulumi): any later id may be its successor.
        const after = error.status === 422 ? tokenId : watermark;
        return { issued: await renewThroughSuccessor(ctx, olds, after), previous: { id: tokenId, expiresAt: live.expiresAt } };
    }
}

/**
 * A reset token's successor has the same name and permissions, no expiry, an id above `after`, and
 * no resource of this process holds it.
 * Resetting it yields a value nobody else holds. When no single token fits, guessing could reset a
 * token that belongs to something else, so a new token is created in its place instead.
 */
async function renewThroughSuccessor(ctx: OperationContext, olds: ApiTokenState, after: number): Promise<IssuedApiToken> {
    const tokens = await ctx.client.listTokens(olds.accountId);
    const held = processState().heldTokenIds;
    const candidates = tokens.filter(
        (t) =>
            t.id > after &&
            !held.has(t.id) &&
            t.name === olds.name &&
            t.expiresAt === null &&
            samePermissionSet(t.resources, olds.resources ?? []),
    );
    if (candidates.length === 1) {
        const issued = await ctx.client.resetToken(olds.accountId, candidates[0].id);
        noteTokenId(olds.accountId, issued.id, true);
        return issued;
    }
    ctx.notify(
        candidates.length === 0
            ? `mailtrap: token ${olds.tokenId} was reset and no successor is left; a new token is created in its place`
            : `mailtrap: token ${olds.tokenId} was reset and tokens ${candidates.map((t) => t.id).join(", ")} could each be its successor; rather than reset a token that may belong to something else, a new token is created in its place`,
    );
    return issueToken(ctx, { ...inputsOf(olds), accountId: olds.accountId } as ApiTokenInputs);
}

/**
 * Remembers a token id the API has shown this process (what an unanswered create is compared with)
 * and, when a resource holds it, that it is taken.
 */
export function noteTokenId(accountId: number, id: number, held = false): void {
    const { highestTokenId, heldTokenIds } = processState();
    highestTokenId.set(accountId, Math.max(id, highestTokenId.get(accountId) ?? 0));
    if (held) {
        heldTokenIds.add(id);
    }
}

function stateFor(
    inputs: ApiTokenInputs,
    live: ApiTokenInfo,
    value: { token: string; issuedAt: number; previous?: { id: number; expiresAt: string } },
): ApiTokenState {
    return compact({
        name: inputs.name,
        accountId: inputs.accountId,
        resources: inputs.resources ?? live.resources,
        expiresAt: inputs.expiresAt ?? null,
        rotate: inputs.rotate,
        rotateAfterDays: inputs.rotateAfterDays,
        adoptTokenId: inputs.adoptTokenId,
        tokenId: live.id,
        token: value.token,
        last4Digits: live.last4Digits,
        createdBy: live.createdBy,
        issuedAt: new Date(value.issuedAt).toISOString(),
        valueExpiresAt: live.expiresAt,
        previousTokenId: value.previous?.id,
        previousTokenExpiresAt: value.previous?.expiresAt,
    }) as unknown as ApiTokenState;
}

function tokenInfoOf(state: ApiTokenState): ApiTokenInfo {
    return {
        id: state.tokenId,
        name: state.name,
        last4Digits: state.last4Digits,
        createdBy: state.createdBy,
        expiresAt: state.valueExpiresAt ?? null,
        resources: state.resources,
    };
}

function previousOf(state: ApiTokenState): { id: number; expiresAt: string } | undefined {
    return state.previousTokenId !== undefined && state.previousTokenExpiresAt !== undefined
        ? { id: state.previousTokenId, expiresAt: state.previousTokenExpiresAt }
        : undefined;
}

/** The inputs a state echoes, for the engine's next diff. */
function inputsOf(state: Partial<ApiTokenState>): Partial<ApiTokenInputs> {
    return {
        name: state.name,
        accountId: state.accountId,
        resources: state.resources,
        expiresAt: state.expiresAt ?? undefined,
        rotate: state.rotate,
        rotateAfterDays: state.rotateAfterDays,
        adoptTokenId: state.adoptTokenId,
    };
}

/** Drops undefined fields: property maps on the wire cannot hold them. */
function compact<T extends object>(value: T): Record<string, unknown> {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

function samePermissionSet(a: ApiTokenPermission[], b: ApiTokenPermission[]): boolean {
    const canonical = (list: ApiTokenPermission[]) =>
        list
            .map((p) => `${permissionKey(p)}:${p.accessLevel}`)
            .sort()
            .join(",");
    return canonical(a) === canonical(b);
}

function sameInstant(a: string | null, b: string | null): boolean {
    return (a === null ? null : Date.parse(a)) === (b === null ? null : Date.parse(b));
}

function describePermissions(list: ApiTokenPermission[]): string {
    return list.length === 0 ? "none" : list.map((p) => `${p.resourceType} ${String(p.resourceId)} ${p.accessLevel}`).join(", ");
}
