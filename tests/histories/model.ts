/**
 * Random histories of one ApiToken (fast-check's model-based testing): `up` with changed
 * declarations, refresh, time passing, resets and deletes made outside Pulumi, another stack's
 * token of the same name, an adoption of the held token, and API faults on every route. After
 * every step the invariants below hold; a failing history shrinks to a minimal one.
 *
 * (a) no reset or delete ever reaches a token made outside the stack;
 * (b) a preview right after a successful `up` proposes nothing;
 * (c) after a successful `up` the live token's expiry is the declared one (once read: an outside change
 *     that no refresh or renewal has read yet waits for one);
 * (d) every live token the stack issued is held by the state (predecessors in their grace
 *     included), or was named to the user as left alone;
 * (e) the state's value is the live token's, once a refresh or a renewal has read it;
 * (f) after a failed `up`, the next `up` without the fault succeeds;
 * (g) destroy leaves nothing the stack issued live, named leftovers aside.
 * A delete (destroy, or a replacement's) leaves a reset token in its grace to expire by itself, as
 * documented: (d) and (g) allow those.
 */
import * as fc from "fast-check";
import type { ApiModel, FaultRule } from "../../provider/emulator/types";
import { sameInstant } from "../../provider/lifecycle/values";
import { DAY_MS, Declaration, HistoryStack, HistoryStackLike, HOUR_MS } from "./historyStack";

/** What the model knows: the declaration the program has now, and whether the last `up` failed. */
export interface Model {
    declaration?: Declaration;
    lastUpFailed: boolean;
}

/** The system: the stack, and what the test knows of tokens outside it. */
export interface Real {
    stack: HistoryStackLike;
    /** Tokens made outside the stack (another stack's, an outside reset's successors): never to be touched. */
    outside: Set<number>;
    /** Tokens the provider named as left alone. */
    named: Set<number>;
    adminTokenId: number;
}

const PERMISSION_SETS = [
    [{ resourceType: "project" as const, resourceId: 42, accessLevel: "viewer" as const }],
    [{ resourceType: "inbox" as const, resourceId: 7, accessLevel: "admin" as const }],
];

export interface DeclarationChoice {
    rotate?: string;
    expiresInDays?: number;
    rotateAfterDays?: number;
    fixedExpiryDays?: number;
    permissions: number;
}

const declarationChoice: fc.Arbitrary<DeclarationChoice> = fc
    .record({
        rotate: fc.constantFrom(undefined, "1", "2"),
        schedule: fc.oneof(
            fc.constant({}),
            fc.record({ expiresInDays: fc.constantFrom(1, 2, 7, 30, 90, 180) }),
            fc.record({ expiresInDays: fc.constantFrom(30, 90, 180), rotateAfterDays: fc.constantFrom(1, 10, 20) }),
            fc.record({ rotateAfterDays: fc.constantFrom(1, 10, 45) }),
            fc.record({ fixedExpiryDays: fc.integer({ min: 1, max: 400 }) }),
        ),
        permissions: fc.constantFrom(0, 1),
    })
    .map(({ rotate, schedule, permissions }) => ({ rotate, permissions, ...schedule }));

type FaultChoice = { route: keyof typeof ROUTES; fault: FaultRule["fault"]; times: number };

const ROUTES = {
    create: { method: "POST", path: /\/api_tokens$/ },
    reset: { method: "POST", path: /\/reset$/ },
    get: { method: "GET", path: /\/api_tokens\/\d+$/ },
    list: { method: "GET", path: /\/api_tokens$/ },
    delete: { method: "DELETE", path: /\/api_tokens\/\d+$/ },
};

const faultChoice: fc.Arbitrary<FaultChoice> = fc.record({
    route: fc.constantFrom(...(Object.keys(ROUTES) as (keyof typeof ROUTES)[])),
    fault: fc.constantFrom<FaultRule["fault"]>(
        { kind: "status", status: 503 },
        { kind: "apply-then-drop" },
        { kind: "apply-then-status", status: 503 },
        { kind: "status", status: 429, headers: { "Retry-After": "0" } },
    ),
    times: fc.constantFrom(1, 2),
});

function describeChoice(choice: DeclarationChoice): string {
    const parts = [`permissions ${choice.permissions}`];
    if (choice.rotate !== undefined) parts.push(`rotate ${choice.rotate}`);
    if (choice.expiresInDays !== undefined) parts.push(`expiresInDays ${choice.expiresInDays}`);
    if (choice.rotateAfterDays !== undefined) parts.push(`rotateAfterDays ${choice.rotateAfterDays}`);
    if (choice.fixedExpiryDays !== undefined) parts.push(`expiresAt +${choice.fixedExpiryDays}d`);
    return parts.join(", ");
}

