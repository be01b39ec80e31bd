/**
 * The vendor's own OpenAPI description of the API-token operations, read in place (never copied
 * into the repository), as a validator of requests and answers: openapi-backend matches a request
 * to its operation and validates it, and an answer against the operation's answer for its status,
 * with Ajv in JSON Schema 2020-12 (the dialect of OpenAPI 3.1) and ajv-formats (`date-time`, `int64`).
 *
 * Two things sit on top of the description, each stated here:
 * - our reading, stricter than its letter (always applied): every object is closed (a field the
 *   description does not name is a difference, so a misspelt key fails), and an operation that
 *   declares no request body takes none;
 * - named allowances: where the description and the vendor's newer clients disagree, the
 *   difference each scenario may show, as a patch of the description citing its evidence.
 *
 * Not an allowance: the description marks `expires_at` with `nullable: true`, OpenAPI 3.0's keyword
 * (3.1 spells it `type: [string, "null"]`). Ajv honours it, as the description's text means it
 * ("null if the token does not expire").
 */
import * as fs from "fs";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { OpenAPIBackend, type Document } from "openapi-backend";
import { parse as parseYaml } from "yaml";

export const REPO_ROOT = path.resolve(__dirname, "../..");
export const SPEC_ENV = "MAILTRAP_OPENAPI_SPEC";
export const DEFAULT_SPEC = "../shared/vendor/mailtrap-openapi/account-management.openapi.yml";

/** Where the description is read from: $MAILTRAP_OPENAPI_SPEC, else beside the repository (relative to its root). */
export function specPath(env: NodeJS.ProcessEnv = process.env): string {
    return path.resolve(REPO_ROOT, env[SPEC_ENV] || DEFAULT_SPEC);
}

/** The operations the provider uses, as the description names them, with their account-less routes. */
export const PROVIDER_OPERATIONS = {
    listApiTokens: ["get", "/api/api_tokens"],
    createApiToken: ["post", "/api/api_tokens"],
    getApiToken: ["get", "/api/api_tokens/{id}"],
    deleteApiToken: ["delete", "/api/api_tokens/{id}"],
    resetApiToken: ["post", "/api/api_tokens/{id}/reset"],
} as const;

/** The description as plain data, patched by path. */
type Doc = any;

const NULLABLE_INSTANT = { type: ["string", "null"], format: "date-time" };

export interface Allowance {
    /** What differs from the description. */
    differs: string;
    /** Who says otherwise, and why the project follows them. */
    evidence: string;
    /** The description as the allowance reads it. */
    patch(doc: Doc): void;
}

/** Every difference from the description that a scenario may name; nothing else is allowed. */
export const ALLOWANCES = {
    "older-type-names": {
        differs: "permission kinds inbox and sending_domain (the description lists sandbox and domain)",
        evidence:
            "npm mailtrap 4.10.0's ResourceType (dist/types/api/api-tokens.d.ts) says inbox and sending_domain, the names before the rename of 2026-05-15; programs and answers may use either",
        patch(doc) {
            const schemas = doc.components.schemas;
            schemas.ResourceType.enum.push("inbox", "sending_domain");
            schemas.ResourcePermission.properties.resource_type.enum.push("inbox", "sending_domain");
        },
    },
    "create-expires-at": {
        differs: "create's body carries expires_at (the description's CreateApiTokenRequest has only name and resources)",
        evidence:
            "npm mailtrap 4.10.0's CreateApiTokenRequest.expires_at?: string | null and PyPI mailtrap 2.11.0: omitted means the one-year default, null never expires; the provider always states it",
        patch(doc) {
            doc.components.schemas.CreateApiTokenRequest.properties.expires_at = NULLABLE_INSTANT;
        },
    },
    "reset-expires-at-body": {
        differs: "reset takes a body { expires_at } (the description's reset takes none)",
        evidence:
            "npm mailtrap 4.10.0's ResetApiTokenRequest { expires_at?: string | null } and PyPI mailtrap 2.11.0: the successor's expiry; the provider always states it",
        patch(doc) {
            doc.paths["/api/api_tokens/{id}/reset"].post.requestBody = {
                required: false,
                content: {
                    "application/json": {
                        schema: { type: "object", properties: { expires_at: NULLABLE_INSTANT }, additionalProperties: false },
                    },
                },
            };
        },
    },
    "forbidden-on-list-and-get": {
        differs: "a 403 answer to list and get (the description lists 403 for create, delete and reset only)",
        evidence:
            "the vendor's error docs: 403 when the credential has no permission for the account or operation; the emulator answers it on every operation to a credential without account admin access",
        patch(doc) {
            doc.paths["/api/api_tokens"].get.responses["403"] = { $ref: "#/components/responses/PERMISSION_DENIED" };
            doc.paths["/api/api_tokens/{id}"].get.responses["403"] = { $ref: "#/components/responses/PERMISSION_DENIED" };
        },
    },
    "account-scoped-routes": {
        differs: "the API-token operations at /api/accounts/{account_id}/api_tokens… (the description has only /api/api_tokens…)",
        evidence:
            "npm mailtrap 4.10.0 (dist/lib/api/resources/ApiTokens.js) and PyPI mailtrap 2.11.0 call them; the provider uses them when an account is configured",
        patch(doc) {
            for (const route of ["/api/api_tokens", "/api/api_tokens/{id}", "/api/api_tokens/{id}/reset"]) {
                const item = structuredClone(doc.paths[route]);
                for (const method of Object.keys(item)) {
                    item[method].operationId = `${item[method].operationId}InAccount`;
                    item[method].parameters = [
                        { name: "account_id", in: "path", required: true, schema: { type: "integer", format: "int64", minimum: 1 } },
                        ...(item[method].parameters ?? []),
                    ];
                }
                doc.paths[`/api/accounts/{account_id}${route.slice("/api".length)}`] = item;
            }
        },
    },
} satisfies Record<string, Allowance>;

