/**
 * The API's routes: which paths exist and which methods they take, and what each request does
 * to the store and answers, shaped as Mailtrap shapes them.
 *
 * Two families, one store: `/api/accounts/{account_id}/api_tokens…` (the npm and Python clients)
 * and `/api/api_tokens…` (the vendor's description, the Go client, the Terraform provider), where
 * the account is the credential's own (see TokenStore.ownAccounts).
 */
import * as http from "http";
import { publicToken, tokenWithValue } from "./answers";
import type { Caller, TokenStore } from "./store";
import type { EmulatorToken, PermissionAnswers } from "./types";

const POSITIVE_INTEGER = /^[1-9]\d*$/;
const NOT_FOUND: ApiResponse = { status: 404, body: { error: "Not Found" } };
const FORBIDDEN: ApiResponse = { status: 403, body: { errors: "Access forbidden" } };

/** `accountId` undefined: an account-less route, on the caller's own account. */
export type Route =
    | { kind: "collection"; accountId?: number }
    | { kind: "token"; accountId?: number; tokenId: number }
    | { kind: "reset"; accountId?: number; tokenId: number };

const ALLOWED_METHODS: Record<Route["kind"], string[]> = {
    collection: ["GET", "POST"],
    token: ["GET", "DELETE"],
    reset: ["POST"],
};

/** An answer before it is written: no body means none (as for 204). */
export interface ApiResponse {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false };

/** An empty or unparsable body is not ok; which of the two matters only to a create. */
export function parseJson(raw: string): ParsedJson {
    if (raw.trim() === "") return { ok: false };
    try {
        return { ok: true, value: JSON.parse(raw) };
    } catch {
        return { ok: false };
    }
}

/** The route of a request, or the answer when there is none: 404 for an unknown path, 405 (with Allow) for a method it does not take. */
export function resolveRoute(path: string, method: string): { route: Route } | { refusal: ApiResponse } {
    const route = parseRoute(path);
    if (!route) return { refusal: NOT_FOUND };
    const allowed = ALLOWED_METHODS[route.kind];
    if (!allowed.includes(method)) {
        return { refusal: { status: 405, body: { error: "Method Not Allowed" }, headers: { Allow: allowed.join(", ") } } };
    }
    return { route };
}

/** Applies an authenticated request on its route to the store; the answer the API would give. */
export function dispatch(
    store: TokenStore,
    answers: Required<PermissionAnswers>,
    route: Route,
    method: string,
    caller: Caller,
    rawBody: string,
    parsed: ParsedJson,
): ApiResponse {
    const accounts = accountsFor(store, route, caller);
    if (accounts.length === 0) return FORBIDDEN;

    if (route.kind === "collection" && method === "GET") {
        // The description's list: "all API tokens visible to the current API token".
        const tokens = accounts.flatMap((accountId) => [...store.tokensOf(accountId)!.values()]);
        return { status: 200, body: tokens.map((token) => publicToken(token, answers)) };
    }
    if (route.kind === "collection") {
        // Without an account in the path, a credential reaching several has no one account to create in.
        if (accounts.length > 1) return FORBIDDEN;
        const body = jsonObjectBody(rawBody, parsed);
        if ("refusal" in body) return body.refusal;
        const created = store.create(accounts[0], body.fields, caller.token ? caller.token.name : "API");
        return "errors" in created ? { status: 422, body: { errors: created.errors } } : issued(created, answers);
    }

    const token = accounts.map((accountId) => store.tokensOf(accountId)!.get(route.tokenId)).find((found) => found !== undefined);
    if (!token) return NOT_FOUND;
    if (route.kind === "token" && method === "GET") return { status: 200, body: publicToken(token, answers) };
    if (route.kind === "token") {
        store.deleteToken(token.account_id, token.id);
        return { status: 204 };
    }
    const body: ReturnType<typeof jsonObjectBody> = store.apiModel.resetReadsBody ? jsonObjectBody(rawBody, parsed) : { fields: {} };
    if ("refusal" in body) return body.refusal;
    const successor = store.reset(token, body.fields);
    return "errors" in successor ? { status: 422, body: { errors: successor.errors } } : issued(successor, answers);
}

/** The accounts a request acts on: the one in its path, if the caller may use it; else the caller's own. */
function accountsFor(store: TokenStore, route: Route, caller: Caller): number[] {
    if (route.accountId === undefined) return store.ownAccounts(caller);
    return store.tokensOf(route.accountId) && store.isAuthorized(caller, route.accountId) ? [route.accountId] : [];
}

/** A request's JSON object body (`{}` when empty), or the 400 for one that is not JSON or not an object. */
function jsonObjectBody(rawBody: string, parsed: ParsedJson): { fields: Record<string, unknown> } | { refusal: ApiResponse } {
    if (rawBody.trim() !== "" && !parsed.ok) return { refusal: { status: 400, body: { error: "Invalid JSON" } } };
    const body = parsed.ok ? parsed.value : {};
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
        return { refusal: { status: 400, body: { error: "Request body must be a JSON object" } } };
    }
    return { fields: body as Record<string, unknown> };
}

/** A JSON error body named after the status, as the API answers a bare error. */
export function errorBody(status: number): { error: string } {
    return { error: http.STATUS_CODES[status] ?? `HTTP ${status}` };
}

function parseRoute(path: string): Route | undefined {
    const parts = path.split("/");
    if (parts[0] !== "" || parts[1] !== "api") return undefined;
    // ["", "api", "accounts", id, "api_tokens", tokenId?, "reset"?]
    if (parts[2] === "accounts") {
        const accountId = positiveInteger(parts[3] ?? "");
        if (accountId === undefined || parts[4] !== "api_tokens") return undefined;
        return tokenRoute(parts.slice(5), accountId);
    }
    // ["", "api", "api_tokens", tokenId?, "reset"?]
    return parts[2] === "api_tokens" ? tokenRoute(parts.slice(3), undefined) : undefined;
}

/** The route of what follows `…/api_tokens`: nothing, `/{id}` or `/{id}/reset`. */
function tokenRoute(rest: string[], accountId: number | undefined): Route | undefined {
    if (rest.length === 0) return { kind: "collection", accountId };
    const tokenId = positiveInteger(rest[0]);
    if (tokenId === undefined || rest.length > 2) return undefined;
    if (rest.length === 1) return { kind: "token", accountId, tokenId };
    return rest[1] === "reset" ? { kind: "reset", accountId, tokenId } : undefined;
}

function positiveInteger(text: string): number | undefined {
    if (!POSITIVE_INTEGER.test(text)) return undefined;
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : undefined;
}

/** A created or reset token's answer: the only ones that carry its value. */
function issued(token: EmulatorToken, answers: Required<PermissionAnswers>): ApiResponse {
    return { status: 200, body: tokenWithValue(token, answers) };
}
