/**
 * A local, in-memory stand-in for Mailtrap's API-token endpoints
 * (`/api/accounts/{account_id}/api_tokens`), faithful to the vendor's API reference so that
 * tests, the demo and users' trial programs can run without a Mailtrap account.
 */
import * as crypto from "crypto";
import * as http from "http";
import type { AddressInfo, Socket } from "net";
import { URL } from "url";

export type AccessLevel = 10 | 100;

export interface EmulatorPermission {
    resource_type: "account" | "project" | "inbox" | "sending_domain";
    resource_id: number | string;
    access_level: AccessLevel;
}

export interface EmulatorToken {
    id: number;
    account_id: number;
    name: string;
    last_4_digits: string;
    created_by: string;
    expires_at: string | null;
    resources: EmulatorPermission[];
    /** The full value. */
    token: string;
    created_at: string;
    /** Id of the successor after a reset. */
    reset_to?: number;
}

export interface RequestLogEntry {
    method: string;
    path: string;
    /** 0 when the socket was destroyed without an answer. */
    status: number;
    /** Emulator clock, ms. */
    at: number;
    authenticated: boolean;
    /** Parsed JSON request body (never headers). */
    body?: unknown;
}

export type Fault =
    /** Answer with this instead of the real handler; the change is not applied. */
    | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
    /** Destroy the socket without answering; the change is not applied. */
    | { kind: "reset" }
    /** Apply the change normally, then answer after `ms` of real time. */
    | { kind: "delay"; ms: number }
    /** Apply the change, then answer 200 with a body that is not valid JSON. */
    | { kind: "malformed" }
    /** Apply the change, then destroy the socket without answering. */
    | { kind: "apply-then-drop" }
    /** Apply the change, then answer this status with a JSON error body. */
    | { kind: "apply-then-status"; status: number };

export interface FaultRule {
    method?: string;
    /** A string matches as a substring of the path. */
    path?: RegExp | string;
    /** Default 1; Infinity allowed. */
    times?: number;
    fault: Fault;
}

export interface RateLimit {
    requests: number;
    windowMs: number;
}

export interface EmulatorOptions {
    /** Default 3229: the seeded account. */
    accountId?: number;
    /** Default: a random 32-hex value. The seeded admin credential. */
    credential?: string;
    /** Default 150 requests per 10 s per credential; null disables. */
    rateLimit?: RateLimit | null;
    /** Default 12: after a reset the old token expires this many hours later. */
    graceHours?: number;
    /**
     * Default 90: a create without an `expires_at` key gets this expiry (the real API may set
     * a default); an explicit null means never expires. null here disables the default.
     */
    defaultExpiryDays?: number | null;
    /** Clock source; default Date.now. */
    now?: () => number;
}

export interface CreateTokenInput {
    name: string;
    resources?: EmulatorPermission[];
    expires_at?: string | null;
}

export type TokenPatch = Partial<Pick<EmulatorToken, "name" | "resources" | "expires_at">>;

export const DEFAULT_ACCOUNT_ID = 3229;
export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 150, windowMs: 10_000 };
export const MAX_BODY_BYTES = 1024 * 1024;
const FIRST_TOKEN_ID = 1001;
const MAX_NAME_LENGTH = 255;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const RESOURCE_TYPES: readonly EmulatorPermission["resource_type"][] = ["account", "project", "inbox", "sending_domain"];
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const POSITIVE_INTEGER = /^[1-9]\d*$/;
// Past this, a client streaming an oversized body is cut off instead of drained.
const HARD_BODY_LIMIT = 16 * MAX_BODY_BYTES;

type ValidationErrors = Record<string, string[]>;

interface ApiResponse {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
}

type Route =
    | { kind: "collection"; accountId: number }
    | { kind: "token"; accountId: number; tokenId: number }
    | { kind: "reset"; accountId: number; tokenId: number };

const ALLOWED_METHODS: Record<Route["kind"], string[]> = {
    collection: ["GET", "POST"],
    token: ["GET", "DELETE"],
    reset: ["POST"],
};

interface Caller {
    value: string;
    /** The token behind the credential, or undefined for an extra credential. */
    token?: EmulatorToken;
}

/** Thrown by the out-of-band helpers when the same change through the API would be refused. */
export class EmulatorError extends Error {
    constructor(
        message: string,
        readonly status: number,
        readonly errors?: ValidationErrors,
    ) {
        super(message);
        this.name = "EmulatorError";
    }
}

