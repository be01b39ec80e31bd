/**
 * Reading a resource's inputs as the policy analyzer hands them over, where a value may be
 * unknown during preview.
 *
 * During `pulumi preview` the engine sends an input that depends on another resource's output as
 * an "unknown" sentinel string (one per type, `KeepUnknowns` in the engine's marshalling), and
 * @pulumi/policy wraps the inputs in a proxy that throws `UnknownValueError` when a policy reads
 * such a value. Left uncaught, that error becomes an advisory "can't run policy … during preview"
 * line. The policies here read through {@link read} instead, which turns both forms (the thrown
 * error and a bare sentinel, as in inputs that did not pass through the proxy) into
 * {@link UNKNOWN}: "cannot judge yet". The same policy judges the value at `pulumi up`, when it is
 * known.
 */
import { UnknownValueError } from "@pulumi/policy";
import { UNKNOWN_VALUE } from "../constants";

/** A value the engine does not know yet (during preview). */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

/**
 * The engine's unknown sentinels (boolean, number, string, array, asset, archive, object), the
 * values @pulumi/policy's proxy checks for (`unknown*Value` in @pulumi/policy/proxy).
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    UNKNOWN_VALUE,
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

function isUnknownValueError(error: unknown): boolean {
    // By name too: a second copy of @pulumi/policy (say, the pack's own) has its own class.
    return error instanceof UnknownValueError || (error instanceof Error && error.constructor.name === "UnknownValueError");
}

/**
 * `container[key]`, or {@link UNKNOWN} when the engine does not know it yet. `undefined` when the
 * container is not an object or has no such key; `null` stays `null`.
 */
export function read(container: unknown, key: string | number): unknown {
    if (container === null || typeof container !== "object") {
        return undefined;
    }
    let value: unknown;
    try {
        value = (container as Record<string | number, unknown>)[key];
    } catch (error) {
        if (isUnknownValueError(error)) {
            return UNKNOWN;
        }
        throw error;
    }
    return typeof value === "string" && UNKNOWN_SENTINELS.has(value) ? UNKNOWN : value;
}

/** Whether an input is given: neither absent nor null (nor unknown). */
export function isSet(value: unknown): boolean {
    return value !== undefined && value !== null && value !== UNKNOWN;
}

/** One permission of a token, with any of its fields possibly unknown. */
export interface PermissionRead {
    index: number;
    resourceType: unknown;
    resourceId: unknown;
    accessLevel: unknown;
}

/**
 * The token's `resources` input: {@link UNKNOWN} when the list itself is unknown, else its
 * entries (an entry that is wholly unknown has every field unknown). A missing or malformed list
 * gives no entries: the provider's check rejects malformed input before any API call.
 */
export function readPermissions(props: unknown): PermissionRead[] | Unknown {
    const list = read(props, "resources");
    if (list === UNKNOWN) {
        return UNKNOWN;
    }
    if (!Array.isArray(list)) {
        return [];
    }
    const length = read(list, "length");
    if (typeof length !== "number") {
        return UNKNOWN;
    }
    const permissions: PermissionRead[] = [];
    for (let index = 0; index < length; index++) {
        const entry = read(list, index);
        if (entry === UNKNOWN) {
            permissions.push({ index, resourceType: UNKNOWN, resourceId: UNKNOWN, accessLevel: UNKNOWN });
        } else if (entry !== null && typeof entry === "object") {
            permissions.push({
                index,
                resourceType: read(entry, "resourceType"),
                resourceId: read(entry, "resourceId"),
                accessLevel: read(entry, "accessLevel"),
            });
        }
    }
    return permissions;
}

/** A value for a message: strings quoted, unknowns named. */
export function show(value: unknown): string {
    if (value === UNKNOWN) {
        return "(unknown)";
    }
    return typeof value === "string" ? JSON.stringify(value) : String(value);
}
