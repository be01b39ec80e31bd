import { Fault, RequestLogEntry } from "../../provider/emulator/server";
import { RecordedResource } from "../harness/engine";
import { PropertyMap, ProviderOperationError } from "../harness/providerHost";
import { startStack, TestStack } from "../harness/stack";
import { CREATE_ATTEMPTS } from "../../provider/lifecycle/create";

/**
 * Fault injection through Pulumi's dynamic-provider host: the emulator misbehaves on one request
 * (or several) of an operation and each test checks what the provider made of it, request by
 * request, and what it left behind in the account and in the state.
 *
 * The settings keep every scenario short: a request times out after 500 ms, an operation retries
 * at most 3 times and gives up after 5 s.
 */
const CONFIG = {
    "mailtrap:requestTimeoutMs": "500",
    "mailtrap:maxRetries": "3",
    "mailtrap:operationTimeoutMs": "5000",
};
const ACCOUNT = 3229;
const PREFIX = `/api/accounts/${ACCOUNT}`;
/** Matches the collection only: a create's POST, never a reset's. */
const COLLECTION = /\/api_tokens$/;
const RESET = /\/reset$/;
/** Longer than the 500 ms request timeout. */
const SLOW_MS = 1500;

interface Measured<T> {
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

describe("fault injection through the dynamic-provider host", () => {
    let stack: TestStack;
    let counter = 0;

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

    function trace(entries: RequestLogEntry[]): string[] {
        return entries.map((e) => `${e.method} ${e.path.startsWith(PREFIX) ? e.path.slice(PREFIX.length) : e.path} ${e.status}`);
    }

    /** Runs a step, capturing its outcome and its requests; `printed` gives what the host printed meanwhile. */
    async function measure<T>(step: () => Promise<T>): Promise<Measured<T>> {
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
    async function printed(m: Measured<unknown>, expected: string | RegExp): Promise<string> {
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
    async function expectRetryAfterHonoured(m: Measured<unknown>, operation: string): Promise<void> {
        const line = new RegExp(`${escapeRegExp(operation)}: Rate limit exceeded; retrying in 1\\.0 s \\(attempt 2\\)`);
        expect(await printed(m, line)).toMatch(line);
    }

    function record(fault: string, operation: string, m: Measured<unknown>): void {
        const outcome = m.error ? `failed: ${m.error.message}` : "succeeded";
        summary.push(`${fault} | ${operation} | ${outcome} | ${m.entries.length}: ${m.trace.join(", ")}`);
    }

    function uniqueName(label: string): string {
        counter += 1;
        return `resilience-${counter}-${label}`;
    }

    function inputsFor(name: string): PropertyMap {
        return { name, resources: [{ resourceType: "project", resourceId: 42, accessLevel: "viewer" }], rotate: "1" };
    }

    async function created(label: string): Promise<RecordedResource> {
        const name = uniqueName(label);
        return (await stack.engine.register(name, inputsFor(name))).resource!;
    }

    function tokensNamed(name: string) {
        return stack.emulator.listTokens(ACCOUNT).filter((t) => t.name === name);
    }

    function inject(method: string, path: RegExp | string, fault: Fault, times = 1): void {
        stack.emulator.injectFault({ method, path, fault, times });
    }

    /** The create left exactly one token of that name, the one the state names, with the value the state holds. */
    function expectOneLiveTokenInState(name: string, resource: RecordedResource): void {
        const tokens = tokensNamed(name);
        expect(tokens).toHaveLength(1);
        expect(resource.id).toBe(String(tokens[0].id));
        expect(resource.outputs.tokenId).toBe(tokens[0].id);
        expect(resource.outputs.token).toBe(tokens[0].token);
        expect(stack.emulator.isTokenValueLive(resource.outputs.token as string)).toBe(true);
    }

    /** After a rotation: state names a live token with a working value, the old value still works (grace), nothing lost. */
    function expectRotated(before: RecordedResource, after: RecordedResource): void {
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
    const CREATE_MADE_ONCE_MORE =
        "the API may have made the token anyway, so the create is made once more and whatever it made is left alone";

    /** A create whose first POST applied nothing and lost its answer: made once more, the account listed, nothing left over. */
    async function expectCreatedOnceMoreNothingLeft(name: string, m: Measured<{ resource?: RecordedResource }>): Promise<void> {
        expectOneLiveTokenInState(name, m.result!.resource!);
        const output = await printed(m, "no token it may have made is listed yet");
        expect(output).toContain(CREATE_MADE_ONCE_MORE);
        expect(output).toContain("an answer was lost, and no token it may have made is listed yet");
    }

    /**
     * A create whose first POST made a token and lost its answer: made once more; the token the lost
     * create made is left in place (nothing proves it is not another stack's) and named to the user.
     */
    async function expectLeftoverNamed(name: string, before: Set<number>, m: Measured<{ resource?: RecordedResource }>): Promise<void> {
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

    function accountTokenIds(): Set<number> {
        return new Set(stack.emulator.listTokens(ACCOUNT).map((t) => t.id));
    }

    function rotate(resource: RecordedResource) {
        return stack.engine.register(
            resource.urn.split("::").pop()!,
            { ...inputsFor(resource.outputs.name as string), rotate: "2" },
            resource,
        );
    }

    const rateLimited: Fault = { kind: "status", status: 429, body: { error: "Rate limit exceeded" }, headers: { "Retry-After": "1" } };
    const unavailable: Fault = { kind: "status", status: 503 };

    describe("429 with Retry-After: 1, then success: exactly one extra request, after the wait it asked for", () => {
        it("create", async () => {
            const name = uniqueName("429-create");
            inject("POST", COLLECTION, rateLimited);
            const m = await measure(() => stack.engine.register(name, inputsFor(name)));
            record("429 Retry-After 1", "create", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual(["POST /api_tokens 429", "POST /api_tokens 200"]);
            await expectRetryAfterHonoured(m, `create API token "${name}" in account 3229`);
            expectOneLiveTokenInState(name, m.result!.resource!);
        });

        it("read (refresh)", async () => {
            const resource = await created("429-read");
            inject("GET", `/api_tokens/${resource.id}`, rateLimited);
            const m = await measure(() => stack.engine.refresh(resource));
            record("429 Retry-After 1", "read", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([`GET /api_tokens/${resource.id} 429`, `GET /api_tokens/${resource.id} 200`]);
            await expectRetryAfterHonoured(m, `get API token ${resource.id} in account 3229`);
            expect(m.result!.outputs).toEqual(resource.outputs);
        });

        it("rotate (update: reset)", async () => {
            const resource = await created("429-rotate");
            inject("POST", RESET, rateLimited);
            const m = await measure(() => rotate(resource));
            record("429 Retry-After 1", "rotate", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([`POST /api_tokens/${resource.id}/reset 429`, `POST /api_tokens/${resource.id}/reset 200`]);
            await expectRetryAfterHonoured(m, `reset API token ${resource.id} in account 3229`);
            expectRotated(resource, m.result!.resource!);
        });

        it("delete", async () => {
            const resource = await created("429-delete");
            inject("DELETE", `/api_tokens/${resource.id}`, rateLimited);
            const m = await measure(() => stack.engine.destroy(resource));
            record("429 Retry-After 1", "delete", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([`DELETE /api_tokens/${resource.id} 429`, `DELETE /api_tokens/${resource.id} 204`]);
            await expectRetryAfterHonoured(m, `delete API token ${resource.id} in account 3229`);
            expect(stack.emulator.getToken(ACCOUNT, Number(resource.id))).toBeUndefined();
        });
    });

    describe("503", () => {
        it("read: twice, then success (3 requests)", async () => {
            const resource = await created("503-read");
            inject("GET", `/api_tokens/${resource.id}`, unavailable, 2);
            const m = await measure(() => stack.engine.refresh(resource));
            record("503 x2", "read", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([
                `GET /api_tokens/${resource.id} 503`,
                `GET /api_tokens/${resource.id} 503`,
                `GET /api_tokens/${resource.id} 200`,
            ]);
            expect(m.result!.outputs).toEqual(resource.outputs);
        });

        it("delete: twice, then success (3 requests)", async () => {
            const resource = await created("503-delete");
            inject("DELETE", `/api_tokens/${resource.id}`, unavailable, 2);
            const m = await measure(() => stack.engine.destroy(resource));
            record("503 x2", "delete", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([
                `DELETE /api_tokens/${resource.id} 503`,
                `DELETE /api_tokens/${resource.id} 503`,
                `DELETE /api_tokens/${resource.id} 204`,
            ]);
            expect(stack.emulator.getToken(ACCOUNT, Number(resource.id))).toBeUndefined();
        });

        it("create: an unknown outcome; the create is made once more, and the lost answer is looked into", async () => {
            const name = uniqueName("503-create");
            inject("POST", COLLECTION, unavailable);
            const m = await measure(() => stack.engine.register(name, inputsFor(name)));
            record("503 x1", "create", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual(["POST /api_tokens 503", "POST /api_tokens 200", "GET /api_tokens 200"]);
            await expectCreatedOnceMoreNothingLeft(name, m);
        });

        it("create answered 503 every time: one clear failure after CREATE_ATTEMPTS creates, and no token", async () => {
            const name = uniqueName("503-always-create");
            inject("POST", COLLECTION, unavailable, Infinity);
            const m = await measure(() => stack.engine.register(name, inputsFor(name)));
            record("503 always", "create", m);
            expect(m.error).toBeInstanceOf(ProviderOperationError);
            const message = m.error!.message;
            expect(message).toContain(`create API token "${name}" in account 3229 failed: HTTP 503: Service Unavailable`);
            expect(message).toContain("an answer was lost, and no token it may have made is listed yet");
            expect(message).not.toContain("\n");
            // Each create is made once (a 503 to a POST is never retried blindly) and made again while
            // its outcome stays unknown, CREATE_ATTEMPTS times in all; then the account is listed.
            expect(CREATE_ATTEMPTS).toBe(2);
            expect(m.trace).toEqual(["POST /api_tokens 503", "POST /api_tokens 503", "GET /api_tokens 200"]);
            expect(tokensNamed(name)).toHaveLength(0);
        });

        it("reset: an unknown outcome; the token was not reset, so the reset is made once more", async () => {
            const resource = await created("503-rotate");
            inject("POST", RESET, unavailable);
            const m = await measure(() => rotate(resource));
            record("503 x1", "rotate", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([
                `POST /api_tokens/${resource.id}/reset 503`,
                `GET /api_tokens/${resource.id} 200`,
                `POST /api_tokens/${resource.id}/reset 200`,
            ]);
            expectRotated(resource, m.result!.resource!);
            const notReset = `token ${resource.id} was not reset, so the reset is made once more`;
            expect(await printed(m, notReset)).toContain(notReset);
        });
    });

    describe("connection reset (nothing applied)", () => {
        it("create: made once more, the account listed, nothing left over", async () => {
            const name = uniqueName("reset-create");
            inject("POST", COLLECTION, { kind: "reset" });
            const m = await measure(() => stack.engine.register(name, inputsFor(name)));
            record("connection reset", "create", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual(["POST /api_tokens 0", "POST /api_tokens 200", "GET /api_tokens 200"]);
            await expectCreatedOnceMoreNothingLeft(name, m);
        });

        it("read: retried", async () => {
            const resource = await created("reset-read");
            inject("GET", `/api_tokens/${resource.id}`, { kind: "reset" });
            const m = await measure(() => stack.engine.refresh(resource));
            record("connection reset", "read", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([`GET /api_tokens/${resource.id} 0`, `GET /api_tokens/${resource.id} 200`]);
            expect(m.result!.outputs).toEqual(resource.outputs);
        });

        it("rotate: checked, not reset, reset once more", async () => {
            const resource = await created("reset-rotate");
            inject("POST", RESET, { kind: "reset" });
            const m = await measure(() => rotate(resource));
            record("connection reset", "rotate", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([
                `POST /api_tokens/${resource.id}/reset 0`,
                `GET /api_tokens/${resource.id} 200`,
                `POST /api_tokens/${resource.id}/reset 200`,
            ]);
            expectRotated(resource, m.result!.resource!);
        });

        it("delete: retried", async () => {
            const resource = await created("reset-delete");
            inject("DELETE", `/api_tokens/${resource.id}`, { kind: "reset" });
            const m = await measure(() => stack.engine.destroy(resource));
            record("connection reset", "delete", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([`DELETE /api_tokens/${resource.id} 0`, `DELETE /api_tokens/${resource.id} 204`]);
            expect(stack.emulator.getToken(ACCOUNT, Number(resource.id))).toBeUndefined();
        });

        it("delete applied, then the connection dropped: the retry's 404 counts as deleted", async () => {
            const resource = await created("drop-delete");
            inject("DELETE", `/api_tokens/${resource.id}`, { kind: "apply-then-drop" });
            const m = await measure(() => stack.engine.destroy(resource));
            record("apply-then-drop", "delete", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([`DELETE /api_tokens/${resource.id} 0`, `DELETE /api_tokens/${resource.id} 404`]);
            expect(stack.emulator.getToken(ACCOUNT, Number(resource.id))).toBeUndefined();
        });
    });

    describe(`slow response (${SLOW_MS} ms, past the 500 ms request timeout)`, () => {
        it("read: timed out, retried", async () => {
            const resource = await created("slow-read");
            inject("GET", `/api_tokens/${resource.id}`, { kind: "delay", ms: SLOW_MS });
            const m = await measure(() => stack.engine.refresh(resource));
            record(`delay ${SLOW_MS} ms`, "read", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([
                expect.stringMatching(new RegExp(`^GET /api_tokens/${resource.id} (0|200)$`)),
                `GET /api_tokens/${resource.id} 200`,
            ]);
            expect(m.result!.outputs).toEqual(resource.outputs);
        });

        it("create: the token was made but its answer never came; it is left in place and named, and the create made once more", async () => {
            const name = uniqueName("slow-create");
            const before = accountTokenIds();
            inject("POST", COLLECTION, { kind: "delay", ms: SLOW_MS });
            const m = await measure(() => stack.engine.register(name, inputsFor(name)));
            record(`delay ${SLOW_MS} ms`, "create", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([expect.stringMatching(/^POST \/api_tokens (0|200)$/), "POST /api_tokens 200", "GET /api_tokens 200"]);
            await expectLeftoverNamed(name, before, m);
        });
    });

    describe("malformed JSON in a 200 answer", () => {
        it("read: retried", async () => {
            const resource = await created("malformed-read");
            inject("GET", `/api_tokens/${resource.id}`, { kind: "malformed" });
            const m = await measure(() => stack.engine.refresh(resource));
            record("malformed JSON", "read", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([`GET /api_tokens/${resource.id} 200`, `GET /api_tokens/${resource.id} 200`]);
            expect(m.result!.outputs).toEqual(resource.outputs);
        });

        it("create: the token was made but its value is unreadable; it is left in place and named, and the create made once more", async () => {
            const name = uniqueName("malformed-create");
            const before = accountTokenIds();
            inject("POST", COLLECTION, { kind: "malformed" });
            const m = await measure(() => stack.engine.register(name, inputsFor(name)));
            record("malformed JSON", "create", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual(["POST /api_tokens 200", "POST /api_tokens 200", "GET /api_tokens 200"]);
            await expectLeftoverNamed(name, before, m);
        });
    });

    describe("permanent 500", () => {
        it("read fails within the budget with one line naming the operation, status and attempts", async () => {
            const resource = await created("500-read");
            inject("GET", `/api_tokens/${resource.id}`, { kind: "status", status: 500 }, Infinity);
            const m = await measure(() => stack.engine.refresh(resource));
            record("permanent 500", "read", m);
            expect(m.error).toBeInstanceOf(ProviderOperationError);
            const message = m.error!.message;
            expect(message).not.toContain("\n");
            expect(message).toMatch(
                new RegExp(
                    `^mailtrap: get API token ${resource.id} in account 3229 failed: HTTP 500: Internal Server Error \\(gave up after 4 attempts in \\d+\\.\\d s\\)$`,
                ),
            );
            // 1 attempt + maxRetries 3: the backoffs (at most 0.3 + 0.6 + 1.2 s) fit the 5 s budget, so the
            // retries ran out first (the message says nothing of the budget).
            expect(m.trace).toEqual(Array(4).fill(`GET /api_tokens/${resource.id} 500`));
            expect(message).not.toContain("time budget");
            // Failed retries were announced, one line each, without secrets.
            const announced = (attempt: number) =>
                new RegExp(
                    `get API token ${resource.id} in account 3229: Internal Server Error; retrying in \\d+\\.\\d s \\(attempt ${attempt}\\)`,
                );
            const output = await printed(m, announced(4));
            for (const attempt of [2, 3, 4]) expect(output).toMatch(announced(attempt));
        });
    });

    describe("ambiguous create: applied, answer lost", () => {
        it.each([
            ["apply-then-drop", { kind: "apply-then-drop" } as Fault, "0"],
            ["apply-then-status 502", { kind: "apply-then-status", status: 502 } as Fault, "502"],
        ])("%s: the token it made is left in place and named, the create is made once more", async (label, fault, status) => {
            const name = uniqueName(`ambiguous-create-${label.split(" ")[0]}`);
            const before = accountTokenIds();
            inject("POST", COLLECTION, fault);
            const m = await measure(() => stack.engine.register(name, inputsFor(name)));
            record(label, "create", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([`POST /api_tokens ${status}`, "POST /api_tokens 200", "GET /api_tokens 200"]);
            // Nothing was deleted: the token the lost create made may be another stack's, as far as anything shows.
            expect(m.entries.filter((e) => e.method === "DELETE")).toEqual([]);
            await expectLeftoverNamed(name, before, m);
        });
    });

    describe("ambiguous reset: applied, answer lost", () => {
        it.each([
            ["apply-then-drop", { kind: "apply-then-drop" } as Fault, "0"],
            ["apply-then-status 502", { kind: "apply-then-status", status: 502 } as Fault, "502"],
        ])("%s: the successor is reset to obtain a value; state names a live token, no value lost", async (label, fault, status) => {
            const resource = await created(`ambiguous-reset-${label.split(" ")[0]}`);
            const before = new Set(stack.emulator.listTokens(ACCOUNT).map((t) => t.id));
            inject("POST", RESET, fault);
            const m = await measure(() => rotate(resource));
            record(label, "rotate", m);
            expect(m.error).toBeUndefined();
            const successors = stack.emulator
                .listTokens(ACCOUNT)
                .filter((t) => !before.has(t.id))
                .sort((a, b) => a.id - b.id);
            // The lost reset made one successor; resetting it made the one in state.
            expect(successors).toHaveLength(2);
            const [lost, kept] = successors;
            expect(m.trace).toEqual([
                `POST /api_tokens/${resource.id}/reset ${status}`,
                `GET /api_tokens/${resource.id} 200`,
                "GET /api_tokens 200",
                `POST /api_tokens/${lost.id}/reset 200`,
            ]);
            const after = m.result!.resource!;
            expectRotated(resource, after);
            expect(after.outputs.tokenId).toBe(kept.id);
            expect(after.outputs.token).toBe(kept.token);
            // The value nobody received stops working after its grace period; only the value in state lives on.
            expect(lost.expires_at).not.toBeNull();
            expect(lost.reset_to).toBe(kept.id);
            const successorReset = `token ${resource.id} had been reset by this update, so its successor ${lost.id} is reset to obtain a value`;
            expect(await printed(m, successorReset)).toContain(successorReset);
        });
    });
});
