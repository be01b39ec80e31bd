/**
 * A local, in-memory stand-in for Mailtrap's API-token endpoints, both route families
 * (`/api/accounts/{account_id}/api_tokens…` and the account-less `/api/api_tokens…`), faithful to
 * the vendor's API reference so that tests, the demo and users' trial programs can run without a
 * Mailtrap account.
 *
 * Here: the emulator's HTTP server, clock, request log and controls. It delegates to `store`,
 * `routes`, `faults`, `rateLimit` and `wire`; the public shapes in `types` are re-exported.
 */
import * as http from "http";
import type { AddressInfo, Socket } from "net";
import { permissionAnswers } from "./answers";
import { FaultRules, RequestFilter, matchesRequest } from "./faults";
import { RateLimiter } from "./rateLimit";
import { ApiResponse, ParsedJson, Route, dispatch, errorBody, parseJson, resolveRoute } from "./routes";
import { Caller, TokenStore, randomValue } from "./store";
import {
    CreateTokenInput,
    DEFAULT_ACCOUNT_ID,
    DEFAULT_RATE_LIMIT,
    EmulatorOptions,
    EmulatorToken,
    FaultRule,
    PermissionAnswers,
    RateLimit,
    RequestLogEntry,
    TokenPatch,
} from "./types";
import { credentialFrom, drop, readBody, safePathname, send, sendInternalError } from "./wire";

export type {
    AccessLevel,
    ApiModel,
    CreateTokenInput,
    EmulatorOptions,
    EmulatorPermission,
    EmulatorResourceType,
    EmulatorToken,
    Fault,
    FaultRule,
    PermissionAnswers,
    RateLimit,
    RequestLogEntry,
    ResourceTypeNames,
    TokenPatch,
} from "./types";
export {
    API_MODELS,
    DEFAULT_ACCOUNT_ID,
    DEFAULT_RATE_LIMIT,
    EMULATOR_RESOURCE_TYPES,
    EmulatorError,
    MAX_BODY_BYTES,
    RESOURCE_TYPE_NAMES,
} from "./types";

export class MailtrapEmulator {
    readonly accountId: number;
    readonly credential: string;

    private readonly store: TokenStore;
    private readonly rateLimiter: RateLimiter;
    private readonly faults = new FaultRules();
    private readonly log: RequestLogEntry[] = [];
    private readonly clock: () => number;
    private manualNow: number | undefined;
    private answers: Required<PermissionAnswers>;

    private server: http.Server | undefined;
    private url: string | undefined;
    private readonly sockets = new Set<Socket>();
    private readonly timers = new Set<NodeJS.Timeout>();

    constructor(options: EmulatorOptions = {}) {
        this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
        this.credential = options.credential ?? randomValue();
        this.clock = options.now ?? Date.now;
        this.answers = permissionAnswers(options);
        this.store = new TokenStore(this.accountId, this.credential, options, () => this.now());
        this.rateLimiter = new RateLimiter(options.rateLimit === undefined ? { ...DEFAULT_RATE_LIMIT } : options.rateLimit, () =>
            this.now(),
        );
    }

    // ---- lifecycle ----

    start(port = 0): Promise<string> {
        if (this.server) return Promise.reject(new Error("emulator already started"));
        const server = http.createServer((req, res) => this.onRequest(req, res));
        server.on("connection", (socket) => {
            this.sockets.add(socket);
            socket.on("close", () => this.sockets.delete(socket));
        });
        // A malformed request from a client must never take the emulator down.
        server.on("clientError", (_err, socket) => {
            if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
            else socket.destroy();
        });
        this.server = server;
        return new Promise((resolve, reject) => {
            const onError = (err: Error) => {
                this.server = undefined;
                reject(err);
            };
            server.once("error", onError);
            server.listen(port, "127.0.0.1", () => {
                server.off("error", onError);
                const address = server.address() as AddressInfo;
                this.url = `http://127.0.0.1:${address.port}`;
                resolve(this.url);
            });
        });
    }

    stop(): Promise<void> {
        const server = this.server;
        if (!server) return Promise.resolve();
        this.server = undefined;
        this.url = undefined;
        for (const timer of this.timers) clearTimeout(timer);
        this.timers.clear();
        return new Promise((resolve) => {
            server.close(() => resolve());
            for (const socket of this.sockets) socket.destroy();
            this.sockets.clear();
        });
    }

    get baseUrl(): string {
        if (!this.url) throw new Error("emulator not started: call start() first");
        return this.url;
    }

    // ---- clock ----

    now(): number {
        return this.manualNow ?? this.clock();
    }

    setNow(ms: number): void {
        this.manualNow = ms;
    }

    advance(ms: number): void {
        this.manualNow = this.now() + ms;
    }

    // ---- request log and controls ----

    get requests(): RequestLogEntry[] {
        return this.log;
    }

    clearRequests(): void {
        this.log.length = 0;
    }

    requestCount(filter: RequestFilter = {}): number {
        return this.log.filter((entry) => matchesRequest(filter, entry.method, entry.path)).length;
    }

    injectFault(rule: FaultRule): void {
        this.faults.add(rule);
    }

    clearFaults(): void {
        this.faults.clear();
    }

    setRateLimit(limit: RateLimit | null): void {
        this.rateLimiter.set(limit);
    }