/** The declaration a choice makes at `now`; a fixed expiry is kept while it is more than a day away. */
function declarationAt(choice: DeclarationChoice, now: number, previous?: Declaration): Declaration {
    const declaration: Declaration = { resources: PERMISSION_SETS[choice.permissions] };
    if (choice.rotate !== undefined) declaration.rotate = choice.rotate;
    if (choice.expiresInDays !== undefined) declaration.expiresInDays = choice.expiresInDays;
    if (choice.rotateAfterDays !== undefined) declaration.rotateAfterDays = choice.rotateAfterDays;
    if (choice.fixedExpiryDays !== undefined) {
        const kept = previous?.expiresAt && Date.parse(previous.expiresAt) > now + DAY_MS ? previous.expiresAt : undefined;
        declaration.expiresAt = kept ?? new Date(Math.floor((now + choice.fixedExpiryDays * DAY_MS) / 1000) * 1000).toISOString();
    }
    return declaration;
}

function choiceOf(declaration: Declaration): DeclarationChoice {
    return {
        rotate: declaration.rotate,
        expiresInDays: declaration.expiresInDays,
        rotateAfterDays: declaration.rotateAfterDays,
        fixedExpiryDays: declaration.expiresAt ? 30 : undefined,
        permissions: PERMISSION_SETS.indexOf(declaration.resources as (typeof PERMISSION_SETS)[number]),
    };
}

// ---- commands ----

class Up implements fc.AsyncCommand<Model, Real, false> {
    constructor(
        readonly choice: DeclarationChoice | "same",
        readonly fault?: FaultChoice,
        readonly adoptHeld = false,
    ) {}
    check(model: Readonly<Model>): boolean {
        return this.choice !== "same" || model.declaration !== undefined;
    }
    async run(model: Model, real: Real): Promise<void> {
        const { stack } = real;
        const choice = this.choice === "same" ? choiceOf(model.declaration!) : this.choice;
        const declaration = declarationAt(choice, stack.now, model.declaration);
        const mustSucceed = model.lastUpFailed;
        stack.emulator.clearFaults();
        if (this.fault && !mustSucceed) {
            const route = ROUTES[this.fault.route];
            stack.emulator.injectFault({ ...route, fault: this.fault.fault, times: this.fault.times });
        }
        const adopt = this.adoptHeld && stack.state ? { adoptTokenId: stack.state.tokenId } : undefined;
        const result = await observed(real, () => stack.up(declaration, adopt));
        stack.emulator.clearFaults();
        model.declaration = declaration;
        if (!result.ok && mustSucceed) {
            throw new Error(`(f) the up after a failed up, without a fault, failed: ${result.error.message}`);
        }
        model.lastUpFailed = !result.ok;
        if (adopt && result.adoption?.ok) {
            throw new Error(`(5) a second resource adopted token ${adopt.adoptTokenId}, which the stack holds`);
        }
        if (result.ok) {
            await settled(real, declaration);
        }
        checkAllHeld(real);
    }
    toString(): string {
        const what = this.choice === "same" ? "same declaration" : describeChoice(this.choice);
        const fault = this.fault ? `, fault ${this.fault.route} ${JSON.stringify(this.fault.fault)} x${this.fault.times}` : "";
        return `up(${what}${fault}${this.adoptHeld ? ", another resource adopts its token" : ""})`;
    }
}

class Refresh implements fc.AsyncCommand<Model, Real, false> {
    check = (model: Readonly<Model>) => model.declaration !== undefined;
    async run(_model: Model, real: Real): Promise<void> {
        if (!real.stack.state) return;
        const result = await observed(real, () => real.stack.refresh());
        if (result.ok) checkValueIsLive(real);
        checkAllHeld(real);
    }
    toString = () => "refresh";
}

class TimePasses implements fc.AsyncCommand<Model, Real, false> {
    constructor(readonly ms: number) {}
    check = () => true;
    async run(_model: Model, real: Real): Promise<void> {
        real.stack.advance(this.ms);
    }
    toString = () => `${this.ms >= DAY_MS ? `${this.ms / DAY_MS} days` : `${this.ms / HOUR_MS} hours`} pass`;
}

