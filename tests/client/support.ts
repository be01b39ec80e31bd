/**
 * What every specification of MailtrapClient shares: a fresh local emulator per test, a client
 * aimed at it, and the bookkeeping that proves no failure text ever carries the credential or a
 * token value. A spec file calls `useEmulatorPerTest()` once, at its top level.
 */
import { CreateApiTokenRequest, MailtrapClient, MailtrapClientOptions } from "../../provider/client/client";
import { EmulatorOptions, MailtrapEmulator } from "../../provider/emulator/server";
import { MailtrapApiError } from "../../provider/client/errors";
import { RetryPolicy } from "../../provider/client/retry";
import { rejectionOf } from "../harness/rejection";

/** Known credential values, so every failure text can be searched for them. */
export const CREDENTIAL = "cred-SECRET-4f1c9a7e2b6d80534d2e";
export const WRONG_CREDENTIAL = "wrong-SECRET-9d0e7c3a51b24f68aa01";

export const FAST: RetryPolicy = { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 20, operationBudgetMs: 10_000 };
const REQUEST_TIMEOUT_MS = 2_000;

/** Every credential and token value seen by any test in the spec file. */
export const secrets = new Set<string>([CREDENTIAL, WRONG_CREDENTIAL]);
/** Every error message, serialized error, stack and onRetry line produced by a failing scenario. */
export const failureTexts: string[] = [];

// Reassigned for every test; importers read them through live bindings.
export let emu: MailtrapEmulator;
export let accountId: number;
export let retryLines: string[];
/** A token seeded out of band in every test; its value is a secret too. */
export let seeded: { id: number; value: string };

export async function startEmulator(options: EmulatorOptions = {}): Promise<void> {
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

/** Registers the spec file's hooks: an emulator per test, and the secret checks after each test and after all. */
export function useEmulatorPerTest(): void {
    jest.setTimeout(20_000);

    beforeEach(async () => {
        retryLines = [];
        await startEmulator();
    });

    afterEach(async () => {
        await emu.stop();
        failureTexts.push(...retryLines);
        expectNoSecrets(retryLines);
    });

    // The texts every test in the file collected, searched once more for every secret any test saw.
    afterAll(() => {
        expectNoSecrets(failureTexts);
    });
}

export function client(options: Partial<MailtrapClientOptions> = {}): MailtrapClient {
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

export function expectNoSecrets(texts: string[]): void {
    expect(secretsIn(texts)).toEqual([]);
}

/** Awaits a rejection, checks it is a MailtrapApiError whose texts are one line and carry no secret. */
export async function failure(promise: Promise<unknown>): Promise<MailtrapApiError> {
    const caught = await rejectionOf(promise);
    expect(caught).toBeInstanceOf(MailtrapApiError);
    const error = caught as MailtrapApiError;
    const texts = [error.message, JSON.stringify(error), String(error.stack)];
    failureTexts.push(...texts);
    expectNoSecrets(texts);
    expect(error.message).not.toMatch(/[\r\n]/);
    return error;
}

export function issued<T extends { token: string }>(token: T): T {
    secrets.add(token.token);
    return token;
}

export const NEVER_EXPIRES: CreateApiTokenRequest = { name: "ci", resources: [], expiresAt: null };
export const tokensPath = () => `/api/accounts/${accountId}/api_tokens`;
export const tokenPath = (id: number) => `${tokensPath()}/${id}`;
export const countStatus = (status: number) => emu.requests.filter((entry) => entry.status === status).length;
