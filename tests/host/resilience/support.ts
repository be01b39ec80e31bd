/**
 * What every fault-injection specification shares: one stack per spec file with short settings, a
 * way to run a step and capture its outcome, requests and output, and the checks of what a step
 * left behind in the account and in the state. A spec file calls `useFaultStack()` once, inside
 * its top-level describe.
 *
 * The settings keep every scenario short: a request times out after 500 ms, an operation retries
 * at most 3 times and gives up after 5 s.
 */
import { Fault, RequestLogEntry } from "../../../provider/emulator/server";
import { RecordedResource } from "../../harness/engine";
import { PropertyMap } from "../../harness/providerHost";
import { startStack, TestStack } from "../../harness/stack";

const CONFIG = {
    "mailtrap:requestTimeoutMs": "500",
    "mailtrap:maxRetries": "3",
    "mailtrap:operationTimeoutMs": "5000",
};
export const ACCOUNT = 3229;
const PREFIX = `/api/accounts/${ACCOUNT}`;
/** Matches the collection only: a create's POST, never a reset's. */
export const COLLECTION = /\/api_tokens$/;
export const RESET = /\/reset$/;
/** Longer than the 500 ms request timeout. */
export const SLOW_MS = 1500;

export interface Measured<T> {
    result?: T;
    error?: Error;
    /** The emulator's log of the step, as "METHOD path status" (path without the account prefix). */
    trace: string[];
    entries: RequestLogEntry[];
    /** Where the host's output stood when the step began. */
    outputStart: number;
}

/** One line per scenario, printed at the end for the report. */
const summary: string[] = [];

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export let stack: TestStack;
let counter = 0;

/** Registers the spec file's hooks: one stack for all its tests, no fault carried over from one test to the next. */
export function useFaultStack(): void {
    beforeAll(async () => {
        stack = await startStack({ config: CONFIG });
    }, 60_000);
    afterAll(async () => {
        await stack?.stop();
        console.log(`fault scenarios (fault | operation | outcome | requests):\n${summary.join("\n")}`);
    });
    beforeEach(() => {
        stack.emulator.clearFaults();
    });
}

function trace(entries: RequestLogEntry[]): string[] {
    return entries.map((e) => `${e.method} ${e.path.startsWith(PREFIX) ? e.path.slice(PREFIX.length) : e.path} ${e.status}`);
}

/** Runs a step, capturing its outcome and its requests; `printed` gives what the host printed meanwhile. */
export async function measure<T>(step: () => Promise<T>): Promise<Measured<T>> {
    stack.emulator.clearRequests();
    const outputStart = stack.host.output().length;
    let result: T | undefined;
    let error: Error | undefined;
    try {
        result = await step();
    } catch (e) {
        error = e as Error;
    }
    // Every request the step made has arrived: the provider waited for each answer (or gave up on it).
    const entries = [...stack.emulator.requests];
    return { result, error, trace: trace(entries), entries, outputStart };
}

/**
 * What the host printed since the step began, once it holds `expected` (its stdout is a pipe:
 * a line printed before the answer may arrive just after it), or as it stands after 5 s.
 */