/** A teammate resets the live token in the Mailtrap UI (minutes before anything else happens). */
class ResetOutside implements fc.AsyncCommand<Model, Real, false> {
    constructor(readonly expiresAt: "omitted" | "never" | "in a month") {}
    check = (model: Readonly<Model>) => model.declaration !== undefined;
    async run(_model: Model, real: Real): Promise<void> {
        const { stack } = real;
        if (!stack.state) return;
        const expiry =
            this.expiresAt === "omitted" ? undefined : this.expiresAt === "never" ? null : new Date(stack.now + 30 * DAY_MS).toISOString();
        try {
            real.outside.add(stack.emulator.resetToken(stack.emulator.accountId, stack.state.tokenId, expiry).id);
        } catch {
            // Refused as the API refuses it (already reset, expired, gone): nothing happened.
        }
        stack.advance(5 * 60_000);
    }
    toString = () => `reset outside Pulumi (successor expiry ${this.expiresAt})`;
}

class DeleteOutside implements fc.AsyncCommand<Model, Real, false> {
    check = (model: Readonly<Model>) => model.declaration !== undefined;
    async run(_model: Model, real: Real): Promise<void> {
        const { stack } = real;
        if (stack.state) stack.emulator.deleteToken(stack.emulator.accountId, stack.state.tokenId);
    }
    toString = () => "the live token is deleted outside Pulumi";
}

/** Another stack makes a token of the same name and permissions. */
class OtherStackToken implements fc.AsyncCommand<Model, Real, false> {
    constructor(
        readonly permissions: number,
        readonly never: boolean,
    ) {}
    check = () => true;
    async run(_model: Model, real: Real): Promise<void> {
        const { stack } = real;
        const resources = PERMISSION_SETS[this.permissions].map((p) => ({
            resource_type: p.resourceType,
            resource_id: p.resourceId,
            access_level: p.accessLevel === "admin" ? (100 as const) : (10 as const),
        }));
        const token = stack.emulator.createToken(stack.emulator.accountId, {
            name: "ci-sending",
            resources,
            ...(this.never ? { expires_at: null } : {}),
        });
        real.outside.add(token.id);
    }
    toString = () =>
        `another stack creates a token of the same name (permissions ${this.permissions}${this.never ? ", never expires" : ""})`;
}

export const commands = fc.commands(
    [
        fc
            .tuple(
                fc.oneof(declarationChoice, fc.constant("same" as const)),
                fc.option(faultChoice, { nil: undefined, freq: 3 }),
                fc.boolean(),
            )
            .map(([choice, fault, adopt]) => new Up(choice, fault, adopt && fault === undefined && choice === "same")),
        fc.constant(new Refresh()),
        fc
            .constantFrom(
                HOUR_MS,
                6 * HOUR_MS,
                11 * HOUR_MS,
                13 * HOUR_MS,
                DAY_MS,
                3 * DAY_MS,
                20 * DAY_MS,
                40 * DAY_MS,
                80 * DAY_MS,
                200 * DAY_MS,
            )
            .map((ms) => new TimePasses(ms)),
        fc.constantFrom("omitted" as const, "never" as const, "in a month" as const).map((expiry) => new ResetOutside(expiry)),
        fc.constant(new DeleteOutside()),
        fc.tuple(fc.constantFrom(0, 1), fc.boolean()).map(([permissions, never]) => new OtherStackToken(permissions, never)),
    ],
    { maxCommands: 14 },
);

// ---- invariants ----

