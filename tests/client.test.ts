/**
 * MailtrapClient against the local emulator: requests, response mapping, error mapping, retries,
 * pacing, and that no failure text ever carries the credential or a token value.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { CreateApiTokenRequest, DEFAULT_MAX_ANSWER_BYTES, MailtrapClient, MailtrapClientOptions } from "../provider/client/client";
import { describeTransportError } from "../provider/client/transport";
import { EmulatorOptions, MailtrapEmulator } from "../provider/emulator/server";
import { MailtrapApiError } from "../provider/client/errors";
import { RetryPolicy } from "../provider/client/retry";
import { rejectionOf } from "./harness/rejection";

jest.setTimeout(20_000);

/** Known credential values, so every failure text can be searched for them. */
const CREDENTIAL = "cred-SECRET-4f1c9a7e2b6d80534d2e";
const WRONG_CREDENTIAL = "wrong-SECRET-9d0e7c3a51b24f68aa01";

const FAST: RetryPolicy = { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 20, operationBudgetMs: 10_000 };
const REQUEST_TIMEOUT_MS = 2_000;

/** Every credential and token value seen by any test in this file. */
const secrets = new Set<string>([CREDENTIAL, WRONG_CREDENTIAL]);
/** Every error message, serialized error, stack and onRetry line produced by a failing scenario. */
const failureTexts: string[] = [];

let emu: MailtrapEmulator;
let accountId: number;
let retryLines: string[];
/** A token seeded out of band in every test; its value is a secret too. */
let seeded: { id: number; value: string };

async function startEmulator(options: EmulatorOptions = {}): Promise<void> {
    emu = new MailtrapEmulator({ credential: CREDENTIAL, rateLimit: null, ...options });
    await emu.start(0);
    secrets.add(emu.credential);
    accountId = emu.accountId;
    const token = emu.createToken(accountId, {
        name: "seeded",
        resources: [
            { resource_type: "account", resource_id: accountId, access_level: 100 },
            { resource_type: "inbox", resource_id: 77, access_level: 10 },
        ],
        expires_at: null,
    });
    secrets.add(token.token);
    seeded = { id: token.id, value: token.token };
    emu.clearRequests();
}

beforeEach(async () => {
    retryLines = [];
    await startEmulator();
});

afterEach(async () => {
    await emu.stop();
    failureTexts.push(...retryLines);
    expectNoSecrets(retryLines);
});

function client(options: Partial<MailtrapClientOptions> = {}): MailtrapClient {
    return new MailtrapClient({
        baseUrl: emu.baseUrl,
        apiToken: CREDENTIAL,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        retry: FAST,
        rateLimit: null,
        onRetry: (line) => retryLines.push(line),
        ...options,
    });
}

function secretsIn(texts: string[]): string[] {
    const leaks: string[] = [];
    for (const text of texts) {
        for (const secret of secrets) {
            if (text.includes(secret)) leaks.push(`${secret.slice(0, 6)}… in: ${text.slice(0, 120)}`);
        }
    }
    return leaks;
}

function expectNoSecrets(texts: string[]): void {
    expect(secretsIn(texts)).toEqual([]);
}

/** Awaits a rejection, checks it is a MailtrapApiError whose texts are one line and carry no secret. */
async function failure(promise: Promise<unknown>): Promise<MailtrapApiError> {
    const caught = await rejectionOf(promise);
    expect(caught).toBeInstanceOf(MailtrapApiError);
    const error = caught as MailtrapApiError;
    const texts = [error.message, JSON.stringify(error), String(error.stack)];
    failureTexts.push(...texts);
    expectNoSecrets(texts);
    expect(error.message).not.toMatch(/[\r\n]/);
    return error;
}

function issued<T extends { token: string }>(token: T): T {
    secrets.add(token.token);
    return token;
}

const NEVER_EXPIRES: CreateApiTokenRequest = { name: "ci", resources: [], expiresAt: null };
const tokensPath = () => `/api/accounts/${accountId}/api_tokens`;
const tokenPath = (id: number) => `${tokensPath()}/${id}`;
const countStatus = (status: number) => emu.requests.filter((entry) => entry.status === status).length;

