import { MailtrapApiError } from "../client/errors";
import { ApiTokenInfo, ApiTokenInputs, ApiTokenState, IssuedApiToken } from "../types";
import { OperationContext } from "./context";
import { StepFailedAfterIssue } from "./stepFailure";
import {
    describeTokens,
    highestSeenTokenId,
    isHeld,
    isReplacementCreate,
    leftoverAdvice,
    noteHolder,
    noteTokenId,
    otherHolderOf,
} from "./ownership";
import { DAY_MS, expiryForNewToken, firstEvidence, recordOf } from "./schedule";
import { aboutResource, adoptedLive, describeResource, issuedLive, stateFor } from "./tokenState";
import { describePermissions, sameInstant, samePermissions } from "./values";

/**
 * Creates made for one resource in one operation when their outcome stays unknown. Each lost
 * answer may leave one token behind whose value nobody holds (named to the user), so a resource's
 * `pulumi up` leaves at most this many such tokens: two when both answers are lost.
 */
export const CREATE_ATTEMPTS = 2;

/** Creates the token (one POST), or adopts `adoptTokenId` (one GET) at the resource's first create. */
export async function createApiToken(ctx: OperationContext, inputs: ApiTokenInputs): Promise<ApiTokenState> {
    if (inputs.adoptTokenId !== undefined && inputs.adoptTokenId !== null) {
        if (!isReplacementCreate(inputs)) {
            return adoptApiToken(ctx, inputs, inputs.adoptTokenId);
        }
        ctx.notify(
            `mailtrap: ${describeResource(inputs.__resourceName, inputs.name)} is replaced by a new token: adoptTokenId ${inputs.adoptTokenId} applies only to the resource's first create`,
        );
    }
    const issued = await issueToken(ctx, inputs, requestFor(inputs, ctx.now));
    noteHolder(inputs, inputs.accountId, [issued.id]);
    return stateFor(inputs, {
        live: issuedLive(issued, ctx.now),
        previous: [],
        evidence: firstEvidence(recordOf(issued, ctx.now, "created")),
    });
}

/** What a new token must be: the declared name and permissions, and the expiry for a token issued now. */
export interface IssueRequest {
    name: string;
    resources: ApiTokenInputs["resources"] & object;
    expiresAt: string | null;
}

export function requestFor(inputs: ApiTokenInputs, now: number): IssueRequest {
    return { name: inputs.name, resources: inputs.resources ?? [], expiresAt: expiryForNewToken(inputs, now) };
}

/** How an issued token differs from what was asked (expiry to the second, name, permissions as a set); empty when it does not. */
export function differencesFromRequest(issued: ApiTokenInfo, request: IssueRequest): string[] {
    const differences: string[] = [];
    if (!sameInstant(issued.expiresAt, request.expiresAt)) {
        differences.push(`expiry ${issued.expiresAt ?? "never"} (asked: ${request.expiresAt ?? "never"})`);
    }
    if (issued.name !== request.name) {
        differences.push(`name ${JSON.stringify(issued.name)} (asked: ${JSON.stringify(request.name)})`);
    }
    if (!samePermissions(issued.resources, request.resources)) {
        differences.push(`permissions ${describePermissions(issued.resources)} (asked: ${describePermissions(request.resources)})`);
    }
    return differences;
}

async function adoptApiToken(ctx: OperationContext, inputs: ApiTokenInputs, tokenId: number): Promise<ApiTokenState> {
    const cannotAdopt = `mailtrap: ${describeResource(inputs.__resourceName, inputs.name)} cannot adopt API token ${tokenId}${inputs.accountId === undefined ? "" : ` in account ${inputs.accountId}`}`;
    const holder = otherHolderOf(inputs.accountId, tokenId, inputs);
    if (holder) {
        // Destroying either resource would delete the token under the other.
        throw new Error(
            `${cannotAdopt}: ${holder.name ? `ApiToken "${holder.name}"` : "another resource"} of this stack holds it. Drop adoptTokenId to create a new token, or adopt a token no resource holds.`,
        );
    }
    let live: ApiTokenInfo;
    try {
        live = await ctx.client.getToken(inputs.accountId, tokenId);
    } catch (error) {
        if (error instanceof MailtrapApiError && error.isNotFound) {
            throw new Error(`${cannotAdopt}: no such token exists (it may have been deleted). Drop adoptTokenId to create a new token.`, {
                cause: error,
            });
        }
        throw error;
    }
    noteTokenId(inputs.accountId, live.id, true);
    noteHolder(inputs, inputs.accountId, [live.id]);
    const differences: string[] = [];
    if (live.name !== inputs.name) {
        differences.push(`name is ${JSON.stringify(live.name)} but the inputs say ${JSON.stringify(inputs.name)}`);
    }
    if (!samePermissions(live.resources, inputs.resources ?? [])) {
        differences.push(
            `resources are ${describePermissions(live.resources)} but the inputs say ${describePermissions(inputs.resources ?? [])}`,
        );
    }
    if (inputs.expiresInDays !== undefined) {
        // A rolling token adopts only a token that expires within one lifetime from now.
        const latest = ctx.now + inputs.expiresInDays * DAY_MS;
        if (live.expiresAt === null || Date.parse(live.expiresAt) > latest) {
            differences.push(
                `expiresAt is ${live.expiresAt ?? "never"} but expiresInDays ${inputs.expiresInDays} needs a token that expires by ${new Date(latest).toISOString()}`,
            );
        }
    } else if (!sameInstant(live.expiresAt, inputs.expiresAt ?? null)) {
        differences.push(`expiresAt is ${live.expiresAt ?? "never"} but the inputs say ${inputs.expiresAt ?? "never"}`);
    }
    if (differences.length > 0) {
        throw new Error(
            `${cannotAdopt}: ${differences.join("; ")}. Make the inputs match the token, or drop adoptTokenId to create a new one.`,
        );
    }
    // The API never shows a value again: `token` stays empty until the first rotation.
    return stateFor(inputs, {
        live: adoptedLive(live, ctx.now),
        previous: [],
        evidence: firstEvidence(recordOf(live, ctx.now, "adopted")),
    });
}

