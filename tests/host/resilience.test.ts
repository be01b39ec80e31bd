import { Fault, RequestLogEntry } from "../../provider/emulator/server";
import { RecordedResource } from "../harness/engine";
import { PropertyMap, ProviderOperationError } from "../harness/providerHost";
import { startStack, TestStack } from "../harness/stack";

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
    elapsedMs: number;
    /** What the host printed during the step. */
    output: string;
}

/** One line per scenario, printed at the end for the report. */
const summary: string[] = [];

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

    /** Runs a step, capturing its outcome, its requests and the host's output while it ran. */
    async function measure<T>(step: () => Promise<T>): Promise<Measured<T>> {
        stack.emulator.clearRequests();
        const outputStart = stack.host.output().length;
        const started = Date.now();
        let result: T | undefined;
        let error: Error | undefined;
        try {
            result = await step();
        } catch (e) {
            error = e as Error;
        }
        const elapsedMs = Date.now() - started;
        // The host's stdout is a pipe: what it printed before answering may arrive just after.
        await new Promise((resolve) => setTimeout(resolve, 200));
        const entries = [...stack.emulator.requests];
        return { result, error, trace: trace(entries), entries, elapsedMs, output: stack.host.output().slice(outputStart) };
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

    function rotate(resource: RecordedResource) {
        return stack.engine.register(
            resource.urn.split("::").pop()!,
            { ...inputsFor(resource.outputs.name as string), rotate: "2" },
            resource,
        );
    }

    const rateLimited: Fault = { kind: "status", status: 429, body: { error: "Rate limit exceeded" }, headers: { "Retry-After": "1" } };
    const unavailable: Fault = { kind: "status", status: 503 };

    describe("429 with Retry-After: 1, then success: exactly one extra request, after the wait", () => {
        it("create", async () => {
            const name = uniqueName("429-create");
            inject("POST", COLLECTION, rateLimited);
            const m = await measure(() => stack.engine.register(name, inputsFor(name)));
            record("429 Retry-After 1", "create", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual(["POST /api_tokens 429", "POST /api_tokens 200"]);
            expect(m.entries[1].at - m.entries[0].at).toBeGreaterThanOrEqual(950);
            expectOneLiveTokenInState(name, m.result!.resource!);
        });

        it("read (refresh)", async () => {
            const resource = await created("429-read");
            inject("GET", `/api_tokens/${resource.id}`, rateLimited);
            const m = await measure(() => stack.engine.refresh(resource));
            record("429 Retry-After 1", "read", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([`GET /api_tokens/${resource.id} 429`, `GET /api_tokens/${resource.id} 200`]);
            expect(m.entries[1].at - m.entries[0].at).toBeGreaterThanOrEqual(950);
            expect(m.result!.outputs).toEqual(resource.outputs);
        });

        it("rotate (update: reset)", async () => {
            const resource = await created("429-rotate");
            inject("POST", RESET, rateLimited);
            const m = await measure(() => rotate(resource));
            record("429 Retry-After 1", "rotate", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([`POST /api_tokens/${resource.id}/reset 429`, `POST /api_tokens/${resource.id}/reset 200`]);
            expect(m.entries[1].at - m.entries[0].at).toBeGreaterThanOrEqual(950);
            expectRotated(resource, m.result!.resource!);
        });

        it("delete", async () => {
            const resource = await created("429-delete");
            inject("DELETE", `/api_tokens/${resource.id}`, rateLimited);
            const m = await measure(() => stack.engine.destroy(resource));
            record("429 Retry-After 1", "delete", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([`DELETE /api_tokens/${resource.id} 429`, `DELETE /api_tokens/${resource.id} 204`]);
            expect(m.entries[1].at - m.entries[0].at).toBeGreaterThanOrEqual(950);
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

        it("create: an unknown outcome, reconciled by a lookup, then one more create", async () => {
            const name = uniqueName("503-create");
            inject("POST", COLLECTION, unavailable);
            const m = await measure(() => stack.engine.register(name, inputsFor(name)));
            record("503 x1", "create", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual(["POST /api_tokens 503", "GET /api_tokens 200", "POST /api_tokens 200"]);
            expectOneLiveTokenInState(name, m.result!.resource!);
            expect(m.output).toContain("no token was created, so the create is made once more");
        });

        it("create: twice in a row ends with no orphan (either one token whose value is in state, or a clear failure and none)", async () => {
            const name = uniqueName("503x2-create");
            inject("POST", COLLECTION, unavailable, 2);
            const m = await measure(() => stack.engine.register(name, inputsFor(name)));
            record("503 x2", "create", m);
            expect(m.trace.slice(0, 3)).toEqual(["POST /api_tokens 503", "GET /api_tokens 200", "POST /api_tokens 503"]);
            if (m.error) {
                expect(m.error.message).toMatch(
                    /^mailtrap: create API token "[^"]+" in account 3229 failed: HTTP 503: Service Unavailable/,
                );
                expect(m.error.message).not.toContain("\n");
                expect(tokensNamed(name)).toHaveLength(0);
            } else {
                expectOneLiveTokenInState(name, m.result!.resource!);
            }
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
            expect(m.output).toContain(`token ${resource.id} was not reset, so the reset is made once more`);
        });
    });

    describe("connection reset (nothing applied)", () => {
        it("create: looked up, nothing found, created once more", async () => {
            const name = uniqueName("reset-create");
            inject("POST", COLLECTION, { kind: "reset" });
            const m = await measure(() => stack.engine.register(name, inputsFor(name)));
            record("connection reset", "create", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual(["POST /api_tokens 0", "GET /api_tokens 200", "POST /api_tokens 200"]);
            expectOneLiveTokenInState(name, m.result!.resource!);
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

        it("create: the token was made but its answer never came; it is deleted and made once more", async () => {
            const name = uniqueName("slow-create");
            inject("POST", COLLECTION, { kind: "delay", ms: SLOW_MS });
            const m = await measure(() => stack.engine.register(name, inputsFor(name)));
            record(`delay ${SLOW_MS} ms`, "create", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([
                expect.stringMatching(/^POST \/api_tokens (0|200)$/),
                "GET /api_tokens 200",
                expect.stringMatching(/^DELETE \/api_tokens\/\d+ 204$/),
                "POST /api_tokens 200",
            ]);
            expectOneLiveTokenInState(name, m.result!.resource!);
            expect(m.output).toMatch(
                /token \d+ had been created without a value the provider could read, so it was deleted and the create is made once more/,
            );
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

        it("create: the token was made but its value is unreadable; it is deleted and made once more", async () => {
            const name = uniqueName("malformed-create");
            inject("POST", COLLECTION, { kind: "malformed" });
            const m = await measure(() => stack.engine.register(name, inputsFor(name)));
            record("malformed JSON", "create", m);
            expect(m.error).toBeUndefined();
            expect(m.trace).toEqual([
                "POST /api_tokens 200",
                "GET /api_tokens 200",
                expect.stringMatching(/^DELETE \/api_tokens\/\d+ 204$/),
                "POST /api_tokens 200",
            ]);
            expectOneLiveTokenInState(name, m.result!.resource!);
            expect(m.output).toMatch(/so it was deleted and the create is made once more/);
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
            // 1 attempt + maxRetries 3; the backoffs (at most 0.3 + 0.6 + 1.2 s) fit the 5 s budget.
            expect(m.trace).toEqual(Array(4).fill(`GET /api_tokens/${resource.id} 500`));
            expect(m.elapsedMs).toBeLessThan(5000 + 1000);
            // Failed retries were announced, one line each, without secrets.
            expect(m.output).toContain(`get API token ${resource.id} in account 3229: Internal Server Error; retrying in`);
        });
    });

    describe("ambiguous create: applied, answer lost", () => {
        it.each([
            ["apply-then-drop", { kind: "apply-then-drop" } as Fault, "0"],
            ["apply-then-status 502", { kind: "apply-then-status", status: 502 } as Fault, "502"],
        ])("%s: the orphan is deleted, the create is made once more, the user is told", async (label, fault, status) => {
            const name = uniqueName(`ambiguous-create-${label.split(" ")[0]}`);
            const before = new Set(stack.emulator.listTokens(ACCOUNT).map((t) => t.id));
            inject("POST", COLLECTION, fault);
            const m = await measure(() => stack.engine.register(name, inputsFor(name)));
            record(label, "create", m);
            expect(m.error).toBeUndefined();
            const orphanId = Math.min(
                ...stack.emulator.requests.filter((r) => r.method === "DELETE").map((r) => Number(r.path.split("/").pop())),
            );
            expect(m.trace).toEqual([
                `POST /api_tokens ${status}`,
                "GET /api_tokens 200",
                `DELETE /api_tokens/${orphanId} 204`,
                "POST /api_tokens 200",
            ]);
            expect(before.has(orphanId)).toBe(false);
            expectOneLiveTokenInState(name, m.result!.resource!);
            // No token created during the step is left behind except the one in state.
            const left = stack.emulator.listTokens(ACCOUNT).filter((t) => !before.has(t.id));
            expect(left.map((t) => t.id)).toEqual([m.result!.resource!.outputs.tokenId]);
            expect(m.output).toContain(
                `token ${orphanId} had been created without a value the provider could read, so it was deleted and the create is made once more`,
            );
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
            expect(m.output).toContain(`token ${resource.id} had been reset, so its successor is reset to obtain a value`);
        });
    });
});