describe("requests and response mapping", () => {
    test("listTokens sends GET …/api_tokens with the credential and maps each token to camelCase", async () => {
        const tokens = await client().listTokens(accountId);

        expect(emu.requests.map((r) => [r.method, r.path, r.authenticated])).toEqual([["GET", tokensPath(), true]]);
        const mine = tokens.find((t) => t.id === seeded.id);
        expect(mine).toEqual({
            id: seeded.id,
            name: "seeded",
            last4Digits: seeded.value.slice(-4),
            createdBy: "Emulator",
            expiresAt: null,
            resources: [
                { resourceType: "account", resourceId: accountId, accessLevel: "admin" },
                { resourceType: "inbox", resourceId: 77, accessLevel: "viewer" },
            ],
        });
        expect(tokens.map((t) => t.id)).toContain(seeded.id);
        expectNoSecrets([JSON.stringify(tokens)]);
    });

    test("getToken sends GET …/api_tokens/{id} and maps the token, without a value", async () => {
        const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
        const made = emu.createToken(accountId, { name: "expiring", expires_at: expiresAt });
        secrets.add(made.token);

        const token = await client().getToken(accountId, made.id);

        expect(emu.requests.map((r) => [r.method, r.path])).toEqual([["GET", tokenPath(made.id)]]);
        expect(token).toEqual({
            id: made.id,
            name: "expiring",
            last4Digits: made.token.slice(-4),
            createdBy: "Emulator",
            expiresAt,
            resources: [],
        });
        expect(token).not.toHaveProperty("token");
    });

    test("createToken sends POST …/api_tokens with access_level numbers and expires_at null when no expiry is given", async () => {
        const token = issued(
            await client().createToken(accountId, {
                name: "deploy",
                resources: [
                    { resourceType: "account", resourceId: accountId, accessLevel: "viewer" },
                    { resourceType: "sending_domain", resourceId: "example.com", accessLevel: "admin" },
                ],
                expiresAt: null,
            }),
        );

        expect(emu.requests).toHaveLength(1);
        expect(emu.requests[0]).toMatchObject({ method: "POST", path: tokensPath(), status: 200 });
        expect(emu.requests[0].body).toEqual({
            name: "deploy",
            resources: [
                { resource_type: "account", resource_id: accountId, access_level: 10 },
                { resource_type: "sending_domain", resource_id: "example.com", access_level: 100 },
            ],
            expires_at: null,
        });
        expect(token).toEqual({
            id: expect.any(Number),
            name: "deploy",
            last4Digits: token.token.slice(-4),
            createdBy: "Emulator admin",
            expiresAt: null,
            resources: [
                { resourceType: "account", resourceId: accountId, accessLevel: "viewer" },
                { resourceType: "sending_domain", resourceId: "example.com", accessLevel: "admin" },
            ],
            token: expect.stringMatching(/.{8,}/),
        });
        expect(emu.getToken(accountId, token.id)?.token).toBe(token.token);
    });

    test("createToken sends the given expires_at and maps it back", async () => {
        const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
        const token = issued(await client().createToken(accountId, { name: "short", resources: [], expiresAt }));

        expect((emu.requests[0].body as { expires_at: unknown }).expires_at).toBe(expiresAt);
        expect(token.expiresAt).toBe(expiresAt);
    });

    test("resetToken sends POST …/api_tokens/{id}/reset and returns the successor with its new value", async () => {
        const token = issued(await client().resetToken(accountId, seeded.id));

        expect(emu.requests.map((r) => [r.method, r.path, r.status])).toEqual([["POST", `${tokenPath(seeded.id)}/reset`, 200]]);
        expect(token.id).not.toBe(seeded.id);
        expect(token.token).not.toBe(seeded.value);
        expect(token.last4Digits).toBe(token.token.slice(-4));
        expect(token.name).toBe("seeded");
        expect(token.expiresAt).toBeNull();
        expect(token.resources).toEqual([
            { resourceType: "account", resourceId: accountId, accessLevel: "admin" },
            { resourceType: "inbox", resourceId: 77, accessLevel: "viewer" },
        ]);
        expect(emu.getToken(accountId, seeded.id)?.expires_at).not.toBeNull();
    });

    test("deleteToken sends DELETE …/api_tokens/{id} and resolves on 204", async () => {
        await expect(client().deleteToken(accountId, seeded.id)).resolves.toBeUndefined();

        expect(emu.requests.map((r) => [r.method, r.path, r.status])).toEqual([["DELETE", tokenPath(seeded.id), 204]]);
        expect(emu.getToken(accountId, seeded.id)).toBeUndefined();
    });

    test("a trailing slash on the base URL does not change the request path", async () => {
        await client({ baseUrl: `${emu.baseUrl}/` }).getToken(accountId, seeded.id);

        expect(emu.requests.map((r) => r.path)).toEqual([tokenPath(seeded.id)]);
    });
});

describe("error mapping", () => {
    test("401: a rejected credential gives operation, status and the API's message in one line", async () => {
        const error = await failure(client({ apiToken: WRONG_CREDENTIAL }).listTokens(accountId));

        expect(error.status).toBe(401);
        expect(error.operation).toBe(`list API tokens of account ${accountId}`);
        expect(error.message).toContain(`list API tokens of account ${accountId}`);
        expect(error.message).toContain("401");
        expect(error.message).toContain("Incorrect API token");
        expect(error.isNotFound).toBe(false);
        expect(emu.requests).toHaveLength(1);
    });

    test("403: an account the credential cannot reach gives status 403 and the API's message", async () => {
        const error = await failure(client().getToken(424242, seeded.id));

        expect(error.status).toBe(403);
        expect(error.message).toContain(`get API token ${seeded.id} in account 424242`);
        expect(error.message).toContain("403");
        expect(error.message).toContain("Access forbidden");
        expect(error.isNotFound).toBe(false);
        expect(emu.requests).toHaveLength(1);
    });

    test("404: an unknown token gives status 404 and isNotFound", async () => {
        const error = await failure(client().getToken(accountId, 987654));

        expect(error.status).toBe(404);
        expect(error.isNotFound).toBe(true);
        expect(error.message).toContain(`get API token 987654 in account ${accountId}`);
        expect(error.message).toContain("404");
        expect(error.message).toContain("Not Found");
        expect(emu.requests).toHaveLength(1);
    });

    test("404 on delete also reports isNotFound", async () => {
        const error = await failure(client().deleteToken(accountId, 987654));

        expect(error.isNotFound).toBe(true);
        expect(error.message).toContain(`delete API token 987654 in account ${accountId}`);
    });

    test("422: the message carries the API's field message, and the create is known not to have happened", async () => {
        const error = await failure(client().createToken(accountId, { ...NEVER_EXPIRES, name: "   " }));

        expect(error.status).toBe(422);
        expect(error.message).toContain("create API token");
        expect(error.message).toContain("422");
        expect(error.message).toContain("name can't be blank");
        expect(error.outcomeUnknown).toBe(false);
        expect(emu.requests).toHaveLength(1);
    });

    test("422: resetting a token that was already reset carries the API's reason", async () => {
        issued(await client().resetToken(accountId, seeded.id));
        const error = await failure(client().resetToken(accountId, seeded.id));

        expect(error.status).toBe(422);
        expect(error.message).toContain(`reset API token ${seeded.id} in account ${accountId}`);
        expect(error.message).toContain("token has an expiration set and cannot be reset");
    });

    test("the message stays one line when the API's message spans several lines", async () => {
        emu.injectFault({
            method: "POST",
            fault: { kind: "status", status: 422, body: { errors: { name: ["is invalid\nsee the docs\r\nfor details"] } } },
        });

        const error = await failure(client().createToken(accountId, NEVER_EXPIRES));

        expect(error.message).toContain("is invalid");
        expect(error.message).not.toMatch(/[\r\n]/);
    });

    test("an API error body that echoes the credential is redacted from the error", async () => {
        emu.injectFault({ method: "GET", fault: { kind: "status", status: 400, body: { error: `bad token ${CREDENTIAL} given` } } });

        const error = await failure(client().listTokens(accountId));

        expect(error.status).toBe(400);
        expect(error.message).toContain("bad token");
        expect(error.message).not.toContain(CREDENTIAL);
    });
});

