/**
 * Fault injection through Pulumi's dynamic-provider host, error statuses: a 429 honoured after the wait it
 * asked for, a 503 retried where that is safe and looked into where it is not, a permanent 500 reported in
 * one line. Each test checks what the provider made of it, request by request, and what it left behind.
 */
import { ProviderOperationError } from "../../harness/providerHost";
import { CREATE_ATTEMPTS } from "../../../provider/lifecycle/create";
import {
    ACCOUNT,
    COLLECTION,
    RESET,
    stack,
    useFaultStack,
    measure,
    printed,
    expectRetryAfterHonoured,
    record,
    uniqueName,
    inputsFor,
    created,
    tokensNamed,
    inject,
    expectOneLiveTokenInState,
    expectRotated,
    expectCreatedOnceMoreNothingLeft,
    rotate,
    rateLimited,
    unavailable,
} from "./support";

describe("fault injection through the dynamic-provider host", () => {
    useFaultStack();

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
});
