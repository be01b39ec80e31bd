import { MailtrapApiError } from "../client/errors";
import { ApiTokenInfo, ApiTokenInputs, ApiTokenState, IssuedApiToken, PreviousToken } from "../types";
import { OperationContext } from "./context";
import { differencesFromRequest, issueToken, IssueRequest, requestFor } from "./create";
import { describeTokens, highestSeenTokenId, isHeld, leftoverAdvice, noteHolder, noteTokenId } from "./ownership";
import { CAUSE_NAMES, rotationCause } from "./renewalCause";
import { FinalStep, Move, nextMove, oldTokenEnd, Outcome, Probe, readOldToken, RenewalFacts, WriteAnswer } from "./renewalPlan";
import { recordOf, retirementsDue, withRenewal } from "./schedule";
import { StepFailedAfterIssue } from "./stepFailure";
import { aboutResource, describeResource, issuedLive, LiveToken, partsOf, stateFor, TokenParts } from "./tokenState";
import { samePermissions } from "./values";

/**
 * An update: deletes the previous tokens whose grace has ended, then renews the live token's value
 * when it must (renewalCause.ts says why). How a renewal goes is decided in renewalPlan.ts, one
 * move at a time from what the API answered; this file only makes the requests, reads back what
 * they answered and records it. Every token a step issued reaches the state, also when a later
 * step fails (StepFailedAfterIssue), and no token the state holds leaves it while still valid.
 */
export async function rotateApiToken(ctx: OperationContext, stored: ApiTokenState, inputs: ApiTokenInputs): Promise<ApiTokenState> {
    const parts = partsOf(stored);
    const label = describeResource(inputs.__resourceName, parts.echoed.name ?? inputs.name, parts.live.info.id);
    const unfinished: string[] = [];
    const previous = await retire(ctx, inputs.accountId, parts.previous, unfinished);
    const cause = rotationCause(parts, inputs as unknown as Record<string, unknown>, ctx.now);
    let state: ApiTokenState;
    if (!cause) {
        state = stateFor(inputs, { ...parts, previous });
    } else {
        const renewal = new Renewal(ctx, inputs, { ...parts, previous }, label, unfinished);
        const { live, previous: after } = await renewal.run({ cause, sentAt: ctx.now, live: parts.live });
        const evidence = withRenewal(parts.evidence, recordOf(live.info, ctx.now, CAUSE_NAMES[cause.kind]));
        noteHolder(inputs, inputs.accountId, [live.info.id, ...after.map((p) => p.tokenId)]);
        state = stateFor(inputs, { live, previous: after, evidence });
    }
    if (unfinished.length > 0) {
        // The state holds every token still to delete; the update reports that it did not finish, and the next one deletes them.
        throw new StepFailedAfterIssue(
            aboutResource(
                label,
                `${unfinished.join("; ")}: the stack keeps ${unfinished.length > 1 ? "them" : "it"} and the next pulumi up deletes ${unfinished.length > 1 ? "them" : "it"}`,
            ),
            state,
        );
    }
    return state;
}

/**
 * The previous tokens that stay: those whose grace has ended are deleted (a failed delete keeps the
 * token, to be deleted at the next update), and those the API expired by itself are let go.
 */
async function retire(
    ctx: OperationContext,
    accountId: number | undefined,
    previous: PreviousToken[],
    unfinished: string[],
): Promise<PreviousToken[]> {
    const due = new Set(retirementsDue(previous, ctx.now));
    const kept: PreviousToken[] = [];
    for (const token of previous) {
        if (due.has(token)) {
            try {
                await deleteHeldToken(ctx, accountId, token.tokenId);
            } catch (error) {
                unfinished.push(`deleting previous token ${token.tokenId} failed (${(error as Error).message})`);
                kept.push(token);
            }
        } else if (token.retiredBy === "delete" || Date.parse(token.expiresAt) > ctx.now) {
            kept.push(token);
        }
    }
    return kept;
}

/** Deletes a token the state holds; one already gone counts as deleted. */
export async function deleteHeldToken(ctx: OperationContext, accountId: number | undefined, tokenId: number): Promise<void> {
    try {
        await ctx.client.deleteToken(accountId, tokenId);
    } catch (error) {
        if (!(error instanceof MailtrapApiError && error.isNotFound)) {
            throw error;
        }
    }
}

/** One renewal: asks renewalPlan.ts for the next move, makes it, records what the API answered. */
class Renewal {
    private readonly request: IssueRequest;
    /** Tokens issued in this update whose value the provider holds, newest last: the state must keep them. */
    private readonly issued: IssuedApiToken[] = [];
    private created?: IssuedApiToken;
    private readonly extraPrevious: PreviousToken[] = [];
    private readonly watermark: number;

    constructor(
        private readonly ctx: OperationContext,
        private readonly inputs: ApiTokenInputs,
        private readonly parts: Omit<TokenParts, "echoed">,
        private readonly label: string,
        /** Deletes that failed: the tokens stay in the state and the update fails after recording it. */
        private readonly unfinished: string[],
    ) {
        this.request = requestFor(inputs, ctx.now);
        // Ids only grow: a token made by this update's requests lies above every id seen before them.
        this.watermark = Math.max(parts.live.info.id, highestSeenTokenId(inputs.accountId) ?? 0);
    }

