/**
 * What "a stack settled" means for its tokens, checked against the emulator: every live token of a
 * resource's name is held by its state (the live token, or a previous token still in its grace or
 * still to be deleted), and no live token carries an expiry the program did not declare.
 */
import { EmulatorToken } from "../../../provider/emulator/server";
import { CommandResult, E2EWorkspace } from "./pulumi";

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
const GRACE_MS = 12 * HOUR_MS;

/** What the program declares for one ApiToken: its Mailtrap name and its expiry. */
export interface Declared {
    name: string;
    expiry: { never: true } | { at: string } | { rollingDays: number };
}

/** The tokens of a name the emulator still accepts (not expired by its clock). */
export function liveTokensNamed(ws: E2EWorkspace, name: string): EmulatorToken[] {
    const now = ws.emulator.now();
    return ws.emulator.listTokens(ws.accountId).filter((t) => t.name === name && (t.expires_at === null || Date.parse(t.expires_at) > now));
}

/** The tokens of a name the state (outputs by resource name) does not hold, live or not. */
export function unheldTokensNamed(ws: E2EWorkspace, name: string, states: Record<string, Record<string, any>>): number[] {
    const held = new Set(Object.values(states).flatMap((s) => [s.tokenId, s.previousTokenId]));
    return ws.emulator
        .listTokens(ws.accountId)
        .filter((t) => t.name === name && !held.has(t.id))
        .map((t) => t.id);
}

/**
 * Every way the stack is not settled, as readable lines (empty when it is). `states`: the ApiToken
 * outputs in state by resource name; `declared`: what the program declares, by resource name.
 */
export function unsettled(ws: E2EWorkspace, states: Record<string, Record<string, any>>, declared: Record<string, Declared>): string[] {
    const now = ws.emulator.now();
    const problems: string[] = [];
    for (const [resource, { name, expiry }] of Object.entries(declared)) {
        const state = states[resource];
        if (!state) {
            problems.push(`${resource}: not in state`);
            continue;
        }
        const live = liveTokensNamed(ws, name);
        if (!live.some((t) => t.id === state.tokenId)) problems.push(`${resource}: its token ${state.tokenId} is not live`);
        for (const token of live) {
            const about = `${resource}: live token ${token.id} "${name}" (expires ${token.expires_at ?? "never"})`;
            if (token.id === state.tokenId) {
                if (token.token !== state.token) problems.push(`${about} has another value than the state`);
                const wrongExpiry = expiryProblem(token.expires_at, expiry, Date.parse(state.issuedAt));
                if (wrongExpiry) problems.push(`${about} ${wrongExpiry}`);
            } else if (token.id === state.previousTokenId) {
                const inGrace = token.expires_at !== null && Date.parse(token.expires_at) <= now + GRACE_MS;
                if (state.previousTokenRetiredBy !== "delete" && !inGrace) {
                    problems.push(`${about} is held as a previous token retired by expiry, but is not within its grace`);
                }
            } else {
                problems.push(`${about} is not held by the state (tokenId ${state.tokenId}, previousTokenId ${state.previousTokenId})`);
            }
        }
    }
    return problems;
}

function expiryProblem(expiresAt: string | null, expiry: Declared["expiry"], issuedAt: number): string | undefined {
    if ("never" in expiry) return expiresAt === null ? undefined : "expires, but the program declares no expiry";
    if (expiresAt === null) return "never expires, but the program declares an expiry";
    if ("at" in expiry) {
        return Date.parse(expiresAt) === Date.parse(expiry.at) ? undefined : `does not expire at the declared ${expiry.at}`;
    }
    const latest = issuedAt + expiry.rollingDays * DAY_MS;
    return Date.parse(expiresAt) <= latest ? undefined : `expires later than ${expiry.rollingDays} days after it was issued`;
}

/** The resets a command made: `POST …/{id}/reset` and the body each sent. */
export function resetsOf(result: CommandResult): { path: string; body: unknown }[] {
    return result.requests.filter((r) => r.method === "POST" && r.path.endsWith("/reset")).map((r) => ({ path: r.path, body: r.body }));
}