/**
 * Issues a new token (one POST), read back against the request. When an answer is lost (no answer,
 * a 5xx, an unreadable body), the API may have made the token anyway; nothing proves which token
 * that is (other stacks share the account and the name), so it is never deleted: it is named to the
 * user and the create is made once more, up to CREATE_ATTEMPTS. A token answered not as asked is
 * the provider's own (its value came back only here): it is deleted, and the create fails naming
 * the difference; if that delete fails too, the error carries it to the state, to delete later.
 */
export async function issueToken(ctx: OperationContext, inputs: ApiTokenInputs, request: IssueRequest): Promise<IssuedApiToken> {
    // Ids only grow: a token the lost create made lies above every id seen before it.
    const floor = highestSeenTokenId(inputs.accountId);
    const label = describeResource(inputs.__resourceName, inputs.name);
    let lost: MailtrapApiError | undefined;
    for (let attempt = 1; ; attempt++) {
        let issued: IssuedApiToken;
        try {
            issued = await ctx.client.createToken(inputs.accountId, request);
        } catch (error) {
            const outcomeUnknown = error instanceof MailtrapApiError && error.outcomeUnknown;
            if (!outcomeUnknown && !lost) {
                throw error;
            }
            if (!outcomeUnknown || attempt >= CREATE_ATTEMPTS) {
                throw new Error(
                    `${aboutResource(label, (error as Error).message)}; ${await describeLeftovers(ctx, inputs, request, floor, undefined)}`,
                    { cause: error },
                );
            }
            lost = error as MailtrapApiError;
            ctx.notify(
                `${aboutResource(label, lost.message)}; the API may have made the token anyway, so the create is made once more and whatever it made is left alone`,
            );
            await ctx.client.waitBeforeRetry(attempt);
            continue;
        }
        noteTokenId(inputs.accountId, issued.id, true);
        if (lost) {
            ctx.notify(aboutResource(label, await describeLeftovers(ctx, inputs, request, floor, issued.id)));
        }
        const differences = differencesFromRequest(issued, request);
        if (differences.length > 0) {
            await refuseUnasked(ctx, inputs, issued, differences, label);
        }
        return issued;
    }
}

async function refuseUnasked(ctx: OperationContext, inputs: ApiTokenInputs, issued: IssuedApiToken, differences: string[], label: string) {
    const message = aboutResource(
        label,
        `the create answered token ${issued.id} with ${differences.join(", ")}, so it is deleted and the create fails`,
    );
    try {
        await ctx.client.deleteToken(inputs.accountId, issued.id);
    } catch (error) {
        throw new StepFailedAfterIssue(
            `${message}; deleting it failed too (${(error as Error).message}): the stack keeps it (without its value) and renews it at the next pulumi up`,
            stateFor(inputs, {
                live: { ...issuedLive(issued, ctx.now), value: "" },
                previous: [],
                evidence: firstEvidence(recordOf(issued, ctx.now, "created")),
            }),
            { cause: error },
        );
    }
    throw new Error(message);
}

/**
 * Names the tokens a lost create may have made: same name, permissions and expiry, not held by
 * this process, above every id seen before the create and below the one it finally made.
 */
async function describeLeftovers(
    ctx: OperationContext,
    inputs: ApiTokenInputs,
    request: IssueRequest,
    above: number | undefined,
    below: number | undefined,
): Promise<string> {
    const lookFor = `tokens named ${JSON.stringify(inputs.name)} created at about ${new Date(ctx.now).toISOString()}`;
    let tokens: ApiTokenInfo[];
    try {
        tokens = await ctx.client.listTokens(inputs.accountId);
    } catch (error) {
        return `an answer was lost, so the API may have made a token that no stack holds; listing the account to name it failed (${(error as Error).message}): look for ${lookFor}; ${leftoverAdvice(inputs.accountId)}`;
    }
    const candidates = tokens.filter(
        (t) =>
            t.name === inputs.name &&
            samePermissions(t.resources, inputs.resources ?? []) &&
            sameInstant(t.expiresAt, request.expiresAt) &&
            !isHeld(t.id) &&
            (above === undefined || t.id > above) &&
            (below === undefined || t.id < below),
    );
    if (candidates.length === 0) {
        return `an answer was lost, and no token it may have made is listed yet (the API may still apply it: look again for ${lookFor})`;
    }
    return `an answer was lost; token${candidates.length > 1 ? "s" : ""} ${describeTokens(candidates)} may have been made by it and ${candidates.length > 1 ? "are" : "is"} left in place, since ${candidates.length > 1 ? "they" : "it"} may belong to another stack: ${leftoverAdvice(inputs.accountId)}`;
}
