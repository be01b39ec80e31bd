import * as crypto from "crypto";
import axios, { AxiosInstance } from "axios";
import { MailtrapApiError, redactSecrets } from "./errors";
import { monotonicMs, RateLimit, RequestPacer, pacerFor } from "./pacer";
import { processState } from "./processState";
import { AttemptOutcome, backoffDelayMs, DEFAULT_RETRY_POLICY, mayHaveTakenEffect, RetryPolicy, retryDelayMs } from "./retry";
import { AccessLevel, ApiTokenInfo, ApiTokenPermission, IssuedApiToken, ResourceType } from "./types";

/** A permission as the API spells it. */
export interface WirePermission {
    resource_type: ResourceType;
    resource_id: number | string;
    access_level: number;
}

/** A token as the API spells it; `token` only on create and reset. */
export interface WireApiToken {
    id: number;
    name: string;
    last_4_digits: string;
    created_by: string;
    expires_at: string | null;
    resources?: WirePermission[];
    token?: string;
}

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

const ACCESS_LEVEL_CODES: Record<AccessLevel, number> = { viewer: 10, admin: 100 };

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

    async listTokens(accountId: number): Promise<ApiTokenInfo[]> {
        const body = await this.send<WireApiToken[]>(`list API tokens of account ${accountId}`, "GET", tokensPath(accountId));
        if (!Array.isArray(body)) {
            throw this.malformed(`list API tokens of account ${accountId}`, "expected a JSON array");
        }
        return body.map(fromWireToken);
    }

    async getToken(accountId: number, tokenId: number): Promise<ApiTokenInfo> {
        const operation = `get API token ${tokenId} in account ${accountId}`;
        return fromWireToken(this.expectToken(operation, await this.send(operation, "GET", tokenPath(accountId, tokenId))));
    }

    async createToken(accountId: number, request: CreateApiTokenRequest): Promise<IssuedApiToken> {
        const operation = `create API token "${request.name}" in account ${accountId}`;
        const body = {
            name: request.name,
            resources: request.resources.map(toWirePermission),
            // One spelling on the wire, whatever RFC 3339 form the program used.
            expires_at: request.expiresAt === null ? null : new Date(request.expiresAt).toISOString(),
        };
        return this.issued(operation, await this.send(operation, "POST", tokensPath(accountId), body));
    }

    async deleteToken(accountId: number, tokenId: number): Promise<void> {
        await this.send(`delete API token ${tokenId} in account ${accountId}`, "DELETE", tokenPath(accountId, tokenId));
    }

    /** Expires the token after the API's grace period and returns its successor, with the new value. */
    async resetToken(accountId: number, tokenId: number): Promise<IssuedApiToken> {
        const operation = `reset API token ${tokenId} in account ${accountId}`;
        return this.issued(operation, await this.send(operation, "POST", `${tokenPath(accountId, tokenId)}/reset`));
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

function tokensPath(accountId: number): string {
    return `/api/accounts/${accountId}/api_tokens`;
}

function tokenPath(accountId: number, tokenId: number): string {
    return `${tokensPath(accountId)}/${tokenId}`;
}

export function fromWireToken(wire: WireApiToken): ApiTokenInfo {
    return {
        id: wire.id,
        name: wire.name,
        last4Digits: wire.last_4_digits,
        createdBy: wire.created_by,
        expiresAt: wire.expires_at ?? null,
        resources: (wire.resources ?? []).map(fromWirePermission),
    };
}

function fromWirePermission(wire: WirePermission): ApiTokenPermission {
    return {
        resourceType: wire.resource_type,
        resourceId: wire.resource_id,
        accessLevel: wire.access_level >= ACCESS_LEVEL_CODES.admin ? "admin" : "viewer",
    };
}

function toWirePermission(permission: ApiTokenPermission): WirePermission {
    return {
        resource_type: permission.resourceType,
        resource_id: permission.resourceId,
        access_level: ACCESS_LEVEL_CODES[permission.accessLevel],
    };
}

function parseJson(text: unknown): { ok: true; value: unknown } | { ok: false } {
    if (typeof text !== "string" || text === "") {
        return { ok: false };
    }
    try {
        return { ok: true, value: JSON.parse(text) };
    } catch {
        return { ok: false };
    }
}

/** The API's own words from an error body (`error`, or `errors` as text, list or per-field map). */
export function apiMessage(body: unknown, statusText: string, secrets: ReadonlyArray<string> = []): string {
    const fallback = statusText || "no message";
    if (typeof body !== "object" || body === null) {
        return fallback;
    }
    const { error, errors, message } = body as { error?: unknown; errors?: unknown; message?: unknown };
    const text = describeErrors(error) ?? describeErrors(errors) ?? describeErrors(message);
    // Secrets are masked before the text is cut, so no part of one survives at the cut.
    const masked = text === undefined ? undefined : redactSecrets(text, secrets);
    // One line, bounded: the API's words end up in a single-line error.
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    const line = masked?.replace(/[\s\u0000-\u001f\u007f]+/g, " ").trim();
    return line ? line.slice(0, 500) : fallback;
}

function describeErrors(value: unknown): string | undefined {
    if (typeof value === "string" && value !== "") {
        return value;
    }
    if (Array.isArray(value) && value.length > 0) {
        return value.map(String).join("; ");
    }
    if (typeof value === "object" && value !== null) {
        const parts = Object.entries(value).map(
            ([field, messages]) => `${field} ${Array.isArray(messages) ? messages.join(", ") : String(messages)}`,
        );
        return parts.length > 0 ? parts.join("; ") : undefined;
    }
    return undefined;
}

/** Where requests go, for messages: never the whole base URL, which could carry user info. */
export interface ServerAddress {
    /** "mailtrap.io", "127.0.0.1" */
    hostname: string;
    /** "mailtrap.io:443", "127.0.0.1:4010" */
    hostPort: string;
}

function serverAddress(baseUrl: string): ServerAddress {
    try {
        const url = new URL(baseUrl);
        const port = url.port || (url.protocol === "http:" ? "80" : "443");
        return { hostname: url.hostname, hostPort: `${url.hostname}:${port}` };
    } catch {
        return { hostname: "the server", hostPort: "the server" };
    }
}

/**
 * Node's codes for certificate checks that fail the TLS handshake (OpenSSL's verify results), besides
 * every code containing CERT: before the handshake completes nothing is sent.
 */
const CERTIFICATE_CODES: readonly string[] = [
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
    "UNABLE_TO_GET_CRL",
    "UNABLE_TO_DECRYPT_CRL_SIGNATURE",
    "CRL_SIGNATURE_FAILURE",
    "CRL_NOT_YET_VALID",
    "CRL_HAS_EXPIRED",
    "ERROR_IN_CRL_LAST_UPDATE_FIELD",
    "ERROR_IN_CRL_NEXT_UPDATE_FIELD",
    "INVALID_CA",
    "PATH_LENGTH_EXCEEDED",
    "INVALID_PURPOSE",
    "HOSTNAME_MISMATCH",
];

/** TLS handshake failures other than certificates: no TLS server there, or no common protocol. */
function isHandshakeFailure(code: string): boolean {
    return (
        code === "EPROTO" ||
        (code.startsWith("ERR_TLS_") && code !== "ERR_TLS_HANDSHAKE_TIMEOUT") ||
        code === "ERR_SSL_WRONG_VERSION_NUMBER" ||
        code === "ERR_SSL_PACKET_LENGTH_TOO_LONG" ||
        code === "ERR_SSL_UNSUPPORTED_PROTOCOL" ||
        code === "ERR_SSL_NO_PROTOCOLS_AVAILABLE" ||
        /^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT_/.test(code)
    );
}

/**
 * What a transport failure means, from its error code (and, for an answer too large, axios's
 * message): the error object itself holds the request headers, so nothing else is read from it.
 * Failures known to happen before anything is sent are "unreachable" when trying again within
 * seconds would fail the same way, "not-sent" when it may not; anything else may have reached
 * the server, so a POST that failed with an unknown code has an unknown outcome.
 */
export function describeTransportError(
    error: unknown,
    context: { timeoutMs: number; maxAnswerBytes: number; server: ServerAddress },
): { outcome: AttemptOutcome; reason: string } {
    const fields = typeof error === "object" && error !== null ? (error as { code?: unknown; message?: unknown }) : {};
    const code = typeof fields.code === "string" ? fields.code : "";
    const { hostname, hostPort } = context.server;
    // ERR_SSL_* codes are alerts and protocol errors, some naming certificates the server wanted from us.
    if ((code.includes("CERT") && !code.startsWith("ERR_SSL_")) || CERTIFICATE_CODES.includes(code)) {
        return {
            outcome: { kind: "unreachable" },
            reason: `the TLS certificate of ${hostname} was rejected (${code}): check mailtrap:baseUrl, or a proxy intercepting TLS`,
        };
    }
    if (isHandshakeFailure(code)) {
        return {
            outcome: { kind: "unreachable" },
            reason: `the TLS handshake with ${hostPort} failed (${code}): check that mailtrap:baseUrl names an https server, or a proxy intercepting TLS`,
        };
    }
    switch (code) {
        case "ENOTFOUND":
            return {
                outcome: { kind: "unreachable" },
                reason: `the host name ${hostname} could not be resolved (ENOTFOUND): check mailtrap:baseUrl or DNS`,
            };
        case "ECONNREFUSED":
            return {
                outcome: { kind: "unreachable" },
                reason: `the connection to ${hostPort} was refused (ECONNREFUSED): is mailtrap:baseUrl right?`,
            };
        // A DNS server that did not answer in time, a route missing while a network (Wi-Fi, VPN)
        // comes up, a handshake that took too long: nothing was sent, and a retry seconds later may
        // well succeed, so these are retried, a POST included.
        case "EAI_AGAIN":
            return {
                outcome: { kind: "not-sent" },
                reason: `the host name ${hostname} could not be resolved for now (EAI_AGAIN): DNS did not answer`,
            };
        case "EHOSTUNREACH":
        case "ENETUNREACH":
            return { outcome: { kind: "not-sent" }, reason: `there is no network route to ${hostPort} (${code})` };
        case "ERR_TLS_HANDSHAKE_TIMEOUT":
            return { outcome: { kind: "not-sent" }, reason: `the TLS handshake with ${hostPort} timed out (${code})` };
        case "ETIMEDOUT":
        case "ECONNABORTED":
            return { outcome: { kind: "no-answer" }, reason: `no answer within ${context.timeoutMs} ms` };
        case "ECONNRESET":
        case "EPIPE":
        case "ERR_SOCKET_CONNECTION_TIMEOUT":
            return { outcome: { kind: "no-answer" }, reason: `the connection was closed before an answer (${code})` };
        case "ERR_BAD_RESPONSE":
            // axios stops reading at maxContentLength with this code and "maxContentLength size of N exceeded".
            if (typeof fields.message === "string" && fields.message.includes("maxContentLength")) {
                return { outcome: { kind: "too-large" }, reason: `the answer was larger than ${describeBytes(context.maxAnswerBytes)}` };
            }
            return { outcome: { kind: "no-answer" }, reason: `the answer broke off (${code})` };
        default:
            return { outcome: { kind: "no-answer" }, reason: `the request failed${code ? ` (${code})` : ""}` };
    }
}

/** "16 MiB", "1 KiB", "1000 bytes". */
function describeBytes(bytes: number): string {
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) {
        return `${bytes / (1024 * 1024)} MiB`;
    }
    if (bytes >= 1024 && bytes % 1024 === 0) {
        return `${bytes / 1024} KiB`;
    }
    return `${bytes} bytes`;
}
