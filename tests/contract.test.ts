/**
 * Contract tests of the Mailtrap API-token endpoints themselves, through MailtrapClient.
 *
 * By default they run against the local emulator. With MAILTRAP_CONTRACT_API_TOKEN and
 * MAILTRAP_CONTRACT_ACCOUNT_ID set they run against real Mailtrap (https://mailtrap.io, or
 * MAILTRAP_CONTRACT_BASE_URL), which keeps the emulator honest. Every token created here is
 * deleted in afterAll (a 404 there counts as already deleted).
 */
import { MailtrapClient } from "../provider/client/client";
import { MailtrapEmulator } from "../provider/emulator/server";
import { MailtrapApiError } from "../provider/client/errors";
import { RetryPolicy } from "../provider/client/retry";
import { ApiTokenPermission, IssuedApiToken } from "../provider/types";
import { rejectionOf } from "./harness/rejection";

const REAL_TOKEN = process.env.MAILTRAP_CONTRACT_API_TOKEN?.trim() || undefined;
const REAL_ACCOUNT = process.env.MAILTRAP_CONTRACT_ACCOUNT_ID?.trim() || undefined;
const REAL = REAL_TOKEN !== undefined && REAL_ACCOUNT !== undefined;

jest.setTimeout(REAL ? 120_000 : 20_000);

const RETRY: RetryPolicy = REAL
    ? { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 5_000, maxRetryAfterMs: 15_000, operationBudgetMs: 60_000 }
    : { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 20, operationBudgetMs: 5_000 };

let emulator: MailtrapEmulator | undefined;
let client: MailtrapClient;
let baseUrl: string;
let credential: string;
let accountId: number;

/** Every token id this file created (including reset successors): afterAll deletes them. */
const createdIds = new Set<number>();
/** The credential and every token value seen: no failure text may contain one. */
const secrets = new Set<string>();