describe("retries", () => {
    test("GET answered 429 is retried, honouring Retry-After up to maxRetryAfterMs", async () => {
        const sleeps: number[] = [];
        emu.injectFault({ method: "GET", fault: { kind: "status", status: 429, headers: { "Retry-After": "1" } } });

        const token = await client({
            retry: { ...FAST, maxDelayMs: 5, maxRetryAfterMs: 20 },
            sleep: async (ms) => void sleeps.push(ms),
        }).getToken(accountId, seeded.id);

        expect(token.id).toBe(seeded.id);
        expect(emu.requestCount({ method: "GET" })).toBe(2);
        // Retry-After: 1 s, cut to maxRetryAfterMs (a plain backoff could not exceed maxDelayMs = 5).
        expect(sleeps).toEqual([20]);
        expect(retryLines).toHaveLength(1);
    });

    test("POST create answered 429 is retried (it provably did not take effect) and creates one token", async () => {
        emu.injectFault({ method: "POST", fault: { kind: "status", status: 429, headers: { "Retry-After": "1" } } });
        const before = emu.listTokens(accountId).length;

        const token = issued(await client({ retry: { ...FAST, maxRetryAfterMs: 20 } }).createToken(accountId, NEVER_EXPIRES));

        expect(emu.requestCount({ method: "POST" })).toBe(2);
        expect(emu.listTokens(accountId)).toHaveLength(before + 1);
        expect(emu.getToken(accountId, token.id)?.token).toBe(token.token);
    });

    test("GET answered 503 twice then 200 succeeds after 3 requests", async () => {
        emu.injectFault({ method: "GET", times: 2, fault: { kind: "status", status: 503 } });

        const token = await client().getToken(accountId, seeded.id);

        expect(token.id).toBe(seeded.id);
        expect(emu.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    });

    test("DELETE answered 503 twice then 204 succeeds after 3 requests", async () => {
        emu.injectFault({ method: "DELETE", times: 2, fault: { kind: "status", status: 503 } });

        await client().deleteToken(accountId, seeded.id);

        expect(emu.requests.map((r) => [r.method, r.status])).toEqual([
            ["DELETE", 503],
            ["DELETE", 503],
            ["DELETE", 204],
        ]);
        expect(emu.getToken(accountId, seeded.id)).toBeUndefined();
    });

    test("POST create answered 503 is not retried and reports outcomeUnknown", async () => {
        emu.injectFault({ method: "POST", times: Infinity, fault: { kind: "status", status: 503 } });

        const error = await failure(client().createToken(accountId, NEVER_EXPIRES));

        expect(error.status).toBe(503);
        expect(error.outcomeUnknown).toBe(true);
        expect(emu.requestCount({ method: "POST" })).toBe(1);
        expect(retryLines).toEqual([]);
    });

    test("POST reset answered 503 is not retried and reports outcomeUnknown", async () => {
        emu.injectFault({ method: "POST", times: Infinity, fault: { kind: "status", status: 503 } });

        const error = await failure(client().resetToken(accountId, seeded.id));

        expect(error.outcomeUnknown).toBe(true);
        expect(emu.requestCount({ method: "POST" })).toBe(1);
    });

    test("GET whose connection is reset is retried", async () => {
        emu.injectFault({ method: "GET", fault: { kind: "reset" } });

        const tokens = await client().listTokens(accountId);

        expect(tokens.map((t) => t.id)).toContain(seeded.id);
        expect(emu.requests.map((r) => r.status)).toEqual([0, 200]);
        expect(retryLines).toHaveLength(1);
    });

    test("POST create whose connection is reset is not retried and reports outcomeUnknown", async () => {
        emu.injectFault({ method: "POST", times: Infinity, fault: { kind: "reset" } });

        const error = await failure(client().createToken(accountId, NEVER_EXPIRES));

        expect(error.outcomeUnknown).toBe(true);
        expect(error.status).toBeUndefined();
        expect(emu.requestCount({ method: "POST" })).toBe(1);
    });

    test("POST create applied but dropped before the answer reports outcomeUnknown (the token does exist)", async () => {
        emu.injectFault({ method: "POST", fault: { kind: "apply-then-drop" } });
        const before = emu.listTokens(accountId).length;

        const error = await failure(client().createToken(accountId, NEVER_EXPIRES));

        expect(error.outcomeUnknown).toBe(true);
        expect(emu.requestCount({ method: "POST" })).toBe(1);
        expect(emu.listTokens(accountId)).toHaveLength(before + 1);
    });

    test("GET with no answer within requestTimeoutMs is retried and then succeeds", async () => {
        emu.injectFault({ method: "GET", fault: { kind: "delay", ms: 1_000 } });

        const token = await client({ requestTimeoutMs: 150 }).getToken(accountId, seeded.id);

        expect(token.id).toBe(seeded.id);
        expect(emu.requestCount({ method: "GET" })).toBe(2);
        expect(retryLines).toHaveLength(1);
        expect(retryLines[0]).toContain("no answer within 150 ms");
    });

    test("GET that never answers within requestTimeoutMs fails saying no answer within N ms", async () => {
        emu.injectFault({ method: "GET", times: Infinity, fault: { kind: "delay", ms: 1_000 } });

        const error = await failure(client({ requestTimeoutMs: 150, retry: { ...FAST, maxRetries: 1 } }).getToken(accountId, seeded.id));

        expect(error.message).toContain("no answer within 150 ms");
        expect(error.status).toBeUndefined();
        expect(error.attempts).toBe(2);
        expect(emu.requestCount({ method: "GET" })).toBe(2);
    });

    test("GET answered with malformed JSON is retried", async () => {
        emu.injectFault({ method: "GET", fault: { kind: "malformed" } });

        const token = await client().getToken(accountId, seeded.id);

        expect(token.id).toBe(seeded.id);
        expect(emu.requestCount({ method: "GET" })).toBe(2);
    });

    test("POST create answered with malformed JSON is not retried and reports outcomeUnknown", async () => {
        emu.injectFault({ method: "POST", fault: { kind: "malformed" } });

        const error = await failure(client().createToken(accountId, NEVER_EXPIRES));

        expect(error.outcomeUnknown).toBe(true);
        expect(emu.requestCount({ method: "POST" })).toBe(1);
    });

    test("POST create answered 200 without a token object reports outcomeUnknown (the create may have happened)", async () => {
        emu.injectFault({ method: "POST", fault: { kind: "status", status: 200, body: { ok: true } } });

        const error = await failure(client().createToken(accountId, NEVER_EXPIRES));

        expect(error.outcomeUnknown).toBe(true);
        expect(emu.requestCount({ method: "POST" })).toBe(1);
    });

    test("GET answered 500 every time fails after maxRetries + 1 attempts, saying how many", async () => {
        emu.injectFault({ method: "GET", times: Infinity, fault: { kind: "status", status: 500 } });

        const error = await failure(client({ retry: { ...FAST, maxRetries: 3 } }).getToken(accountId, seeded.id));

        expect(error.status).toBe(500);
        expect(error.attempts).toBe(4);
        expect(error.message).toContain("4 attempts");
        expect(emu.requestCount({ method: "GET" })).toBe(4);
        expect(retryLines).toHaveLength(3);
    });

    test.each([
        ["GET 404", (c: MailtrapClient) => c.getToken(accountId, 987654), undefined, 404],
        ["DELETE 404", (c: MailtrapClient) => c.deleteToken(accountId, 987654), undefined, 404],
        ["POST 422", (c: MailtrapClient) => c.createToken(accountId, { ...NEVER_EXPIRES, name: "" }), undefined, 422],
        ["GET 400", (c: MailtrapClient) => c.listTokens(accountId), { method: "GET", status: 400 }, 400],
        ["GET 409", (c: MailtrapClient) => c.listTokens(accountId), { method: "GET", status: 409 }, 409],
    ] as const)("%s is never retried (1 request)", async (_name, call, fault, status) => {
        if (fault) emu.injectFault({ method: fault.method, times: Infinity, fault: { kind: "status", status: fault.status } });

        const error = await failure(call(client({ retry: { ...FAST, maxRetries: 5 } })));

        expect(error.status).toBe(status);
        expect(error.attempts).toBe(1);
        expect(emu.requests).toHaveLength(1);
        expect(retryLines).toEqual([]);
    });

    test("operation budget: a permanent 503 stops before the budget is spent and says it gave up", async () => {
        // A fake clock advanced only by the client's waits: deterministic, no real timing involved.
        let clock = 1_000_000;
        const sleeps: number[] = [];
        emu.injectFault({ method: "GET", times: Infinity, fault: { kind: "status", status: 503 } });
        const retry: RetryPolicy = { maxRetries: 1_000, baseDelayMs: 40, maxDelayMs: 40, maxRetryAfterMs: 40, operationBudgetMs: 200 };

        const error = await failure(
            client({
                retry,
                now: () => clock,
                sleep: async (ms) => {
                    sleeps.push(ms);
                    clock += ms;
                },
            }).getToken(accountId, seeded.id),
        );

        expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(retry.operationBudgetMs);
        // Each wait is 20 to 40 ms (backoff with jitter), and only the waits move this clock: 5 to 10
        // of them fit in 200 ms, so 6 to 11 attempts, far below maxRetries + 1.
        expect(error.attempts).toBeGreaterThanOrEqual(6);
        expect(error.attempts).toBeLessThanOrEqual(11);
        expect(error.attempts).toBe(emu.requestCount({ method: "GET" }));
        expect(error.message).toMatch(/; gave up: the operation's time budget of 0\.2 s \(mailtrap:operationTimeoutMs\) is spent/);
        expect(error.status).toBe(503);
    });

    test("operation budget smaller than the first backoff: one attempt, and the error still says it gave up", async () => {
        let clock = 1_000_000;
        emu.injectFault({ method: "GET", times: Infinity, fault: { kind: "status", status: 503 } });
        const retry: RetryPolicy = { maxRetries: 5, baseDelayMs: 40, maxDelayMs: 40, maxRetryAfterMs: 40, operationBudgetMs: 10 };

        const error = await failure(
            client({ retry, now: () => clock, sleep: async (ms) => void (clock += ms) }).getToken(accountId, seeded.id),
        );

        expect(emu.requestCount({ method: "GET" })).toBe(1);
        expect(error.status).toBe(503);
        // A transient failure that was not retried only because of the budget must say so.
        expect(error.message).toMatch(/gave up: the operation's time budget of 0\.0 s \(mailtrap:operationTimeoutMs\) is spent/);
    });

    test("operation budget on the real clock: a permanent 503 ends by giving up, not by running out of retries", async () => {
        emu.injectFault({ method: "GET", times: Infinity, fault: { kind: "status", status: 503 } });
        const retry: RetryPolicy = { maxRetries: 100_000, baseDelayMs: 5, maxDelayMs: 10, maxRetryAfterMs: 10, operationBudgetMs: 150 };

        const error = await failure(client({ retry }).listTokens(accountId));

        expect(error.message).toMatch(/gave up: the operation's time budget of [\d.]+ s \(mailtrap:operationTimeoutMs\) is spent/);
        expect(error.attempts).toBeGreaterThan(1);
        // Every wait is at least half the base delay (2.5 ms, rounded to 3; give a timer 1 ms of
        // slack) and the waits taken fit in the 150 ms budget: at most 1 + 150 / 2 attempts.
        expect(error.attempts).toBeLessThanOrEqual(1 + retry.operationBudgetMs / 2);
        expect(error.attempts).toBe(emu.requests.length);
    });

    test("onRetry is told about each retry in one line naming the operation and the next attempt", async () => {
        emu.injectFault({ method: "GET", times: 2, fault: { kind: "status", status: 503 } });

        await client().getToken(accountId, seeded.id);

        expect(retryLines).toHaveLength(2);
        for (const [index, line] of retryLines.entries()) {
            expect(line).not.toMatch(/[\r\n]/);
            expect(line).toContain(`get API token ${seeded.id} in account ${accountId}`);
            expect(line).toContain(`attempt ${index + 2}`);
        }
    });

    test("onRetry lines never carry the credential, even when the API's error body echoes it", async () => {
        // Its own collector: this deliberately hostile answer is judged here, not by the file-wide check.
        const lines: string[] = [];
        emu.injectFault({ method: "GET", fault: { kind: "status", status: 503, body: { error: `overloaded for ${CREDENTIAL}` } } });

        await client({ onRetry: (line) => lines.push(line) }).listTokens(accountId);

        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain("overloaded for");
        expect(lines[0]).not.toContain(CREDENTIAL);
    });
});

describe("servers that cannot be reached: nothing was sent, so the failure is final and the outcome known", () => {
    /** A port on 127.0.0.1 that nothing listens on: bound by a server, then closed. */
    async function closedPort(): Promise<number> {
        const server = net.createServer();
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const { port } = server.address() as net.AddressInfo;
        await new Promise<void>((resolve) => server.close(() => resolve()));
        return port;
    }

    test("a refused connection fails a GET at the first attempt, saying where and what to check", async () => {
        const port = await closedPort();

        const error = await failure(client({ baseUrl: `http://127.0.0.1:${port}` }).getToken(accountId, seeded.id));

        expect(error.message).toBe(
            `mailtrap: get API token ${seeded.id} in account ${accountId} failed: the connection to 127.0.0.1:${port} was refused (ECONNREFUSED): is mailtrap:baseUrl right?`,
        );
        expect(error.attempts).toBe(1);
        expect(error.status).toBeUndefined();
        expect(error.outcomeUnknown).toBe(false);
        expect(retryLines).toEqual([]);
    });

    test("a refused connection fails a create and a reset at the first attempt, known not to have happened", async () => {
        const refused = client({ baseUrl: `http://127.0.0.1:${await closedPort()}` });

        for (const call of [refused.createToken(accountId, NEVER_EXPIRES), refused.resetToken(accountId, seeded.id)]) {
            const error = await failure(call);
            expect(error.message).toContain("was refused (ECONNREFUSED): is mailtrap:baseUrl right?");
            expect(error.attempts).toBe(1);
            expect(error.outcomeUnknown).toBe(false);
        }
        expect(retryLines).toEqual([]);
    });

    test("https to a port that speaks plain HTTP fails at the handshake, and the server sees no request", async () => {
        const tlsToPlain = client({ baseUrl: emu.baseUrl.replace(/^http:/, "https:") });

        const get = await failure(tlsToPlain.listTokens(accountId));
        const create = await failure(tlsToPlain.createToken(accountId, NEVER_EXPIRES));

        for (const error of [get, create]) {
            expect(error.message).toMatch(
                /the TLS handshake with 127\.0\.0\.1:\d+ failed \((EPROTO|ERR_SSL_[A-Z_]+)\): check that mailtrap:baseUrl/,
            );
            expect(error.attempts).toBe(1);
            expect(error.outcomeUnknown).toBe(false);
        }
        expect(emu.requests).toEqual([]);
    });

    describe("a TLS server whose certificate is self-signed", () => {
        let dir: string;
        let server: https.Server;
        let baseUrl: string;
        /** TCP connections the server accepted, and HTTP requests it received. */
        let connections = 0;
        let requests = 0;

        beforeAll(async () => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailtrap-tls-"));
            const key = path.join(dir, "key.pem");
            const cert = path.join(dir, "cert.pem");
            // A certificate valid for 127.0.0.1 in every respect but its issuer: nobody vouches for it.
            execFileSync(
                "openssl",
                [
                    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
                    ...["-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                ],
                { stdio: "pipe" },
            );
            server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (_req, res) => {
                requests++;
                res.end("[]");
            });
            server.on("connection", () => connections++);
            server.on("tlsClientError", () => undefined);
            await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
            baseUrl = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
        });

        afterAll(async () => {
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
            fs.rmSync(dir, { recursive: true, force: true });
        });

        beforeEach(() => {
            connections = 0;
            requests = 0;
        });

        test("a GET fails at the first attempt naming the certificate problem; no HTTP request reaches the server", async () => {
            const error = await failure(client({ baseUrl }).listTokens(accountId));

            expect(error.message).toBe(
                `mailtrap: list API tokens of account ${accountId} failed: the TLS certificate of 127.0.0.1 was rejected (DEPTH_ZERO_SELF_SIGNED_CERT): check mailtrap:baseUrl, or a proxy intercepting TLS`,
            );
            expect(error.attempts).toBe(1);
            expect(error.status).toBeUndefined();
            expect(connections).toBeGreaterThan(0);
            expect(requests).toBe(0);
            expect(retryLines).toEqual([]);
        });

        test("a create fails at the first attempt, known not to have happened; no HTTP request reaches the server", async () => {
            const error = await failure(client({ baseUrl }).createToken(accountId, NEVER_EXPIRES));

            expect(error.message).toContain("the TLS certificate of 127.0.0.1 was rejected (DEPTH_ZERO_SELF_SIGNED_CERT)");
            expect(error.attempts).toBe(1);
            expect(error.outcomeUnknown).toBe(false);
            expect(connections).toBe(1);
            expect(requests).toBe(0);
        });
    });

    describe("what each transport error code means", () => {
        const server = { hostname: "api.example.test", hostPort: "api.example.test:443" };
        const describeCode = (code: string, message = `some failure (${CREDENTIAL})`) =>
            describeTransportError(Object.assign(new Error(message), { code, config: { headers: { "Api-Token": CREDENTIAL } } }), {
                timeoutMs: 1_500,
                maxAnswerBytes: DEFAULT_MAX_ANSWER_BYTES,
                server,
            });

        test.each([
            "DEPTH_ZERO_SELF_SIGNED_CERT",
            "SELF_SIGNED_CERT_IN_CHAIN",
            "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
            "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
            "UNABLE_TO_GET_ISSUER_CERT",
            "CERT_HAS_EXPIRED",
            "CERT_NOT_YET_VALID",
            "CERT_REVOKED",
            "CERT_UNTRUSTED",
            "ERR_TLS_CERT_ALTNAME_INVALID",
            "HOSTNAME_MISMATCH",
            "INVALID_CA",
            "CRL_HAS_EXPIRED",
        ])("%s: a rejected certificate, final", (code) => {
            expect(describeCode(code)).toEqual({
                outcome: { kind: "unreachable" },
                reason: `the TLS certificate of api.example.test was rejected (${code}): check mailtrap:baseUrl, or a proxy intercepting TLS`,
            });
        });

        test.each([
            "EPROTO",
            "ERR_SSL_WRONG_VERSION_NUMBER",
            "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION",
            "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE",
            "ERR_TLS_INVALID_PROTOCOL_VERSION",
        ])("%s: a failed TLS handshake, final", (code) => {
            expect(describeCode(code)).toEqual({
                outcome: { kind: "unreachable" },
                reason: `the TLS handshake with api.example.test:443 failed (${code}): check that mailtrap:baseUrl names an https server, or a proxy intercepting TLS`,
            });
        });

        test("ENOTFOUND: an unknown host name, final", () => {
            expect(describeCode("ENOTFOUND")).toEqual({
                outcome: { kind: "unreachable" },
                reason: "the host name api.example.test could not be resolved (ENOTFOUND): check mailtrap:baseUrl or DNS",
            });
        });

        test("ECONNREFUSED: a refused connection, final", () => {
            expect(describeCode("ECONNREFUSED")).toEqual({
                outcome: { kind: "unreachable" },
                reason: "the connection to api.example.test:443 was refused (ECONNREFUSED): is mailtrap:baseUrl right?",
            });
        });

        test.each([
            ["EAI_AGAIN", "the host name api.example.test could not be resolved for now (EAI_AGAIN): DNS did not answer"],
            ["EHOSTUNREACH", "there is no network route to api.example.test:443 (EHOSTUNREACH)"],
            ["ENETUNREACH", "there is no network route to api.example.test:443 (ENETUNREACH)"],
            ["ERR_TLS_HANDSHAKE_TIMEOUT", "the TLS handshake with api.example.test:443 timed out (ERR_TLS_HANDSHAKE_TIMEOUT)"],
        ])("%s: not sent, and worth another try", (code, reason) => {
            expect(describeCode(code)).toEqual({ outcome: { kind: "not-sent" }, reason });
        });

        test.each([
            ["ETIMEDOUT", "no answer within 1500 ms"],
            ["ECONNABORTED", "no answer within 1500 ms"],
            ["ECONNRESET", "the connection was closed before an answer (ECONNRESET)"],
            ["EPIPE", "the connection was closed before an answer (EPIPE)"],
            ["ERR_BAD_RESPONSE", "the answer broke off (ERR_BAD_RESPONSE)"],
            ["ESOMETHINGNEW", "the request failed (ESOMETHINGNEW)"],
            ["ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC", "the request failed (ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC)"],
            ["", "the request failed"],
        ])("%p: may have been sent, so its outcome is unknown", (code, reason) => {
            expect(describeCode(code)).toEqual({ outcome: { kind: "no-answer" }, reason });
        });

        test("axios's maxContentLength error: an answer too large", () => {
            expect(describeCode("ERR_BAD_RESPONSE", "maxContentLength size of 16777216 exceeded")).toEqual({
                outcome: { kind: "too-large" },
                reason: "the answer was larger than 16 MiB",
            });
        });

        test("the reason is built from the code alone: never the error's message, config or headers", () => {
            for (const code of ["ECONNREFUSED", "DEPTH_ZERO_SELF_SIGNED_CERT", "ESOMETHINGNEW", "ERR_BAD_RESPONSE"]) {
                expect(describeCode(code).reason).not.toContain(CREDENTIAL);
            }
            expect(describeTransportError("not an error", { timeoutMs: 1, maxAnswerBytes: 1, server }).reason).toBe("the request failed");
        });
    });
});

describe("answers larger than the client reads", () => {
    test("an oversized answer to a GET fails at once, saying so, without retrying", async () => {
        for (let i = 0; i < 20; i++) emu.createToken(accountId, { name: `filler-${i}`, expires_at: null });
        emu.clearRequests();

        const error = await failure(client({ maxAnswerBytes: 1024 }).listTokens(accountId));

        expect(error.message).toBe(`mailtrap: list API tokens of account ${accountId} failed: the answer was larger than 1 KiB`);
        expect(error.attempts).toBe(1);
        expect(error.outcomeUnknown).toBe(false);
        expect(emu.requestCount({ method: "GET" })).toBe(1);
        expect(retryLines).toEqual([]);
    });

    test("an oversized answer to a create is an unknown outcome (the API made the token), never retried", async () => {
        const before = emu.listTokens(accountId).length;

        const error = await failure(client({ maxAnswerBytes: 64 }).createToken(accountId, NEVER_EXPIRES));

        expect(error.message).toBe(`mailtrap: create API token "ci" in account ${accountId} failed: the answer was larger than 64 bytes`);
        expect(error.outcomeUnknown).toBe(true);
        expect(error.attempts).toBe(1);
        expect(emu.requestCount({ method: "POST" })).toBe(1);
        expect(emu.listTokens(accountId)).toHaveLength(before + 1);
        for (const token of emu.listTokens(accountId)) secrets.add(token.token);
    });

    test("an oversized answer to a reset is an unknown outcome too", async () => {
        const error = await failure(client({ maxAnswerBytes: 64 }).resetToken(accountId, seeded.id));

        expect(error.outcomeUnknown).toBe(true);
        expect(error.attempts).toBe(1);
        expect(emu.requestCount({ method: "POST" })).toBe(1);
        for (const token of emu.listTokens(accountId)) secrets.add(token.token);
    });

    describe("the default limit", () => {
        let server: http.Server;
        let baseUrl: string;
        let bodyBytes = 0;

        beforeAll(async () => {
            // Answers `bodyBytes` bytes in 1 MiB chunks, so the test never holds the whole body at once.
            server = http.createServer((_req, res) => {
                res.writeHead(200, { "Content-Type": "application/json" });
                const chunk = Buffer.alloc(1024 * 1024, " ");
                let left = bodyBytes;
                const more = (): void => {
                    while (left > 0) {
                        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
                        left -= piece.length;
                        if (!res.write(piece)) return void res.once("drain", more);
                    }
                    res.end();
                };
                res.on("error", () => undefined);
                more();
            });
            await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
            baseUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
        });

        afterAll(async () => {
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        });

        test("is 16 MiB: one byte more fails saying so", async () => {
            expect(DEFAULT_MAX_ANSWER_BYTES).toBe(16 * 1024 * 1024);
            bodyBytes = DEFAULT_MAX_ANSWER_BYTES + 1;

            const error = await failure(client({ baseUrl }).listTokens(accountId));

            expect(error.message).toBe(`mailtrap: list API tokens of account ${accountId} failed: the answer was larger than 16 MiB`);
            expect(error.attempts).toBe(1);
        });

        test("reads an answer of exactly 16 MiB", async () => {
            bodyBytes = DEFAULT_MAX_ANSWER_BYTES;

            // Only spaces: read in full, then found not to be JSON (and retried, as a GET may be).
            const error = await failure(client({ baseUrl, retry: { ...FAST, maxRetries: 0 } }).listTokens(accountId));

            expect(error.message).toContain("the answer was not valid JSON");
        });
    });

    test("an account with 5,000 tokens lists well within the default limit", async () => {
        const permissions = Array.from({ length: 4 }, (_, i) => ({
            resource_type: "inbox" as const,
            resource_id: 1_000_000 + i,
            access_level: 100 as const,
        }));
        for (let i = 0; i < 5_000; i++) {
            emu.createToken(accountId, { name: `bulk-token-with-a-long-name-${i}`, resources: permissions, expires_at: null });
        }

        const tokens = await client().listTokens(accountId);

        expect(tokens).toHaveLength(5_002);
        expect(emu.requestCount({ method: "GET" })).toBe(1);
    });
});

describe("clocks", () => {
    test("a Retry-After date is read against the wall clock, whatever clock measures the budget", async () => {
        const sleeps: number[] = [];
        // HTTP dates have whole seconds: 3 s ahead is 2 to 3 s away.
        const retryAt = new Date(Date.now() + 3_000).toUTCString();
        emu.injectFault({ method: "GET", fault: { kind: "status", status: 429, headers: { "Retry-After": retryAt } } });

        await client({
            retry: { ...FAST, maxRetryAfterMs: 60_000 },
            // A monotonic budget clock has its own zero, far from the wall clock's.
            now: () => 5,
            sleep: async (ms) => void sleeps.push(ms),
        }).getToken(accountId, seeded.id);

        expect(sleeps).toHaveLength(1);
        expect(sleeps[0]).toBeGreaterThan(1_000);
        expect(sleeps[0]).toBeLessThanOrEqual(3_000);
    });
});

describe("pacing", () => {
    const LIMIT = { requests: 20, windowMs: 1_000 };
    const PACING_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 2_000, operationBudgetMs: 15_000 };

    async function restartRateLimited(): Promise<void> {
        await emu.stop();
        // A fresh random credential: pacers are process-wide per credential, so no other test shares this one.
        await startEmulator({ credential: undefined, rateLimit: LIMIT });
    }

    function pacedClient(): MailtrapClient {
        return client({ apiToken: emu.credential, rateLimit: { ...LIMIT }, retry: PACING_RETRY, requestTimeoutMs: 5_000 });
    }

    test("60 parallel GETs under a matching rate limit all succeed and the API answers no 429", async () => {
        await restartRateLimited();
        const paced = pacedClient();

        const results = await Promise.allSettled(Array.from({ length: 60 }, () => paced.getToken(accountId, seeded.id)));

        expect(results.filter((r) => r.status === "rejected")).toEqual([]);
        expect(emu.requests).toHaveLength(60);
        expect(countStatus(429)).toBe(0);
    });

    test("two clients with the same credential share one pacer: 30 + 30 parallel GETs get no 429", async () => {
        await restartRateLimited();
        const first = pacedClient();
        const second = pacedClient();

        const results = await Promise.allSettled(
            Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? first : second).getToken(accountId, seeded.id)),
        );

        expect(results.filter((r) => r.status === "rejected")).toEqual([]);
        expect(countStatus(429)).toBe(0);
        expect(emu.requests).toHaveLength(60);
    });
});

describe("secrets", () => {
    test("a token value issued earlier never appears in a later failure about that token", async () => {
        const token = issued(await client().createToken(accountId, NEVER_EXPIRES));
        const c = client();
        emu.injectFault({ path: `/${token.id}`, times: Infinity, fault: { kind: "status", status: 503 } });

        const errors = [
            await failure(c.getToken(accountId, token.id)),
            await failure(c.resetToken(accountId, token.id)),
            await failure(c.deleteToken(accountId, token.id)),
        ];

        for (const error of errors) {
            expect(error.message).not.toContain(token.token);
            expect(JSON.stringify(error)).not.toContain(token.token);
            expect(String(error.stack)).not.toContain(token.token);
        }
        expect(retryLines.join("\n")).not.toContain(token.token);
    });

    test("no failure text of any kind carries the credential or a token value, even when the API echoes them", async () => {
        // Its own failures, of every kind the client reports, so the test stands alone.
        const lines: string[] = [];
        const c = client({ onRetry: (line) => lines.push(line), maxAnswerBytes: 4096 });
        const token = issued(await c.createToken(accountId, NEVER_EXPIRES));
        // The API's words are cut at 500 characters: the last echo straddles the cut.
        const echo = `echo ${CREDENTIAL} ${token.token} ${"x".repeat(400)} ${token.token}`;
        const closed = net.createServer();
        await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
        const closedPort = (closed.address() as net.AddressInfo).port;
        await new Promise<void>((resolve) => closed.close(() => resolve()));

        emu.injectFault({ method: "GET", times: 2, fault: { kind: "status", status: 503, body: { error: echo } } });
        emu.injectFault({ method: "GET", fault: { kind: "status", status: 400, body: { errors: [echo] } } });
        const statusError = await rejectionOf(c.getToken(accountId, token.id));
        emu.injectFault({ method: "POST", fault: { kind: "status", status: 422, body: { errors: { name: [echo] } } } });
        const createError = await rejectionOf(c.createToken(accountId, NEVER_EXPIRES));
        emu.injectFault({ method: "POST", fault: { kind: "apply-then-drop" } });
        const resetError = await rejectionOf(c.resetToken(accountId, token.id));
        emu.injectFault({ method: "GET", fault: { kind: "status", status: 200, body: Array(100).fill({ note: echo }) } });
        const tooLarge = await rejectionOf(c.listTokens(accountId));
        const refused = await rejectionOf(client({ baseUrl: `http://127.0.0.1:${closedPort}` }).getToken(accountId, token.id));
        for (const made of emu.listTokens(accountId)) secrets.add(made.token);

        const errors = [statusError, createError, resetError, tooLarge, refused] as MailtrapApiError[];
        for (const error of errors) expect(error).toBeInstanceOf(MailtrapApiError);
        expect(errors.map((e) => e.status)).toEqual([400, 422, undefined, undefined, undefined]);
        // The API's words are kept, with the secrets masked.
        expect(errors[0].message).toContain("echo [secret]");
        expect(lines).toHaveLength(2);
        console.log(errors[0].message, token.token.length);
        const texts = [...errors.flatMap((e) => [e.message, JSON.stringify(e), String(e.stack)]), ...lines];
        // Nor a part of one: a value cut in two leaks its half.
        const half = (value: string) => value.slice(0, value.length / 2);
        expect(texts.filter((text) => text.includes(half(CREDENTIAL)) || text.includes(half(token.token)))).toEqual([]);
        expectNoSecrets(texts);
        failureTexts.push(...texts);
    });
});

// The texts every test in this file collected, searched once more for every secret any test saw.
afterAll(() => {
    expectNoSecrets(failureTexts);
});