export async function printed(m: Measured<unknown>, expected: string | RegExp): Promise<string> {
    const deadline = Date.now() + 5_000;
    for (;;) {
        const text = stack.host.output().slice(m.outputStart);
        if ((typeof expected === "string" ? text.includes(expected) : expected.test(text)) || Date.now() >= deadline) {
            return text;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}

/** The step announced one retry after the 429, waiting the 1 s its Retry-After asked for. */
export async function expectRetryAfterHonoured(m: Measured<unknown>, operation: string): Promise<void> {
    const line = new RegExp(`${escapeRegExp(operation)}: Rate limit exceeded; retrying in 1\\.0 s \\(attempt 2\\)`);
    expect(await printed(m, line)).toMatch(line);
}

export function record(fault: string, operation: string, m: Measured<unknown>): void {
    const outcome = m.error ? `failed: ${m.error.message}` : "succeeded";
    summary.push(`${fault} | ${operation} | ${outcome} | ${m.entries.length}: ${m.trace.join(", ")}`);
}

export function uniqueName(label: string): string {
    counter += 1;
    return `resilience-${counter}-${label}`;
}

export function inputsFor(name: string): PropertyMap {
    return { name, resources: [{ resourceType: "project", resourceId: 42, accessLevel: "viewer" }], rotate: "1" };
}

export async function created(label: string): Promise<RecordedResource> {
    const name = uniqueName(label);
    return (await stack.engine.register(name, inputsFor(name))).resource!;
}

export function tokensNamed(name: string) {
    return stack.emulator.listTokens(ACCOUNT).filter((t) => t.name === name);
}

export function inject(method: string, path: RegExp | string, fault: Fault, times = 1): void {
    stack.emulator.injectFault({ method, path, fault, times });
}

/** The create left exactly one token of that name, the one the state names, with the value the state holds. */
export function expectOneLiveTokenInState(name: string, resource: RecordedResource): void {
    const tokens = tokensNamed(name);
    expect(tokens).toHaveLength(1);
    expect(resource.id).toBe(String(tokens[0].id));
    expect(resource.outputs.tokenId).toBe(tokens[0].id);
    expect(resource.outputs.token).toBe(tokens[0].token);
    expect(stack.emulator.isTokenValueLive(resource.outputs.token as string)).toBe(true);
}

/** After a rotation: state names a live token with a working value, the old value still works (grace), nothing lost. */
export function expectRotated(before: RecordedResource, after: RecordedResource): void {
    const outputs = after.outputs;
    expect(outputs.tokenId).not.toBe(before.outputs.tokenId);
    const live = stack.emulator.getToken(ACCOUNT, outputs.tokenId as number)!;
    expect(live).toBeDefined();
    expect(live.expires_at).toBeNull();
    expect(outputs.token).toBe(live.token);
    expect(stack.emulator.isTokenValueLive(outputs.token as string)).toBe(true);
    expect(outputs.previousTokenId).toBe(before.outputs.tokenId);
    expect(Date.parse(outputs.previousTokenExpiresAt as string)).toBeGreaterThan(Date.now());
    // The value users still hold keeps working through the grace period.
    expect(stack.emulator.isTokenValueLive(before.outputs.token as string)).toBe(true);
    expect(after.id).toBe(before.id);
}

/** What a create that lost its first answer tells the user when it makes the create once more. */
const CREATE_MADE_ONCE_MORE = "the API may have made the token anyway, so the create is made once more and whatever it made is left alone";

/** A create whose first POST applied nothing and lost its answer: made once more, the account listed, nothing left over. */
export async function expectCreatedOnceMoreNothingLeft(name: string, m: Measured<{ resource?: RecordedResource }>): Promise<void> {
    expectOneLiveTokenInState(name, m.result!.resource!);
    const output = await printed(m, "no token it may have made is listed yet");
    expect(output).toContain(CREATE_MADE_ONCE_MORE);
    expect(output).toContain("an answer was lost, and no token it may have made is listed yet");
}

/**
 * A create whose first POST made a token and lost its answer: made once more; the token the lost
 * create made is left in place (nothing proves it is not another stack's) and named to the user.
 */
export async function expectLeftoverNamed(name: string, before: Set<number>, m: Measured<{ resource?: RecordedResource }>): Promise<void> {
    const made = tokensNamed(name)
        .filter((t) => !before.has(t.id))
        .sort((a, b) => a.id - b.id);
    expect(made).toHaveLength(2);
    const [leftover, kept] = made;
    const resource = m.result!.resource!;
    expect(resource.outputs.tokenId).toBe(kept.id);
    expect(resource.outputs.token).toBe(kept.token);
    expect(stack.emulator.isTokenValueLive(kept.token)).toBe(true);
    expect(stack.emulator.getToken(ACCOUNT, leftover.id)).toBeDefined();
    const named = `token ${leftover.id} ${JSON.stringify(name)} (last 4 digits ${leftover.token.slice(-4)}) may have been made by it and is left in place`;
    const output = await printed(m, named);
    expect(output).toContain(CREATE_MADE_ONCE_MORE);
    expect(output).toContain(named);
    // Only the two tokens of this step were made: nothing else in the account changed.
    expect(stack.emulator.listTokens(ACCOUNT).filter((t) => !before.has(t.id))).toHaveLength(2);
}

export function accountTokenIds(): Set<number> {
    return new Set(stack.emulator.listTokens(ACCOUNT).map((t) => t.id));
}

export function rotate(resource: RecordedResource) {
    return stack.engine.register(resource.urn.split("::").pop()!, { ...inputsFor(resource.outputs.name as string), rotate: "2" }, resource);
}

export const rateLimited: Fault = { kind: "status", status: 429, body: { error: "Rate limit exceeded" }, headers: { "Retry-After": "1" } };
export const unavailable: Fault = { kind: "status", status: 503 };
