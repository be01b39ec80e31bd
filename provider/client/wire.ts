import { AccessLevel, ApiTokenInfo, ApiTokenPermission, ResourceType } from "../types";
import { redactSecrets } from "./errors";

/**
 * The API's shapes (snake_case, access levels as numbers), mapped to and from the provider's own
 * types here and nowhere else, and how the API's error bodies read as one line.
 */

/** A permission as the API spells it. */
export interface WirePermission {
    /** `account`, `project`, `sandbox` or `domain` (older: `inbox`, `sending_domain`), or a kind added later. */
    resource_type: string;
    resource_id: number | string;
    /** 10 viewer, 100 admin; the API knows others (account accesses show 1, 50 and 1000). */
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

const ACCESS_LEVEL_CODES: Record<AccessLevel, number> = { viewer: 10, admin: 100 };
/** The named levels by code. A plain object, not a Map: the provider is serialized into state, and a captured Map loses its entries. */
const ACCESS_LEVEL_NAMES: Readonly<Record<number, AccessLevel>> = { 10: "viewer", 100: "admin" };

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

/**
 * Kept as answered, so that an answer this version does not fully know never breaks a read: the
 * kind in either spelling (or one added later; a cast, as ResourceType names only what a program
 * may declare), the id as a number or a string, and a level without a name as the API's number.
 */
function fromWirePermission(wire: WirePermission): ApiTokenPermission {
    return {
        resourceType: wire.resource_type as ResourceType,
        resourceId: wire.resource_id,
        accessLevel: (typeof wire.access_level === "number" ? ACCESS_LEVEL_NAMES[wire.access_level] : undefined) ?? wire.access_level,
    };
}

export function toWirePermission(permission: ApiTokenPermission): WirePermission {
    const level = permission.accessLevel;
    return {
        resource_type: permission.resourceType,
        resource_id: permission.resourceId,
        // A level read from an answer goes back as the number it was.
        access_level: typeof level === "number" ? level : ACCESS_LEVEL_CODES[level],
    };
}

export function parseJson(text: unknown): { ok: true; value: unknown } | { ok: false } {
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
