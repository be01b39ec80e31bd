/**
 * MailtrapClient against the local emulator: requests, response mapping, error mapping, retries,
 * pacing, and that no failure text ever carries the credential or a token value.
 */
import { CreateApiTokenRequest, MailtrapClient, MailtrapClientOptions } from "../provider/client";
import { EmulatorOptions, MailtrapEmulator } from "../provider/emulator/server";
import { MailtrapApiError } from "../provider/errors";
import { RetryPolicy } from "../provider/retry";
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
        expect(error.attempts).toBeGreaterThan(1);
        expect(error.attempts).toBeLessThan(retry.maxRetries + 1);
        expect(error.attempts).toBe(emu.requestCount({ method: "GET" }));
        expect(error.message).toMatch(/gave up/);
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
        expect(error.message).toMatch(/gave up/);
    });

    test("operation budget on the real clock: a permanent 503 ends by giving up, not by running out of retries", async () => {
        emu.injectFault({ method: "GET", times: Infinity, fault: { kind: "status", status: 503 } });
        const retry: RetryPolicy = { maxRetries: 100_000, baseDelayMs: 5, maxDelayMs: 10, maxRetryAfterMs: 10, operationBudgetMs: 150 };

        const error = await failure(client({ retry }).listTokens(accountId));

        expect(error.message).toMatch(/gave up/);
        expect(error.attempts).toBeLessThan(retry.maxRetries + 1);
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

    // Runs last (jest keeps declaration order within a file): checks what every test above collected.
    test("no error message, serialized error, stack or onRetry line in this file carries the credential or a token value", () => {
        expect(failureTexts.length).toBeGreaterThan(0);
        expectNoSecrets(failureTexts);
    });
});
