import * as crypto from "crypto";
import axios, { AxiosInstance } from "axios";
import { MailtrapApiError, redactSecrets } from "./errors";
import { monotonicMs, RateLimit, RequestPacer, pacerFor } from "./pacer";
import { processState } from "../processState";
import { AttemptOutcome, backoffDelayMs, DEFAULT_RETRY_POLICY, mayHaveTakenEffect, RetryPolicy, retryDelayMs } from "./retry";
import { ApiTokenInfo, ApiTokenPermission, IssuedApiToken } from "../types";
import { describeTransportError, ServerAddress, serverAddress } from "./transport";
import { apiMessage, fromWireToken, parseJson, toWirePermission, WireApiToken } from "./wire";

export interface CreateApiTokenRequest {
    name: string;
    resources: ApiTokenPermission[];
    /** null asks for a token that never expires. */
    expiresAt: string | null;
}

export interface MailtrapClientOptions {
    baseUrl: string;
    apiToken: string;
    requestTimeoutMs?: number;
    retry?: RetryPolicy;
    /** Pace requests under this limit; null sends them as they come. */
    rateLimit?: RateLimit | null;
    /** Told about each retry, in one line without secrets. */
    onRetry?: (message: string) => void;
    /** The largest answer read, in bytes (after decompression); a larger one fails the call. Default 16 MiB. */
    maxAnswerBytes?: number;
    /** Measures the operation's time budget: a monotonic clock by default; injectable for tests. */
    now?: () => number;
    sleep?: (ms: number) => Promise<void>;
}

/**
 * The largest answer read. The largest real answer is the token list of an account: about 300 to
 * 500 bytes a token with its permissions, so 16 MiB holds more than 30,000 tokens, far beyond any
 * account, while a misbehaving server or proxy cannot make the provider buffer without end.
 */
export const DEFAULT_MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * The Mailtrap API-token endpoints, typed. The one place for the base URL, the credential,
 * timeouts, pacing, retries and error mapping: callers get camelCase values or a MailtrapApiError.
 */
export class MailtrapClient {
    private readonly http: AxiosInstance;
    private readonly apiToken: string;
    /** Every token value this client handed out: masked, like the credential, in any text from outside. */
    private readonly issuedValues: string[] = [];
    private readonly retry: RetryPolicy;
    private readonly requestTimeoutMs: number;
    private readonly pacer?: RequestPacer;
    private readonly onRetry: (message: string) => void;
    private readonly maxAnswerBytes: number;
    private readonly server: ServerAddress;
    private readonly now: () => number;
    private readonly sleep: (ms: number) => Promise<void>;

    constructor(options: MailtrapClientOptions) {
        this.apiToken = options.apiToken;
        this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
        this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
        this.onRetry = options.onRetry ?? (() => undefined);
        this.maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
        this.server = serverAddress(options.baseUrl);
        this.now = options.now ?? monotonicMs;
        this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        if (options.rateLimit) {
            const digest = crypto.createHash("sha256").update(options.apiToken).digest("hex");
            this.pacer = pacerFor(digest, options.rateLimit);
        }
        this.http = axios.create({
            baseURL: options.baseUrl.replace(/\/+$/, ""),
            timeout: this.requestTimeoutMs,
            headers: { "Api-Token": options.apiToken, Accept: "application/json" },
            // Statuses and bodies are judged here, not by axios: its errors carry the request headers.
            validateStatus: () => true,
            responseType: "text",
            transformResponse: [(body: unknown) => body],
            transitional: { clarifyTimeoutError: true },
            // Counted after decompression, so a small compressed answer cannot unpack into gigabytes either.
            maxContentLength: this.maxAnswerBytes,
            httpAgent: processState().httpAgent,
            httpsAgent: processState().httpsAgent,
            maxRedirects: 0,
        });
    }

