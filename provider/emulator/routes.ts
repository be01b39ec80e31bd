/**
 * The API's routes: which paths exist and which methods they take, and what each request does
 * to the store and answers, shaped as Mailtrap shapes them.
 */
import * as http from "http";
import type { Caller, TokenStore } from "./store";
import type { EmulatorToken } from "./types";

const POSITIVE_INTEGER = /^[1-9]\d*$/;
const NOT_FOUND: ApiResponse = { status: 404, body: { error: "Not Found" } };

export type Route =
    | { kind: "collection"; accountId: number }
    | { kind: "token"; accountId: number; tokenId: number }
    | { kind: "reset"; accountId: number; tokenId: number };

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
    route: Route,
    method: string,
    caller: Caller,
    rawBody: string,
    parsed: ParsedJson,
): ApiResponse {
    const tokens = store.tokensOf(route.accountId);
    if (!tokens || !store.isAuthorized(caller, route.accountId)) {
        return { status: 403, body: { errors: "Access forbidden" } };
    }

    if (route.kind === "collection" && method === "GET") {
        return { status: 200, body: [...tokens.values()].map(publicToken) };
    }
    if (route.kind === "collection") {
        const body = jsonObjectBody(rawBody, parsed);
        if ("refusal" in body) return body.refusal;
        const created = store.create(route.accountId, body.fields, caller.token ? caller.token.name : "API");
        return "errors" in created ? { status: 422, body: { errors: created.errors } } : withValue(created);
    }

    const token = tokens.get(route.tokenId);
    if (!token) return NOT_FOUND;
    if (route.kind === "token" && method === "GET") return { status: 200, body: publicToken(token) };
    if (route.kind === "token") {
        store.deleteToken(route.accountId, token.id);
        return { status: 204 };
    }
    const body: ReturnType<typeof jsonObjectBody> = store.apiModel.resetReadsBody ? jsonObjectBody(rawBody, parsed) : { fields: {} };
    if ("refusal" in body) return body.refusal;
    const successor = store.reset(token, body.fields);
    return "errors" in successor ? { status: 422, body: { errors: successor.errors } } : withValue(successor);
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

/** A token as listed and fetched: never its value. */
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

/** A token as created or reset: the only answers that carry its value. */
function withValue(token: EmulatorToken): ApiResponse {
    return { status: 200, body: { ...publicToken(token), token: token.token } };
}