/** Runs a step; checks (a) on the requests it made and collects the tokens it named. */
async function observed<T extends { ok: boolean }>(real: Real, step: () => Promise<T>): Promise<T> {
    const { stack } = real;
    stack.emulator.clearRequests();
    const printed = stack.notices.length;
    const result = await step();
    for (const request of stack.emulator.requests) {
        const target = /\/api_tokens\/(\d+)(\/reset)?$/.exec(request.path);
        const writes = request.method === "DELETE" || (request.method === "POST" && target?.[2] !== undefined);
        if (writes && target) {
            const id = Number(target[1]);
            if (real.outside.has(id) || id === real.adminTokenId) {
                throw new Error(`(a) ${request.method} ${request.path} reached token ${id}, which the stack never held`);
            }
        }
    }
    const failure = (result as { error?: Error }).error?.message;
    for (const line of [...stack.notices.slice(printed), ...(failure ? [failure] : [])]) {
        for (const match of line.matchAll(/(\d+) "[^"]*" \(last 4 digits/g)) real.named.add(Number(match[1]));
    }
    return result;
}

/** (b), (c) and (e) after a successful up. */
async function settled(real: Real, declaration: Declaration): Promise<void> {
    const { stack } = real;
    const state = stack.state!;
    const preview = await stack.preview(declaration);
    if (preview.changes || preview.replaces.length > 0) {
        throw new Error(`(b) the preview after a successful up proposes changes: ${JSON.stringify(preview)}`);
    }
    if (state.tokenGone) return;
    const live = stack.emulator.getToken(stack.emulator.accountId, state.tokenId);
    // Changed outside and not read since (an up reads nothing unless it renews): what (c) asks of it waits for a refresh.
    if (!live || !sameInstant(live.expires_at, state.valueExpiresAt)) return;
    const expiry = live.expires_at;
    const issuedAt = Date.parse(state.issuedAt);
    const expected = declaration.expiresAt ?? null;
    const ok =
        declaration.expiresInDays !== undefined
            ? expiry !== null && Date.parse(expiry) <= issuedAt + declaration.expiresInDays * DAY_MS + 1000
            : sameInstant(expiry, expected);
    if (!ok && state.token !== "") {
        throw new Error(`(c) the live token ${live.id} expires ${expiry ?? "never"}, not as declared (${JSON.stringify(declaration)})`);
    }
    checkValueIsLive(real);
}

/** (e): the value in the state is the value of the token the state names. */
function checkValueIsLive(real: Real): void {
    const state = real.stack.state;
    if (!state || state.token === "" || state.tokenGone) return;
    const live = real.stack.emulator.getToken(real.stack.emulator.accountId, state.tokenId);
    if (live && live.token !== state.token) {
        throw new Error(`(e) the state's value is not token ${state.tokenId}'s`);
    }
}

/**
 * (d): every live token the stack issued is held by the state or was named. After destroy, a reset
 * token still in its grace (the API expires it within 12 hours) is the one exception, as documented.
 */
export function checkAllHeld(real: Real): void {
    const expiring = real.stack.expiring;
    const { stack } = real;
    const state = stack.state;
    const states = [...(state ? [state] : []), ...stack.pendingDeletes.map((p) => p.state)];
    const held = new Set<number>(states.flatMap((s) => [s.tokenId, ...(s.previousTokens ?? []).map((p) => p.tokenId)]));
    for (const token of stack.emulator.listTokens(stack.emulator.accountId)) {
        const live = token.expires_at === null || Date.parse(token.expires_at) > stack.now;
        const inGrace = expiring.has(token.id) && token.expires_at !== null && Date.parse(token.expires_at) <= stack.now + 12 * HOUR_MS;
        if (
            live &&
            !inGrace &&
            token.id !== real.adminTokenId &&
            !real.outside.has(token.id) &&
            !held.has(token.id) &&
            !real.named.has(token.id)
        ) {
            throw new Error(
                `(d) token ${token.id} (expires ${token.expires_at ?? "never"}) is live, issued by the stack, and neither held nor named`,
            );
        }
    }
}

/** How a history's stack starts: in this process (HistoryStack, the default) or through Pulumi's host (HostHistoryStack). */
export type StartStack = (apiModel: ApiModel) => Promise<HistoryStackLike>;

/** One history: a fresh stack, the commands, then destroy and (g). */
export async function runHistory(
    apiModel: ApiModel,
    history: Iterable<fc.AsyncCommand<Model, Real, false>>,
    start: StartStack = HistoryStack.start,
): Promise<void> {
    const stack = await start(apiModel);
    const adminTokenId = stack.emulator.listTokens(stack.emulator.accountId)[0].id;
    const real: Real = { stack, outside: new Set(), named: new Set(), adminTokenId };
    try {
        await fc.asyncModelRun(() => ({ model: { lastUpFailed: false }, real }), history);
        if (stack.state) {
            stack.emulator.clearFaults();
            const destroyed = await observed(real, () => stack.destroy());
            if (!destroyed.ok) throw new Error(`destroy failed: ${destroyed.error.message}`);
        }
        checkAllHeld(real);
    } finally {
        await stack.stop();
    }
}

export interface HistoriesOptions {
    apiModel: ApiModel;
    runs: number;
    seed: number;
    start?: StartStack;
}

/** Runs `runs` random histories from `seed`; throws the shrunk counterexample when an invariant breaks. */
export async function runHistories({ apiModel, runs, seed, start }: HistoriesOptions): Promise<{ steps: number }> {
    let steps = 0;
    await fc.assert(
        fc.asyncProperty(commands, async (history) => {
            steps += [...history].length;
            await runHistory(apiModel, history, start);
        }),
        { numRuns: runs, seed, endOnFailure: false },
    );
    return { steps };
}
