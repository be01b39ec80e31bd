/**
 * How the API validates a token's fields: the body of a create, and a change to an existing
 * token. Errors come back keyed by field, as the API's 422 body carries them.
 */
import { EMULATOR_RESOURCE_TYPES, type EmulatorPermission, type TokenPatch, type ValidationErrors } from "./types";

const MAX_NAME_LENGTH = 255;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const NOT_A_DATE_TIME = "is not a valid ISO 8601 date-time";

/** The fields of a create the API accepted, with `expires_at` normalised (or defaulted). */
export interface ValidCreate {
    name: string;
    resources: EmulatorPermission[];
    expiresAt: string | null;
}

/**
 * `POST …/api_tokens`: a missing `resources` means none; a missing `expires_at` key gets
 * `defaultExpiresAt`, an explicit null never expires.
 */
export function validateCreate(
    body: Record<string, unknown>,
    defaultExpiresAt: string | null,
    now: () => number,
): ValidCreate | { errors: ValidationErrors } {
    const errors: ValidationErrors = {};
    validateName(body.name, errors);
    const resources = body.resources === undefined || body.resources === null ? [] : body.resources;
    validateResources(resources, errors);
    const expiry = "expires_at" in body ? validateExpiresAt(body.expires_at, now()) : { expiresAt: defaultExpiresAt };
    if ("errors" in expiry) Object.assign(errors, expiry.errors);

    if (Object.keys(errors).length > 0 || "errors" in expiry) return { errors };
    return { name: body.name as string, resources: resources as EmulatorPermission[], expiresAt: expiry.expiresAt };
}

/** A given `expires_at` (of a create, or of today's reset), normalised; null means never. */
export type ValidExpiry = { expiresAt: string | null };

/** null, or an ISO 8601 date-time in the future and at most 5 years ahead, as the API accepts it. */
export function validateExpiresAt(value: unknown, nowMs: number): ValidExpiry | { errors: ValidationErrors } {
    if (value === null) return { expiresAt: null };
    const ms = typeof value === "string" ? isoToMs(value) : undefined;
    if (ms === undefined) return { errors: { expires_at: [NOT_A_DATE_TIME] } };
    if (ms <= nowMs) return { errors: { expires_at: ["must be in the future"] } };
    if (ms > addYears(nowMs, 5)) return { errors: { expires_at: ["must be at most 5 years from now"] } };
    return { expiresAt: new Date(ms).toISOString() };
}

/** A change made out of band: each given field must be well formed; dates need not be in the future. */
export function validatePatch(patch: TokenPatch): ValidationErrors {
    const errors: ValidationErrors = {};
    if (patch.name !== undefined) validateName(patch.name, errors);
    if (patch.resources !== undefined) validateResources(patch.resources, errors);
    if (patch.expires_at !== undefined && patch.expires_at !== null && isoToMs(patch.expires_at) === undefined) {
        errors.expires_at = [NOT_A_DATE_TIME];
    }
    return errors;
}

/** Milliseconds of an ISO 8601 date-time, or undefined when the text is not one. */
export function isoToMs(text: string): number | undefined {
    if (!ISO_DATE_TIME.test(text)) return undefined;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
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
        // Either spelling of a renamed kind is accepted: the API's clients still send the older one.
        if (!EMULATOR_RESOURCE_TYPES.includes(p.resource_type as EmulatorPermission["resource_type"])) {
            resourceErrors.add(`resource_type must be one of ${EMULATOR_RESOURCE_TYPES.join(", ")}`);
        }
        const id = p.resource_id;
        const validId = (typeof id === "number" && Number.isInteger(id) && id > 0) || (typeof id === "string" && id.trim() !== "");
        if (!validId) resourceErrors.add("resource_id must be a positive integer or a non-empty string");
        if (p.access_level !== 10 && p.access_level !== 100) accessErrors.add("must be 10 (viewer) or 100 (admin)");
    }
    if (resourceErrors.size > 0) errors.resources = [...resourceErrors];
    if (accessErrors.size > 0) errors.access_level = [...accessErrors];
}

export function addYears(ms: number, years: number): number {
    const date = new Date(ms);
    date.setUTCFullYear(date.getUTCFullYear() + years);
    return date.getTime();
}