    async run(facts: RenewalFacts): Promise<{ live: LiveToken; previous: PreviousToken[] }> {
        for (;;) {
            const move: Move = nextMove(facts);
            if ("probe" in move) {
                facts = await this.probe(move.probe, facts);
                continue;
            }
            return this.finish(move.situation, move.outcome, facts);
        }
    }

    private async probe(probe: Probe, facts: RenewalFacts): Promise<RenewalFacts> {
        const tokenId = facts.live.info.id;
        switch (probe) {
            case "reset":
                return { ...facts, reset: await this.reset(tokenId) };
            case "reset-again":
                this.say(
                    facts.oldToken?.reading === "not-reset"
                        ? `${describeAnswer(facts.reset)}; token ${tokenId} was not reset, so the reset is made once more`
                        : `${describeAnswer(facts.reset)}; token ${tokenId} expires within the grace, where a reset would not move its expiry, so the reset is made once more`,
                );
                return { ...facts, retry: await this.reset(tokenId) };
            case "read-old-token": {
                const current = await this.getIfPresent(tokenId);
                return { ...facts, oldToken: { reading: readOldToken(facts.live, current, facts.sentAt), info: current } };
            }
            case "list-successors":
                return { ...facts, successors: await this.successorsOf(tokenId, this.watermark) };
        }
    }

    private async finish(
        situation: string,
        outcome: Outcome,
        facts: RenewalFacts,
    ): Promise<{ live: LiveToken; previous: PreviousToken[] }> {
        const old = facts.live;
        const oldEnd = oldTokenEnd(outcome.old, old, facts.oldToken?.info, facts.sentAt);
        const previous = [...this.parts.previous];
        if (oldEnd !== undefined) {
            previous.push({
                tokenId: old.info.id,
                expiresAt: oldEnd,
                retiredBy: outcome.old === "deleted-after-grace" ? "delete" : "expiry",
            });
        }
        // The token the update's last reset issued: the new live token, or, answered not as asked, one to delete.
        const lastReset = answerIssued(facts.retry) ?? answerIssued(facts.reset);
        for (const step of outcome.steps) {
            await this.runStep(step, facts, previous, lastReset);
        }
        const liveToken = outcome.live === "reset" ? lastReset : this.created;
        if (!liveToken) {
            throw new Error(`mailtrap: ${this.label}: the renewal (${situation}) issued no token`);
        }
        return { live: issuedLive(liveToken, this.ctx.now), previous: [...previous, ...this.extraPrevious] };
    }

    private async runStep(
        step: FinalStep,
        facts: RenewalFacts,
        previous: PreviousToken[],
        unasked: IssuedApiToken | undefined,
    ): Promise<void> {
        const old = facts.live.info;
        switch (step) {
            case "fail":
                throw ((facts.retry ?? facts.reset) as { error: Error }).error;
            case "delete-old-token":
                try {
                    await deleteHeldToken(this.ctx, this.inputs.accountId, old.id);
                } catch (error) {
                    this.unfinished.push(`deleting expired token ${old.id} failed (${(error as Error).message})`);
                    previous.push({
                        tokenId: old.id,
                        expiresAt: old.expiresAt ?? new Date(this.ctx.now).toISOString(),
                        retiredBy: "delete",
                    });
                }
                return;
            case "delete-proven-successor": {
                const successor = facts.successors![0];
                this.say(
                    `${describeAnswer(facts.reset)}; token ${old.id} was reset by this update (its expiry moved to the end of this request's grace), so its successor ${successor.id}, whose value was lost, is deleted`,
                );
                await this.deleteOrKeep(successor.id, new Date(this.ctx.now).toISOString());
                return;
            }
            case "delete-unasked-successor":
                await this.deleteOrKeep(unasked!.id, new Date(this.ctx.now).toISOString());
                return;
            case "create":
                await this.create(facts, unasked);
                return;
            case "name-outside-successors": {
                const successors = await this.successorsOf(old.id, old.id).catch(() => undefined);
                const named =
                    successors === undefined
                        ? "listing the account to name its successor failed"
                        : successors.length === 0
                          ? "no successor of it is listed"
                          : `token${successors.length > 1 ? "s" : ""} ${describeTokens(successors)} may be its successor, made for whoever reset it, and ${successors.length > 1 ? "are" : "is"} left alone: ${leftoverAdvice(this.inputs.accountId)}`;
                this.say(`token ${old.id} was reset outside Pulumi, so new token ${this.created!.id} is issued in its place; ${named}`);
                return;
            }
            case "name-unproven-successors": {
                const candidates = facts.successors ?? (await this.successorsOf(old.id, this.watermark).catch(() => undefined));
                const named =
                    candidates === undefined
                        ? `listing the account to name it failed: look for tokens named ${JSON.stringify(this.inputs.name)} above id ${old.id}`
                        : candidates.length === 0
                          ? "no token that could be it is listed"
                          : `token${candidates.length > 1 ? "s" : ""} ${describeTokens(candidates)} could be it, and nothing proves which, so ${candidates.length > 1 ? "they are" : "it is"} left alone: ${leftoverAdvice(this.inputs.accountId)}`;
                this.say(
                    `${describeAnswer(facts.retry ?? facts.reset)}; token ${old.id} may have been reset by this update, and its successor's value was lost; new token ${this.created!.id} is issued in its place; ${named}`,
                );
                return;
            }
        }
    }