    /**
     * Every method takes the account: a number uses the account-scoped routes
     * (`/api/accounts/{id}/api_tokens…`, as the npm and Python clients do), undefined the
     * account-less ones (`/api/api_tokens…`, the vendor's description, Go client and Terraform
     * provider), where the account is the credential's own.
     */
    async listTokens(accountId: number | undefined): Promise<ApiTokenInfo[]> {
        const operation = accountId === undefined ? "list API tokens" : `list API tokens of account ${accountId}`;
        const body = await this.send<WireApiToken[]>(operation, "GET", tokensPath(accountId));
        if (!Array.isArray(body)) {
            throw this.malformed(operation, "expected a JSON array");
        }
        return body.map(fromWireToken);
    }

    async getToken(accountId: number | undefined, tokenId: number): Promise<ApiTokenInfo> {
        const operation = `get API token ${tokenId}${inAccount(accountId)}`;
        return fromWireToken(this.expectToken(operation, await this.send(operation, "GET", tokenPath(accountId, tokenId))));
    }

    async createToken(accountId: number | undefined, request: CreateApiTokenRequest): Promise<IssuedApiToken> {
        const operation = `create API token "${request.name}"${inAccount(accountId)}`;
        const body = {
            name: request.name,
            resources: request.resources.map(toWirePermission),
            expires_at: wireInstant(request.expiresAt),
        };
        return this.issued(operation, await this.send(operation, "POST", tokensPath(accountId), body));
    }

    async deleteToken(accountId: number | undefined, tokenId: number): Promise<void> {
        await this.send(`delete API token ${tokenId}${inAccount(accountId)}`, "DELETE", tokenPath(accountId, tokenId));
    }

    /**
     * Expires the token after the API's grace period and returns its successor, with the new value.
     * The successor's expiry is always stated: today's API gives a reset without one a one-year expiry.
     */
    async resetToken(accountId: number | undefined, tokenId: number, expiresAt: string | null): Promise<IssuedApiToken> {
        const operation = `reset API token ${tokenId}${inAccount(accountId)}`;
        const body = { expires_at: wireInstant(expiresAt) };
        return this.issued(operation, await this.send(operation, "POST", `${tokenPath(accountId, tokenId)}/reset`, body));
    }

    private issued(operation: string, body: unknown): IssuedApiToken {
        // A 2xx to a create or reset means the token probably exists: an unreadable answer is an unknown outcome.
        const wire = this.expectToken(operation, body, true);
        if (typeof wire.token !== "string" || wire.token === "") {
            // The token exists but its value is lost: the caller must treat this like an unknown outcome.
            throw new MailtrapApiError({ operation, reason: "the answer carried no token value", outcomeUnknown: true });
        }
        this.issuedValues.push(wire.token);
        return { ...fromWireToken(wire), token: wire.token };
    }

    private expectToken(operation: string, body: unknown, outcomeUnknown = false): WireApiToken {
        const wire = body as WireApiToken;
        if (typeof wire !== "object" || wire === null || typeof wire.id !== "number") {
            throw this.malformed(operation, "expected an API token object", outcomeUnknown);
        }
        return wire;
    }

    private malformed(operation: string, reason: string, outcomeUnknown = false): MailtrapApiError {
        return new MailtrapApiError({ operation, reason: `unexpected answer: ${reason}`, outcomeUnknown });
    }

    /** The backoff after `failedAttempts` failures, for callers that retry a whole operation. */
    async waitBeforeRetry(failedAttempts: number): Promise<void> {
        await this.sleep(backoffDelayMs(this.retry, failedAttempts));
    }