export type AllowanceName = keyof typeof ALLOWANCES;
export const ALLOWANCE_NAMES = Object.keys(ALLOWANCES) as AllowanceName[];

/** Our reading: every object schema closed; an operation the provider uses that declares no body takes none. */
function readStrictly(doc: Doc): void {
    const close = (schema: Doc): void => {
        if (typeof schema !== "object" || schema === null || "$ref" in schema) return;
        if (schema.properties) {
            schema.additionalProperties ??= false;
            Object.values(schema.properties).forEach(close);
        }
        if (schema.items) close(schema.items);
        if (typeof schema.additionalProperties === "object") close(schema.additionalProperties);
    };
    Object.values(doc.components.schemas).forEach(close);
    for (const [operationId, [method, route]] of Object.entries(PROVIDER_OPERATIONS)) {
        const operation = doc.paths[route]?.[method];
        if (operation?.operationId !== operationId) throw new Error(`the description has no ${operationId} at ${method} ${route}`);
        // openapi-backend checks no body where none is declared: this one matches nothing.
        operation.requestBody ??= { required: false, content: { "application/json": { schema: { not: {} } } } };
    }
}

/** A request as sent: method, path (no query) and parsed JSON body. */
export interface SentRequest {
    method: string;
    path: string;
    body?: unknown;
}

/** An answer to a request: its status and parsed JSON body (undefined when there is none). */
export interface Answer {
    request: SentRequest;
    status: number;
    body?: unknown;
}

/** The description as read (parsed YAML, $refs intact), once per process. */
let loaded: Doc | undefined;

export function readDescription(): Doc {
    loaded ??= parseYaml(fs.readFileSync(specPath(), "utf8"));
    return loaded;
}

/**
 * openapi-backend given the description already parsed: its own loader imports an ESM-only module,
 * which Jest's CommonJS runtime cannot (even unawaited, as quick mode does, it fails the run).
 */
class ParsedDescription extends OpenAPIBackend {
    async loadDocument(): Promise<Document> {
        this.document = this.inputDocument as Document;
        return this.document;
    }
}

const validators = new Map<string, Promise<OpenAPIBackend>>();

/** The description read strictly, with exactly these allowances. */
export function validatorWith(allowances: readonly AllowanceName[]): Promise<OpenAPIBackend> {
    const key = [...allowances].sort().join(",");
    let made = validators.get(key);
    if (!made) {
        made = (async () => {
            const doc = structuredClone(readDescription());
            readStrictly(doc);
            // In the table's order: account-scoped-routes, last, copies the operations as the others left them.
            for (const name of ALLOWANCE_NAMES.filter((n) => allowances.includes(n))) ALLOWANCES[name].patch(doc);
            const api = new ParsedDescription({
                definition: doc as Document,
                strict: true,
                // Quick: the definition check openapi-backend would make uses OpenAPI 3.0's schema, which refuses valid 3.1.
                quick: true,
                customizeAjv: (_ajv, options) => {
                    const ajv = new Ajv2020({ ...options, strict: false, allErrors: true });
                    addFormats(ajv);
                    return ajv as never;
                },
            });
            await api.init();
            return api;
        })();
        validators.set(key, made);
    }
    return made;
}

/** What in the request the description (with these allowances) does not allow; empty when it conforms. */
export async function requestProblems(request: SentRequest, allowances: readonly AllowanceName[]): Promise<string[]> {
    const api = await validatorWith(allowances);
    const at = `${request.method} ${request.path}`;
    const headers: Record<string, string> = request.body === undefined ? {} : { "content-type": "application/json" };
    const operation = api.router.matchOperation({ method: request.method, path: request.path, headers });
    if (!operation) return [`${at}: no operation of the description has this method and path`];
    const result = api.validateRequest({ method: request.method, path: request.path, headers, body: request.body }, operation);
    return (result.errors ?? []).map(
        (e) => `${at} (${operation.operationId}): ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`,
    );
}

/** What in the answer the description (with these allowances) does not allow; empty when it conforms. */
export async function answerProblems(answer: Answer, allowances: readonly AllowanceName[]): Promise<string[]> {
    const api = await validatorWith(allowances);
    const { method, path: route } = answer.request;
    const at = `${answer.status} to ${method} ${route}`;
    const operation = api.router.matchOperation({ method, path: route, headers: {} });
    if (!operation) return [`${at}: no operation of the description has this method and path`];
    const listed = Object.keys(operation.responses ?? {});
    if (!listed.includes(String(answer.status))) {
        return [`${at} (${operation.operationId}): the description lists no ${answer.status} answer (it lists ${listed.join(", ")})`];
    }
    // An answer without a body is validated as null: openapi-backend's schema of a bodiless answer.
    const result = api.validateResponse(answer.body === undefined ? null : answer.body, operation, answer.status);
    return (result.errors ?? []).map(
        (e) => `${at} (${operation.operationId}): ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`,
    );
}