const NAME = `contract-test-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
let permissions: ApiTokenPermission[];
let original: IssuedApiToken | undefined;
let successor: IssuedApiToken | undefined;

beforeAll(async () => {
    if (REAL) {
        accountId = Number(REAL_ACCOUNT);
        if (!Number.isSafeInteger(accountId) || accountId < 1) {
            throw new Error("MAILTRAP_CONTRACT_ACCOUNT_ID must be a positive integer");
        }
        baseUrl = (process.env.MAILTRAP_CONTRACT_BASE_URL?.trim() || "https://mailtrap.io").replace(/\/+$/, "");
        credential = REAL_TOKEN!;
        console.log(`contract tests: running against real Mailtrap at ${baseUrl} (account ${accountId})`);
    } else {
        emulator = new MailtrapEmulator();
        baseUrl = await emulator.start(0);
        credential = emulator.credential;
        accountId = emulator.accountId;
        const partial =
            REAL_TOKEN !== undefined || REAL_ACCOUNT !== undefined ? " (only one of the two MAILTRAP_CONTRACT_* variables is set)" : "";
        console.log(
            `contract tests: running against the local emulator at ${baseUrl}${partial}; ` +
                "set MAILTRAP_CONTRACT_API_TOKEN and MAILTRAP_CONTRACT_ACCOUNT_ID to run against real Mailtrap",
        );
    }
    secrets.add(credential);
    client = new MailtrapClient({
        baseUrl,
        apiToken: credential,
        requestTimeoutMs: REAL ? 20_000 : 2_000,
        retry: RETRY,
        rateLimit: REAL ? { requests: 150, windowMs: 10_000 } : null,
    });
    permissions = [{ resourceType: "account", resourceId: accountId, accessLevel: "viewer" }];
});

afterAll(async () => {
    const problems: string[] = [];
    try {
        for (const id of createdIds) {
            try {
                await client.deleteToken(accountId, id);
            } catch (error) {
                if (!(error instanceof MailtrapApiError && error.isNotFound)) {
                    problems.push(error instanceof Error ? error.message : String(error));
                }
            }
        }
    } finally {
        await emulator?.stop();
    }
    if (problems.length > 0) {
        throw new Error(`contract tests: could not delete every token they created: ${problems.join("; ")}`);
    }
});

function remember(token: IssuedApiToken): IssuedApiToken {
    createdIds.add(token.id);
    secrets.add(token.token);
    return token;
}

/** The raw answer of a GET, to check what the API itself returns (the client drops unknown fields). */
async function rawGet(path: string): Promise<{ status: number; text: string }> {
    const response = await fetch(baseUrl + path, {
        headers: { "Api-Token": credential, Accept: "application/json" },
        signal: AbortSignal.timeout(REAL ? 20_000 : 2_000),
    });
    return { status: response.status, text: await response.text() };
}

async function apiFailure(promise: Promise<unknown>): Promise<MailtrapApiError> {
    const caught = await rejectionOf(promise);
    expect(caught).toBeInstanceOf(MailtrapApiError);
    const error = caught as MailtrapApiError;
    for (const text of [error.message, JSON.stringify(error), String(error.stack)]) {
        for (const secret of secrets) {
            expect(text.includes(secret)).toBe(false);
        }
    }
    expect(error.message).not.toMatch(/[\r\n]/);
    return error;
}

function requireOriginal(): IssuedApiToken {
    if (!original) throw new Error("the create test did not succeed");
    return original;
}

function requireSuccessor(): IssuedApiToken {
    if (!successor) throw new Error("the reset test did not succeed");
    return successor;
}

const tokensPath = () => `/api/accounts/${accountId}/api_tokens`;

describe("API token contract", () => {
    test("create returns the full value once, and last_4_digits matches it", async () => {
        original = remember(await client.createToken(accountId, { name: NAME, resources: permissions, expiresAt: null }));

        expect(original.id).toEqual(expect.any(Number));
        expect(original.id).toBeGreaterThan(0);
        expect(original.name).toBe(NAME);
        expect(typeof original.token).toBe("string");
        expect(original.token.length).toBeGreaterThanOrEqual(8);
        expect(original.last4Digits).toBe(original.token.slice(-4));
        expect(original.expiresAt).toBeNull();
        expect(original.resources).toEqual(expect.arrayContaining(permissions));
        expect(typeof original.createdBy).toBe("string");
    });

    test("get returns the token without its value", async () => {
        const created = requireOriginal();

        const token = await client.getToken(accountId, created.id);

        expect(token).toMatchObject({ id: created.id, name: NAME, last4Digits: created.last4Digits, expiresAt: null });
        expect(token).not.toHaveProperty("token");
        const raw = await rawGet(`${tokensPath()}/${created.id}`);
        expect(raw.status).toBe(200);
        expect(JSON.parse(raw.text)).not.toHaveProperty("token");
        expect(raw.text.includes(created.token)).toBe(false);
    });

    test("list contains the token, without its value", async () => {
        const created = requireOriginal();

        const tokens = await client.listTokens(accountId);

        const listed = tokens.find((t) => t.id === created.id);
        expect(listed).toMatchObject({ id: created.id, name: NAME, last4Digits: created.last4Digits });
        const raw = await rawGet(tokensPath());
        expect(raw.status).toBe(200);
        expect(raw.text.includes(created.token)).toBe(false);
    });

    test("reset returns a new id and a new value; the old token then has expires_at set", async () => {
        const created = requireOriginal();

        successor = remember(await client.resetToken(accountId, created.id, null));

        expect(successor.id).not.toBe(created.id);
        expect(successor.token).not.toBe(created.token);
        expect(successor.last4Digits).toBe(successor.token.slice(-4));
        expect(successor.name).toBe(NAME);
        expect(successor.resources).toEqual(expect.arrayContaining(permissions));
        const old = await client.getToken(accountId, created.id);
        expect(old.expiresAt).not.toBeNull();
        expect(Number.isNaN(Date.parse(old.expiresAt!))).toBe(false);
    });

    test("a second reset of the old token is refused, and creates nothing", async () => {
        const created = requireOriginal();
        requireSuccessor();

        const error = await apiFailure(client.resetToken(accountId, created.id, null));

        expect(error.status).toBeGreaterThanOrEqual(400);
        expect(error.status).toBeLessThan(500);
        expect(error.outcomeUnknown).toBe(false);
        const named = (await client.listTokens(accountId)).filter((t) => t.name === NAME);
        expect(named.map((t) => t.id).sort((a, b) => a - b)).toEqual([created.id, requireSuccessor().id].sort((a, b) => a - b));
    });

    test("delete removes a token: a get then answers 404", async () => {
        const next = requireSuccessor();

        await client.deleteToken(accountId, next.id);

        const error = await apiFailure(client.getToken(accountId, next.id));
        expect(error.status).toBe(404);
        expect(error.isNotFound).toBe(true);
    });

    test("an unknown token maps to a 404 MailtrapApiError with isNotFound, for get and delete", async () => {
        const gone = requireSuccessor().id;

        const onDelete = await apiFailure(client.deleteToken(accountId, gone));
        expect(onDelete.status).toBe(404);
        expect(onDelete.isNotFound).toBe(true);
        expect(onDelete.message).toContain(`delete API token ${gone} in account ${accountId}`);
        expect(onDelete.message).toContain("404");

        // The old (reset) token can be deleted during its grace period, then it is gone too.
        const old = requireOriginal();
        await client.deleteToken(accountId, old.id);
        const onGet = await apiFailure(client.getToken(accountId, old.id));
        expect(onGet.isNotFound).toBe(true);
    });
});