    /** How answers from now on show permissions (as the API might change between two calls); unset fields keep their value. */
    setPermissionAnswers(answers: PermissionAnswers): void {
        this.answers = permissionAnswers({
            resourceTypeNames: answers.resourceTypeNames ?? this.answers.resourceTypeNames,
            normalisePermissions: answers.normalisePermissions ?? this.answers.normalisePermissions,
        });
    }

    /** How answers show permissions now. */
    get permissionAnswers(): Required<PermissionAnswers> {
        return { ...this.answers };
    }

    // ---- out-of-band changes (not logged) ----

    addAccount(accountId: number): void {
        this.store.addAccount(accountId);
    }

    /** An extra admin credential, valid on those accounts (which must exist to be usable). */
    addCredential(value: string, accountIds: number[]): void {
        this.store.addCredential(value, accountIds);
    }

    /** Same validation and defaults as `POST …/api_tokens`; created_by is "Emulator". */
    createToken(accountId: number, input: CreateTokenInput): EmulatorToken {
        return this.store.createToken(accountId, input);
    }

    /**
     * Puts a token exactly as given (id, value and all) into the account, as a recorded state
     * expects to find it; later ids continue above it.
     */
    seedToken(token: Omit<EmulatorToken, "last_4_digits" | "created_at"> & { created_at?: string }): EmulatorToken {
        return this.store.seedToken(token);
    }

    getToken(accountId: number, id: number): EmulatorToken | undefined {
        return this.store.getToken(accountId, id);
    }

    listTokens(accountId: number): EmulatorToken[] {
        return this.store.listTokens(accountId);
    }

    deleteToken(accountId: number, id: number): boolean {
        return this.store.deleteToken(accountId, id);
    }

    renameToken(accountId: number, id: number, name: string): void {
        this.updateToken(accountId, id, { name });
    }

    /** Drift beyond what the API allows (e.g. someone edits permissions in the UI). */
    updateToken(accountId: number, id: number, patch: TokenPatch): void {
        this.store.updateToken(accountId, id, patch);
    }

    /** Same semantics as `POST …/api_tokens/{id}/reset` with `{ expires_at: expiresAt }` (omitted when undefined). */
    resetToken(accountId: number, id: number, expiresAt?: string | null): EmulatorToken {
        return this.store.resetToken(accountId, id, expiresAt);
    }

    isTokenValueLive(value: string): boolean {
        return this.store.isTokenValueLive(value);
    }

    // ---- HTTP ----

    private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
        const entry: RequestLogEntry = {
            method: req.method ?? "GET",
            path: safePathname(req.url),
            status: 0,
            at: this.now(),
            authenticated: false,
        };
        this.log.push(entry);
        res.on("error", () => undefined);

        readBody(req, (chunks) => {
            try {
                if (!chunks) {
                    send(res, entry, { status: 413, body: { error: "Payload Too Large" } });
                    return;
                }
                this.handle(req, res, entry, Buffer.concat(chunks).toString("utf8"));
            } catch {
                sendInternalError(res, entry);
            }
        });
    }

    /** Authentication, route, rate limit and injected faults, in the API's order, then the handler. */
    private handle(req: http.IncomingMessage, res: http.ServerResponse, entry: RequestLogEntry, rawBody: string): void {
        const parsed = parseJson(rawBody);
        if (parsed.ok) entry.body = parsed.value;

        const caller = this.store.callerFor(credentialFrom(req));
        entry.authenticated = caller !== undefined;

        const resolved = resolveRoute(entry.path, entry.method);
        if ("refusal" in resolved) return send(res, entry, resolved.refusal);
        if (!caller) return send(res, entry, { status: 401, body: { error: "Incorrect API token" } });

        const retryAfter = this.rateLimiter.take(caller.value);
        if (retryAfter !== undefined) {
            return send(res, entry, {
                status: 429,
                body: { error: "Rate limit exceeded" },
                headers: { "Retry-After": String(retryAfter) },
            });
        }

        const fault = this.faults.take(entry.method, entry.path);
        const apply = () => this.dispatch(resolved.route, entry.method, caller, rawBody, parsed);
        if (!fault) return send(res, entry, apply());

        switch (fault.kind) {
            case "status":
                return send(res, entry, {
                    status: fault.status,
                    body: fault.body === undefined ? errorBody(fault.status) : fault.body,
                    headers: fault.headers,
                });
            case "reset":
                return drop(res, entry);
            case "delay": {
                const response = apply();
                const timer = setTimeout(() => {
                    this.timers.delete(timer);
                    send(res, entry, response);
                }, fault.ms);
                this.timers.add(timer);
                return;
            }
            case "malformed":
                apply();
                entry.status = 200;
                res.writeHead(200, { "Content-Type": "application/json" });
                res.end('{"id": 1001, "name": "trunc');
                return;
            case "apply-then-drop":
                apply();
                return drop(res, entry);
            case "apply-then-status":
                apply();
                return send(res, entry, { status: fault.status, body: errorBody(fault.status) });
        }
    }

    /** The handler proper, a method of its own so that a test can make it throw. */
    private dispatch(route: Route, method: string, caller: Caller, rawBody: string, parsed: ParsedJson): ApiResponse {
        return dispatch(this.store, this.answers, route, method, caller, rawBody, parsed);
    }
}
