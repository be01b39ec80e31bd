/**
 * Fault injection through Pulumi's dynamic-provider host, answers that never arrive whole: a connection
 * reset, an answer slower than the request timeout, malformed JSON. Each test checks what the provider made
 * of it, request by request, and what it left behind in the account and in the state.
 */
import {
    ACCOUNT,
    COLLECTION,
    RESET,
    SLOW_MS,
    stack,
    useFaultStack,
    measure,
    record,
    uniqueName,
    inputsFor,
    created,
    inject,
    expectRotated,
    expectCreatedOnceMoreNothingLeft,
    expectLeftoverNamed,
    accountTokenIds,
    rotate,
} from "./support";

describe("fault injection through the dynamic-provider host", () => {
    useFaultStack();

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
});