export class MailtrapEmulator {
    readonly accountId: number;
    readonly credential: string;

    private readonly accounts = new Map<number, Map<number, EmulatorToken>>();
    private readonly tokensByValue = new Map<string, EmulatorToken>();
    private readonly extraCredentials = new Map<string, Set<number>>();
    private readonly rateWindows = new Map<string, number[]>();
    private readonly log: RequestLogEntry[] = [];
    private faults: FaultRule[] = [];
    private rateLimit: RateLimit | null;
    private readonly graceMs: number;
    private readonly defaultExpiryDays: number | null;
    private readonly clock: () => number;
    private manualNow: number | undefined;
    private nextId = FIRST_TOKEN_ID;

    private server: http.Server | undefined;
    private url: string | undefined;
    private readonly sockets = new Set<Socket>();
    private readonly timers = new Set<NodeJS.Timeout>();

    constructor(options: EmulatorOptions = {}) {
        this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
        assertPositiveInteger(this.accountId, "accountId");
        this.credential = options.credential ?? randomValue();
        if (!this.credential) throw new Error("credential must not be empty");
        this.rateLimit = options.rateLimit === undefined ? { ...DEFAULT_RATE_LIMIT } : options.rateLimit;
        this.graceMs = (options.graceHours ?? 12) * HOUR_MS;
        this.defaultExpiryDays = options.defaultExpiryDays === undefined ? 90 : options.defaultExpiryDays;
        this.clock = options.now ?? Date.now;

        this.addAccount(this.accountId);
        this.insertToken(this.accountId, {
            name: "Emulator admin",
            value: this.credential,
            createdBy: "Emulator",
            expiresAt: null,
            resources: [{ resource_type: "account", resource_id: this.accountId, access_level: 100 }],
        });
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

    requestCount(filter: { method?: string; path?: RegExp | string } = {}): number {
        return this.log.filter((entry) => matches(filter, entry.method, entry.path)).length;
    }

    injectFault(rule: FaultRule): void {
        const times = rule.times ?? 1;
        if (!(times > 0)) throw new Error("fault times must be positive");
        this.faults.push({ ...rule, times });
    }

    clearFaults(): void {
        this.faults = [];
    }

    setRateLimit(limit: RateLimit | null): void {
        this.rateLimit = limit;
        this.rateWindows.clear();
    }

    // ---- out-of-band changes (not logged) ----

    addAccount(accountId: number): void {
        assertPositiveInteger(accountId, "accountId");
        if (!this.accounts.has(accountId)) this.accounts.set(accountId, new Map());
    }

    /** An extra admin credential, valid on those accounts (which must exist to be usable). */
    addCredential(value: string, accountIds: number[]): void {
        if (!value) throw new Error("credential must not be empty");
        const accounts = this.extraCredentials.get(value) ?? new Set<number>();
        for (const id of accountIds) accounts.add(id);
        this.extraCredentials.set(value, accounts);
    }

    /** Same validation and defaults as `POST …/api_tokens`; created_by is "Emulator". */
    createToken(accountId: number, input: CreateTokenInput): EmulatorToken {
        this.requireAccount(accountId);
        const body: Record<string, unknown> = { name: input.name };
        if (input.resources !== undefined) body.resources = input.resources;
        if (input.expires_at !== undefined) body.expires_at = input.expires_at;
        const result = this.validateCreate(body);
        if ("errors" in result) throw new EmulatorError(`invalid token: ${JSON.stringify(result.errors)}`, 422, result.errors);
        return copyToken(this.insertToken(accountId, { ...result, value: randomValue(), createdBy: "Emulator" }));
    }

    /**
     * Puts a token exactly as given (id, value and all) into the account, as a recorded state
     * expects to find it; later ids continue above it.
     */
    seedToken(token: Omit<EmulatorToken, "last_4_digits" | "created_at"> & { created_at?: string }): EmulatorToken {
        const tokens = this.requireAccount(token.account_id);
        if (tokens.has(token.id) || this.tokensByValue.has(token.token)) {
            throw new EmulatorError(`token ${token.id} (or its value) is already in the emulator`, 422, {});
        }
        const seeded: EmulatorToken = {
            ...token,
            resources: token.resources.map((p) => ({ ...p })),
            last_4_digits: token.token.slice(-4),
            created_at: token.created_at ?? new Date(this.now()).toISOString(),
        };
        tokens.set(seeded.id, seeded);
        this.tokensByValue.set(seeded.token, seeded);
        this.nextId = Math.max(this.nextId, seeded.id + 1);
        return copyToken(seeded);
    }

    getToken(accountId: number, id: number): EmulatorToken | undefined {
        const token = this.accounts.get(accountId)?.get(id);
        return token && copyToken(token);
    }

    listTokens(accountId: number): EmulatorToken[] {
        return [...(this.accounts.get(accountId)?.values() ?? [])].map(copyToken);
    }

    deleteToken(accountId: number, id: number): boolean {
        const tokens = this.accounts.get(accountId);
        const token = tokens?.get(id);
        if (!tokens || !token) return false;
        tokens.delete(id);
        this.tokensByValue.delete(token.token);
        return true;
    }

    renameToken(accountId: number, id: number, name: string): void {
        this.updateToken(accountId, id, { name });
    }

    /** Drift beyond what the API allows (e.g. someone edits permissions in the UI). */
    updateToken(accountId: number, id: number, patch: TokenPatch): void {
        const token = this.requireToken(accountId, id);
        const errors: ValidationErrors = {};
        if (patch.name !== undefined) validateName(patch.name, errors);
        if (patch.resources !== undefined) validateResources(patch.resources, errors);
        if (patch.expires_at !== undefined && patch.expires_at !== null && isoToMs(patch.expires_at) === undefined) {
            errors.expires_at = ["is not a valid ISO 8601 date-time"];
        }
        if (Object.keys(errors).length > 0) throw new EmulatorError(`invalid change: ${JSON.stringify(errors)}`, 422, errors);
        if (patch.name !== undefined) token.name = patch.name;
        if (patch.resources !== undefined) token.resources = patch.resources.map((p) => ({ ...p }));
        if (patch.expires_at !== undefined) {
            token.expires_at = patch.expires_at === null ? null : new Date(isoToMs(patch.expires_at)!).toISOString();
        }
    }

    /** Same semantics as `POST …/api_tokens/{id}/reset`. */
    resetToken(accountId: number, id: number): EmulatorToken {
        const old = this.requireToken(accountId, id);
        if (old.expires_at !== null) {
            throw new EmulatorError("token has an expiration set and cannot be reset", 422, {
                expires_at: ["token has an expiration set and cannot be reset"],
            });
        }
        return copyToken(this.reset(old));
    }

    isTokenValueLive(value: string): boolean {
        if (this.extraCredentials.has(value)) return true;
        const token = this.tokensByValue.get(value);
        return token !== undefined && !this.isExpired(token);
    }

    // ---- state ----

    private insertToken(
        accountId: number,
        spec: { name: string; value: string; createdBy: string; expiresAt: string | null; resources: EmulatorPermission[] },
    ): EmulatorToken {
        const token: EmulatorToken = {
            id: this.nextId++,
            account_id: accountId,
            name: spec.name,
            last_4_digits: spec.value.slice(-4),
            created_by: spec.createdBy,
            expires_at: spec.expiresAt,
            resources: spec.resources.map((p) => ({ ...p })),
            token: spec.value,
            created_at: new Date(this.now()).toISOString(),
        };
        this.accounts.get(accountId)!.set(token.id, token);
        this.tokensByValue.set(token.token, token);
        return token;
    }

    private reset(old: EmulatorToken): EmulatorToken {
        const successor = this.insertToken(old.account_id, {
            name: old.name,
            value: randomValue(),
            createdBy: old.created_by,
            expiresAt: null,
            resources: old.resources,
        });
        old.expires_at = new Date(this.now() + this.graceMs).toISOString();
        old.reset_to = successor.id;
        return successor;
    }

    private isExpired(token: EmulatorToken): boolean {
        return token.expires_at !== null && this.now() > Date.parse(token.expires_at);
    }

    private requireAccount(accountId: number): Map<number, EmulatorToken> {
        const tokens = this.accounts.get(accountId);
        if (!tokens) throw new EmulatorError(`unknown account ${accountId}`, 404);
        return tokens;
    }

    private requireToken(accountId: number, id: number): EmulatorToken {
        const token = this.requireAccount(accountId).get(id);
        if (!token) throw new EmulatorError(`unknown token ${id} in account ${accountId}`, 404);
        return token;
    }

    private validateCreate(
        body: Record<string, unknown>,
    ): { name: string; resources: EmulatorPermission[]; expiresAt: string | null } | { errors: ValidationErrors } {
        const errors: ValidationErrors = {};
        validateName(body.name, errors);
        const resources = body.resources === undefined || body.resources === null ? [] : body.resources;
        validateResources(resources, errors);

        let expiresAt: string | null;
        if (!("expires_at" in body)) {
            expiresAt = this.defaultExpiryDays === null ? null : new Date(this.now() + this.defaultExpiryDays * DAY_MS).toISOString();
        } else if (body.expires_at === null) {
            expiresAt = null;
        } else {
            expiresAt = null;
            const ms = typeof body.expires_at === "string" ? isoToMs(body.expires_at) : undefined;
            if (ms === undefined) {
                errors.expires_at = ["is not a valid ISO 8601 date-time"];
            } else if (ms <= this.now()) {
                errors.expires_at = ["must be in the future"];
            } else if (ms > addYears(this.now(), 5)) {
                errors.expires_at = ["must be at most 5 years from now"];
            } else {
                expiresAt = new Date(ms).toISOString();
            }
        }

        if (Object.keys(errors).length > 0) return { errors };
        return { name: body.name as string, resources: resources as EmulatorPermission[], expiresAt };
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

        const chunks: Buffer[] = [];
        let size = 0;
        let tooLarge = false;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > HARD_BODY_LIMIT) {
                req.destroy();
                return;
            }
            if (size > MAX_BODY_BYTES) tooLarge = true;
            else chunks.push(chunk);
        });
        req.on("error", () => undefined);
        req.on("end", () => {
            try {
                if (tooLarge) {
                    this.send(res, entry, { status: 413, body: { error: "Payload Too Large" } });
                    return;
                }
                this.handle(req, res, entry, Buffer.concat(chunks).toString("utf8"));
            } catch {
                this.sendInternalError(res, entry);
            }
        });
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse, entry: RequestLogEntry, rawBody: string): void {
        const parsed = parseJson(rawBody);
        if (parsed.ok) entry.body = parsed.value;

        const caller = this.authenticate(req);
        entry.authenticated = caller !== undefined;

        const route = parseRoute(entry.path);
        if (!route) return this.send(res, entry, { status: 404, body: { error: "Not Found" } });
        const allowed = ALLOWED_METHODS[route.kind];
        if (!allowed.includes(entry.method)) {
            return this.send(res, entry, { status: 405, body: { error: "Method Not Allowed" }, headers: { Allow: allowed.join(", ") } });
        }
        if (!caller) return this.send(res, entry, { status: 401, body: { error: "Incorrect API token" } });

        const retryAfter = this.takeRateSlot(caller.value);
        if (retryAfter !== undefined) {
            return this.send(res, entry, {
                status: 429,
                body: { error: "Rate limit exceeded" },
                headers: { "Retry-After": String(retryAfter) },
            });
        }

        const fault = this.takeFault(entry.method, entry.path);
        const apply = () => this.dispatch(route, entry.method, caller, rawBody, parsed);
        if (!fault) return this.send(res, entry, apply());

        switch (fault.kind) {
            case "status":
                return this.send(res, entry, {
                    status: fault.status,
                    body: fault.body === undefined ? errorBody(fault.status) : fault.body,
                    headers: fault.headers,
                });
            case "reset":
                entry.status = 0;
                res.socket?.destroy();
                return;
            case "delay": {
                const response = apply();
                const timer = setTimeout(() => {
                    this.timers.delete(timer);
                    this.send(res, entry, response);
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
                entry.status = 0;
                res.socket?.destroy();
                return;
            case "apply-then-status":
                apply();
                return this.send(res, entry, { status: fault.status, body: errorBody(fault.status) });
        }
    }

    private dispatch(route: Route, method: string, caller: Caller, rawBody: string, parsed: ParsedJson): ApiResponse {
        const tokens = this.accounts.get(route.accountId);
        if (!tokens || !this.isAuthorized(caller, route.accountId)) {
            return { status: 403, body: { errors: "Access forbidden" } };
        }

        if (route.kind === "collection" && method === "GET") {
            return { status: 200, body: [...tokens.values()].map(publicToken) };
        }
        if (route.kind === "collection") {
            if (rawBody.trim() !== "" && !parsed.ok) return { status: 400, body: { error: "Invalid JSON" } };
            const body = parsed.ok ? parsed.value : {};
            if (typeof body !== "object" || body === null || Array.isArray(body)) {
                return { status: 400, body: { error: "Request body must be a JSON object" } };
            }
            const result = this.validateCreate(body as Record<string, unknown>);
            if ("errors" in result) return { status: 422, body: { errors: result.errors } };
            const createdBy = caller.token ? caller.token.name : "API";
            const token = this.insertToken(route.accountId, { ...result, value: randomValue(), createdBy });
            return { status: 200, body: { ...publicToken(token), token: token.token } };
        }

        const token = tokens.get(route.tokenId);
        if (!token) return { status: 404, body: { error: "Not Found" } };
        if (route.kind === "token" && method === "GET") return { status: 200, body: publicToken(token) };
        if (route.kind === "token") {
            this.deleteToken(route.accountId, token.id);
            return { status: 204 };
        }
        if (token.expires_at !== null) {
            return { status: 422, body: { errors: { expires_at: ["token has an expiration set and cannot be reset"] } } };
        }
        const successor = this.reset(token);
        return { status: 200, body: { ...publicToken(successor), token: successor.token } };
    }

    private authenticate(req: http.IncomingMessage): Caller | undefined {
        const value = credentialFrom(req);
        if (!value || !this.isTokenValueLive(value)) return undefined;
        return { value, token: this.extraCredentials.has(value) ? undefined : this.tokensByValue.get(value) };
    }

    private isAuthorized(caller: Caller, accountId: number): boolean {
        if (!caller.token) return this.extraCredentials.get(caller.value)?.has(accountId) ?? false;
        return (
            caller.token.account_id === accountId &&
            caller.token.resources.some(
                (p) => p.resource_type === "account" && String(p.resource_id) === String(accountId) && p.access_level === 100,
            )
        );
    }

    /** Returns undefined when the request may proceed, else the Retry-After seconds. */
    private takeRateSlot(credential: string): number | undefined {
        if (!this.rateLimit) return undefined;
        const { requests, windowMs } = this.rateLimit;
        const now = this.now();
        const recent = (this.rateWindows.get(credential) ?? []).filter((at) => at > now - windowMs);
        this.rateWindows.set(credential, recent);
        if (recent.length >= requests) {
            const freesAt = recent[recent.length - requests] + windowMs;
            return Math.max(1, Math.ceil((freesAt - now) / 1000));
        }
        recent.push(now);
        return undefined;
    }

    private takeFault(method: string, path: string): Fault | undefined {
        const index = this.faults.findIndex((rule) => matches(rule, method, path));
        if (index < 0) return undefined;
        const rule = this.faults[index];
        rule.times = (rule.times ?? 1) - 1;
        if (rule.times <= 0) this.faults.splice(index, 1);
        return rule.fault;
    }

    private send(res: http.ServerResponse, entry: RequestLogEntry, response: ApiResponse): void {
        entry.status = response.status;
        if (res.destroyed || res.headersSent) return;
        const headers: Record<string, string> = { ...(response.headers ?? {}) };
        if (response.status === 204 || response.body === undefined) {
            res.writeHead(response.status, headers);
            res.end();
            return;
        }
        const payload = JSON.stringify(response.body);
        res.writeHead(response.status, {
            "Content-Type": "application/json",
            "Content-Length": String(Buffer.byteLength(payload)),
            ...headers,
        });
        res.end(payload);
    }

    private sendInternalError(res: http.ServerResponse, entry: RequestLogEntry): void {
        try {
            this.send(res, entry, { status: 500, body: { error: "Internal Server Error" } });
        } catch {
            res.destroy();
        }
    }
}

// ---- helpers ----

type ParsedJson = { ok: true; value: unknown } | { ok: false };

function parseJson(raw: string): ParsedJson {
    if (raw.trim() === "") return { ok: false };
    try {
        return { ok: true, value: JSON.parse(raw) };
    } catch {
        return { ok: false };
    }
}

function parseRoute(path: string): Route | undefined {
    const parts = path.split("/");
    // ["", "api", "accounts", id, "api_tokens", tokenId?, "reset"?]
    if (parts.length < 5 || parts.length > 7 || parts[0] !== "" || parts[1] !== "api" || parts[2] !== "accounts") return undefined;
    if (parts[4] !== "api_tokens") return undefined;
    const accountId = positiveInteger(parts[3]);
    if (accountId === undefined) return undefined;
    if (parts.length === 5) return { kind: "collection", accountId };
    const tokenId = positiveInteger(parts[5]);
    if (tokenId === undefined) return undefined;
    if (parts.length === 6) return { kind: "token", accountId, tokenId };
    return parts[6] === "reset" ? { kind: "reset", accountId, tokenId } : undefined;
}

function positiveInteger(text: string): number | undefined {
    if (!POSITIVE_INTEGER.test(text)) return undefined;
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : undefined;
}

function safePathname(url: string | undefined): string {
    try {
        return new URL(url ?? "/", "http://127.0.0.1").pathname;
    } catch {
        return url ?? "/";
    }
}

function credentialFrom(req: http.IncomingMessage): string | undefined {
    const apiToken = req.headers["api-token"];
    if (typeof apiToken === "string" && apiToken.trim() !== "") return apiToken.trim();
    const authorization = req.headers.authorization;
    const match = typeof authorization === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    return match ? match[1] : undefined;
}

function matches(filter: { method?: string; path?: RegExp | string }, method: string, path: string): boolean {
    if (filter.method && filter.method.toUpperCase() !== method.toUpperCase()) return false;
    if (filter.path === undefined) return true;
    if (typeof filter.path === "string") return path.includes(filter.path);
    filter.path.lastIndex = 0; // a /g or /y regex would otherwise match only every other time
    return filter.path.test(path);
}

function validateName(name: unknown, errors: ValidationErrors): void {
    if (name === undefined || name === null || (typeof name === "string" && name.trim() === "")) {
        errors.name = ["can't be blank"];
    } else if (typeof name !== "string") {
        errors.name = ["must be a string"];
    } else if (name.length > MAX_NAME_LENGTH) {
        errors.name = [`is too long (maximum is ${MAX_NAME_LENGTH} characters)`];
    }
}

function validateResources(resources: unknown, errors: ValidationErrors): void {
    if (!Array.isArray(resources)) {
        errors.resources = ["must be an array of { resource_type, resource_id, access_level }"];
        return;
    }
    const resourceErrors = new Set<string>();
    const accessErrors = new Set<string>();
    for (const item of resources) {
        if (typeof item !== "object" || item === null || Array.isArray(item)) {
            resourceErrors.add("each entry must be an object { resource_type, resource_id, access_level }");
            continue;
        }
        const p = item as Record<string, unknown>;
        if (!RESOURCE_TYPES.includes(p.resource_type as EmulatorPermission["resource_type"])) {
            resourceErrors.add(`resource_type must be one of ${RESOURCE_TYPES.join(", ")}`);
        }
        const id = p.resource_id;
        const validId = (typeof id === "number" && Number.isInteger(id) && id > 0) || (typeof id === "string" && id.trim() !== "");
        if (!validId) resourceErrors.add("resource_id must be a positive integer or a non-empty string");
        if (p.access_level !== 10 && p.access_level !== 100) accessErrors.add("must be 10 (viewer) or 100 (admin)");
    }
    if (resourceErrors.size > 0) errors.resources = [...resourceErrors];
    if (accessErrors.size > 0) errors.access_level = [...accessErrors];
}

function isoToMs(text: string): number | undefined {
    if (!ISO_DATE_TIME.test(text)) return undefined;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
}

function addYears(ms: number, years: number): number {
    const date = new Date(ms);
    date.setUTCFullYear(date.getUTCFullYear() + years);
    return date.getTime();
}

function publicToken(token: EmulatorToken) {
    return {
        id: token.id,
        name: token.name,
        last_4_digits: token.last_4_digits,
        created_by: token.created_by,
        expires_at: token.expires_at,
        resources: token.resources.map((p) => ({ ...p })),
    };
}

function copyToken(token: EmulatorToken): EmulatorToken {
    return { ...token, resources: token.resources.map((p) => ({ ...p })) };
}

function errorBody(status: number): { error: string } {
    return { error: http.STATUS_CODES[status] ?? `HTTP ${status}` };
}

function randomValue(): string {
    return crypto.randomBytes(16).toString("hex");
}

function assertPositiveInteger(value: number, what: string): void {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${what} must be a positive integer, got ${value}`);
}