    /** Issues a new token; a failure after this update issued a token with a value carries that token to the state. */
    private async create(facts: RenewalFacts, unasked: IssuedApiToken | undefined): Promise<void> {
        try {
            this.created = await issueToken(this.ctx, this.inputs, this.request);
        } catch (error) {
            if (unasked) {
                throw new StepFailedAfterIssue(
                    aboutResource(
                        this.label,
                        `${(error as Error).message}; token ${unasked.id}, issued by this update's reset, is kept as the live token`,
                    ),
                    stateFor(this.inputs, {
                        live: issuedLive(unasked, this.ctx.now),
                        previous: [...this.parts.previous, ...this.previousAfterReset(facts)],
                        evidence: withRenewal(this.parts.evidence, recordOf(unasked, this.ctx.now, CAUSE_NAMES[facts.cause.kind])),
                    }),
                    { cause: error },
                );
            }
            throw error;
        }
        if (unasked) {
            const differences = differencesFromRequest(unasked, this.request);
            this.say(
                `the reset of token ${facts.live.info.id} answered successor ${unasked.id} with ${differences.join(", ")}: the API does not give a reset's successor the declared expiry, so new token ${this.created.id} is issued with it and ${unasked.id} is deleted`,
            );
        }
    }

    /** The old token after a reset that took effect: in its grace. */
    private previousAfterReset(facts: RenewalFacts): PreviousToken[] {
        const end = oldTokenEnd("expires-after-grace", facts.live, undefined, facts.sentAt);
        return end === undefined ? [] : [{ tokenId: facts.live.info.id, expiresAt: end, retiredBy: "expiry" }];
    }

    /** Deletes a token this update proved its own; when that fails, the state keeps it, to delete at the next update. */
    private async deleteOrKeep(tokenId: number, deleteAfter: string): Promise<void> {
        try {
            await deleteHeldToken(this.ctx, this.inputs.accountId, tokenId);
        } catch (error) {
            this.unfinished.push(`deleting token ${tokenId} failed (${(error as Error).message})`);
            this.extraPrevious.push({ tokenId, expiresAt: deleteAfter, retiredBy: "delete" });
        }
    }

    /** One reset stating the declared expiry, its answer read back against the request. */
    private async reset(tokenId: number): Promise<WriteAnswer> {
        try {
            const issued = await this.ctx.client.resetToken(this.inputs.accountId, tokenId, this.request.expiresAt);
            noteTokenId(this.inputs.accountId, issued.id, true);
            this.issued.push(issued);
            const differences = differencesFromRequest(issued, this.request);
            return differences.length === 0 ? { kind: "as-asked", issued } : { kind: "not-as-asked", issued, differences };
        } catch (error) {
            if (!(error instanceof MailtrapApiError)) {
                throw error;
            }
            if (error.isNotFound) {
                return { kind: "not-found", error };
            }
            if (error.outcomeUnknown) {
                return { kind: "lost", error };
            }
            if (error.status === 422) {
                return { kind: "refused", error };
            }
            throw error;
        }
    }

    private async getIfPresent(tokenId: number): Promise<ApiTokenInfo | undefined> {
        try {
            return await this.ctx.client.getToken(this.inputs.accountId, tokenId);
        } catch (error) {
            if (error instanceof MailtrapApiError && error.isNotFound) {
                return undefined;
            }
            throw error;
        }
    }

    /**
     * Tokens that could be a reset token's successor: a reset keeps name and permissions, and ids only
     * grow, so every token above `after` with the same name and permissions that no resource holds.
     * The expiry proves nothing (another stack may have asked for the same one), so it is not read:
     * when the reset is known to be this update's, exactly one such token is its successor; more
     * than one, and nothing tells which.
     */
    private async successorsOf(tokenId: number, after: number): Promise<ApiTokenInfo[]> {
        const tokens = await this.ctx.client.listTokens(this.inputs.accountId);
        const old = this.parts.live.info;
        return tokens.filter(
            (t) => t.id > after && t.id !== tokenId && !isHeld(t.id) && t.name === old.name && samePermissions(t.resources, old.resources),
        );
    }

    private say(message: string): void {
        this.ctx.notify(aboutResource(this.label, message));
    }
}

function answerIssued(answer: WriteAnswer | undefined): IssuedApiToken | undefined {
    return answer && (answer.kind === "as-asked" || answer.kind === "not-as-asked") ? answer.issued : undefined;
}

function describeAnswer(answer: WriteAnswer | undefined): string {
    return answer && "error" in answer ? answer.error.message : "the reset's answer was lost";
}
