import { ApiTokenState } from "../types";
import { describeResource } from "./tokenState";
import { isUnknown, sameInstant, samePermissions } from "./values";

const DAY_MS = 86_400_000;

/** Inputs whose change needs a new token: the API cannot change them on an existing one. */
export const REPLACE_INPUTS = ["name", "accountId", "resources", "expiresAt"] as const;

/** Why the live token's value must be renewed, if it must. */
export type RotationCause =
    | { kind: "trigger" }
    | { kind: "age"; ageDays: number; rotateAfterDays: number }
    | { kind: "reset-outside"; valueExpiresAt: string }
    /** Created without a value the provider could read (a create that did not finish). */
    | { kind: "no-value" };

export interface ApiTokenDiff {
    changes: boolean;
    replaces: string[];
    rotation?: RotationCause;
    /** Lines for the user explaining a rotation the engine's own diff cannot show. */
    notices: string[];
}

/**
 * Decides what an update means, from the old outputs and the new (checked) inputs, without calling
 * the API: a replace when a replace input changed; a rotation (an update that resets the token)
 * when the trigger changed, the value is older than `rotateAfterDays`, or the token was reset
 * outside Pulumi; else no change. A rotation of a token that has an expiry is a replacement,
 * because the API cannot reset it; a replace plus a rotation is one replacement.
 */
export function diffApiToken(olds: Partial<ApiTokenState>, news: Record<string, unknown>, now: number): ApiTokenDiff {
    const replaces = REPLACE_INPUTS.filter((key) => changed(key, olds[key], news[key]));
    const rotation = rotationCause(olds, news, now);
    const label = `mailtrap: ${describeResource(typeof news.__resourceName === "string" ? news.__resourceName : undefined, olds.name, olds.tokenId)}`;
    const notices: string[] = [];
    if (replaces.length > 0) {
        if (rotation) {
            notices.push(
                `${label} will be replaced (${replaces.join(", ")} changed); the replacement also renews its value (${describeCause(rotation)})`,
            );
        }
        return { changes: true, replaces, rotation, notices };
    }
    if (!rotation) {
        return { changes: false, replaces: [], notices };
    }
    if (hasExpiry(olds)) {
        const key = rotation.kind === "trigger" ? "rotate" : rotation.kind === "no-value" ? "token" : "rotateAfterDays";
        notices.push(
            `${label} will be replaced to rotate (${describeCause(rotation)}): it has an expiry, and the API cannot reset a token with an expiry; the new token is created before the old one is deleted`,
        );
        return { changes: true, replaces: [key], rotation, notices };
    }
    notices.push(`${label} will rotate: ${describeCause(rotation)}`);
    return { changes: true, replaces: [], rotation, notices };
}

/** Why the value must be renewed now, if it must; the same rule serves diff and update. */
export function rotationCause(olds: Partial<ApiTokenState>, news: Record<string, unknown>, now: number): RotationCause | undefined {
    // First: a token reset outside Pulumi cannot be reset again, whatever else asks for a rotation.
    if (olds.valueExpiresAt && !hasExpiry(olds)) {
        return { kind: "reset-outside", valueExpiresAt: olds.valueExpiresAt };
    }
    // An adopted token has no value by design, until its first rotation is asked for.
    if (olds.token === "" && olds.adoptTokenId === undefined && olds.tokenId !== undefined) {
        return { kind: "no-value" };
    }
    if (!sameTrigger(olds.rotate, news.rotate)) {
        return { kind: "trigger" };
    }
    const limit = news.rotateAfterDays;
    const issuedAt = olds.issuedAt ? Date.parse(olds.issuedAt) : NaN;
    if (typeof limit === "number" && limit > 0 && !Number.isNaN(issuedAt)) {
        const ageDays = (now - issuedAt) / DAY_MS;
        if (ageDays > limit) {
            return { kind: "age", ageDays, rotateAfterDays: limit };
        }
    }
    return undefined;
}

export function describeCause(cause: RotationCause): string {
    switch (cause.kind) {
        case "trigger":
            return "its rotate trigger changed";
        case "age":
            return `its value is ${cause.ageDays.toFixed(1)} days old and rotateAfterDays is ${cause.rotateAfterDays}`;
        case "reset-outside":
            return `it was reset outside Pulumi and its stored value stops working at ${cause.valueExpiresAt}; a new token is issued in its place, and whatever the outside reset made is left alone`;
        case "no-value":
            return "its create did not finish and the stack holds no value for it";
    }
}

function hasExpiry(olds: Partial<ApiTokenState>): boolean {
    return olds.expiresAt !== undefined && olds.expiresAt !== null;
}

function changed(key: (typeof REPLACE_INPUTS)[number], old: unknown, value: unknown): boolean {
    if (isUnknown(value)) {
        return true;
    }
    switch (key) {
        case "resources":
            return !samePermissions(old, value);
        case "expiresAt":
            return !sameInstant(old, value);
        default:
            return old !== value;
    }
}

function sameTrigger(old: unknown, value: unknown): boolean {
    if (isUnknown(value)) {
        return false;
    }
    const absent = (v: unknown) => v === undefined || v === null;
    if (absent(old) || absent(value)) {
        return absent(old) && absent(value);
    }
    return String(old) === String(value);
}
