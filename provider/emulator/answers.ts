/**
 * How a token reads in an answer: never its value outside create and reset, and its permissions
 * in the spelling and shape the emulator is set to answer them (see PermissionAnswers).
 */
import {
    RESOURCE_TYPE_NAMES,
    type EmulatorPermission,
    type EmulatorResourceType,
    type EmulatorToken,
    type PermissionAnswers,
    type ResourceTypeNames,
} from "./types";

/** The two kinds the vendor renamed on 2026-05-15 ("Email Testing" became "Email Sandbox"). */
const RENAMED: Partial<Record<EmulatorResourceType, EmulatorResourceType>> = { inbox: "sandbox", sending_domain: "domain" };
const OLDER: Partial<Record<EmulatorResourceType, EmulatorResourceType>> = { sandbox: "inbox", domain: "sending_domain" };

/** The answer settings with their defaults, refused when unknown. */
export function permissionAnswers(options: PermissionAnswers): Required<PermissionAnswers> {
    const resourceTypeNames = options.resourceTypeNames ?? "as-sent";
    if (!RESOURCE_TYPE_NAMES.includes(resourceTypeNames)) {
        throw new Error(`resourceTypeNames must be one of ${RESOURCE_TYPE_NAMES.join(", ")}, got ${JSON.stringify(resourceTypeNames)}`);
    }
    return { resourceTypeNames, normalisePermissions: options.normalisePermissions ?? false };
}

/** A token as listed and fetched: never its value. */
export function publicToken(token: EmulatorToken, answers: Required<PermissionAnswers>) {
    const resources = token.resources.map((p) => answeredPermission(p, answers));
    return {
        id: token.id,
        name: token.name,
        last_4_digits: token.last_4_digits,
        created_by: token.created_by,
        expires_at: token.expires_at,
        // Reversed rather than sorted: any two or more permissions then come back in an order other than the stored one.
        resources: answers.normalisePermissions ? resources.reverse() : resources,
    };
}

/** A token as created or reset: the only answers that carry its value. */
export function tokenWithValue(token: EmulatorToken, answers: Required<PermissionAnswers>) {
    return { ...publicToken(token, answers), token: token.token };
}

function answeredPermission(permission: EmulatorPermission, answers: Required<PermissionAnswers>): EmulatorPermission {
    return {
        resource_type: spelled(permission.resource_type, answers.resourceTypeNames),
        resource_id: answers.normalisePermissions ? String(permission.resource_id) : permission.resource_id,
        access_level: permission.access_level,
    };
}

function spelled(kind: EmulatorResourceType, names: ResourceTypeNames): EmulatorResourceType {
    if (names === "renamed") return RENAMED[kind] ?? kind;
    if (names === "older") return OLDER[kind] ?? kind;
    return kind;
}