    /** One call: paced attempts under the retry policy, within the time budget of a call. */
    private async send<T = unknown>(operation: string, method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
        const idempotent = method !== "POST";
        let started: number | undefined;
        for (let attempt = 1; ; attempt++) {
            await this.pacer?.acquire();
            // Time spent waiting for a first turn under the rate limit is not the call's own.
            started ??= this.now();
            // An attempt may outlast the operation's budget by at most a second.
            const remainingMs = this.retry.operationBudgetMs - (this.now() - started);
            const result = await this.attempt(
                method,
                path,
                body,
                Math.min(this.requestTimeoutMs, Math.max(1_000, remainingMs)),
                idempotent,
            );
            if (result.kind === "success") {
                return result.body as T;
            }
            const elapsedMs = this.now() - started;
            // The wall clock only to read a Retry-After date; the budget is measured on this.now.
            const delay = retryDelayMs(this.retry, result.outcome, attempt, idempotent, Date.now());
            if (result.outcome.kind === "status" && result.outcome.status === 429 && delay !== undefined) {
                this.pacer?.pauseFor(delay);
            }
            const reason = redactSecrets(result.reason, [this.apiToken, ...this.issuedValues]);
            const budgetSpent = delay !== undefined && elapsedMs + delay > this.retry.operationBudgetMs;
            if (delay === undefined || budgetSpent) {
                throw new MailtrapApiError({
                    operation,
                    status: result.outcome.kind === "status" ? result.outcome.status : undefined,
                    reason: budgetSpent
                        ? `${reason}; gave up: the operation's time budget of ${(this.retry.operationBudgetMs / 1000).toFixed(1)} s (mailtrap:operationTimeoutMs) is spent`
                        : reason,
                    // A POST that got no answer, an answer too large to read, or a server error may still have been carried out.
                    outcomeUnknown: !idempotent && mayHaveTakenEffect(result.outcome),
                    attempts: attempt,
                    elapsedMs,
                });
            }
            this.onRetry(`mailtrap: ${operation}: ${reason}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1})`);
            await this.sleep(delay);
        }
    }

    private async attempt(
        method: string,
        path: string,
        body: unknown,
        timeoutMs: number,
        reuseConnection: boolean,
    ): Promise<{ kind: "success"; body: unknown } | { kind: "failure"; outcome: AttemptOutcome; reason: string }> {
        // A POST goes on a fresh connection: on a kept-alive one the server may have just closed, it
        // would fail with a reset that looks like a lost create or reset.
        const agents = reuseConnection ? {} : { httpAgent: false as const, httpsAgent: false as const };
        let response;
        try {
            response = await this.http.request<string>({ method, url: path, data: body, timeout: timeoutMs, ...agents });
        } catch (error) {
            return {
                kind: "failure",
                ...describeTransportError(error, { timeoutMs, maxAnswerBytes: this.maxAnswerBytes, server: this.server }),
            };
        }
        const parsed = parseJson(response.data);
        if (response.status >= 200 && response.status < 300) {
            if (response.status === 204 || response.data === "" || response.data === undefined) {
                return { kind: "success", body: undefined };
            }
            if (parsed.ok) {
                return { kind: "success", body: parsed.value };
            }
            return { kind: "failure", outcome: { kind: "no-answer" }, reason: "the answer was not valid JSON" };
        }
        const retryAfter = response.headers["retry-after"];
        return {
            kind: "failure",
            outcome: { kind: "status", status: response.status, retryAfter: typeof retryAfter === "string" ? retryAfter : undefined },
            reason: apiMessage(parsed.ok ? parsed.value : undefined, response.statusText, [this.apiToken, ...this.issuedValues]),
        };
    }
}

/** One spelling on the wire, whatever RFC 3339 form the program used; null (never expires) stays null. */
function wireInstant(instant: string | null): string | null {
    return instant === null ? null : new Date(instant).toISOString();
}

/** Where the account appears in an operation's name: nowhere for the account-less routes. */
function inAccount(accountId: number | undefined): string {
    return accountId === undefined ? "" : ` in account ${accountId}`;
}

function tokensPath(accountId: number | undefined): string {
    return accountId === undefined ? "/api/api_tokens" : `/api/accounts/${accountId}/api_tokens`;
}

function tokenPath(accountId: number | undefined, tokenId: number): string {
    return `${tokensPath(accountId)}/${tokenId}`;
}
