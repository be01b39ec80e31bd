import { ApiTokenState } from "../types";
import { describeCause, RotationCause, rotationCause, scheduleOf } from "./renewalCause";
import { expiryWarning, nextRotationMs, retirementsDue, scheduledToken } from "./schedule";
import { describeResource, partsOf } from "./tokenState";
import { describePermissions, isUnknown, sameInstant, samePermissions } from "./values";

/** Inputs whose change needs a new token: the API cannot change them on an existing one. */
export const REPLACE_INPUTS = ["name", "accountId", "resources", "expiresAt"] as const;

export interface ApiTokenDiff {
    changes: boolean;
    replaces: string[];
    rotation?: RotationCause;
    /** Previous tokens whose grace has ended: they are deleted in this update. */
    retiresPrevious: number[];
    /** Lines for the user explaining a change the engine's own diff cannot show, and warnings. */
    notices: string[];
}

/**
 * Decides what an update means, from the old outputs and the new (checked) inputs, without calling
 * the API: a replace when a replace input changed; an update when the value must be renewed (see
 * renewalCause.ts) or a previous token is due for deletion; else no change. A replace plus a
 * renewal is one replacement.
 */
export function diffApiToken(olds: Partial<ApiTokenState>, news: Record<string, unknown>, now: number): ApiTokenDiff {
    const parts = partsOf(olds);
    const { echoed, live } = parts;
    const replaces = REPLACE_INPUTS.filter((key) => changed(key, echoed[key], news[key]));
    const rotation = rotationCause(parts, news, now);
    const label = `mailtrap: ${describeResource(typeof news.__resourceName === "string" ? news.__resourceName : undefined, echoed.name, live.info.id)}`;
    const notices: string[] = [];
    const warning = expiryWarning(live, scheduleOf(news), now, `${label}: warning: it`);
    if (warning) {
        notices.push(warning);
    }
    if (replaces.length > 0) {
        if (replaces.includes("resources") && !samePermissions(echoed.resources, live.issuedResources)) {
            notices.push(
                `${label}: its permissions were changed outside Pulumi (now ${describePermissions(echoed.resources ?? [])}; issued with ${describePermissions(live.issuedResources)}): the API cannot change a token's permissions, so it will be replaced by a token with the declared ones`,
            );
        }
        if (rotation) {
            notices.push(
                `${label} will be replaced (${replaces.join(", ")} changed); the replacement also renews its value (${describeCause(rotation, news)})`,
            );
        }
        return { changes: true, replaces, rotation, retiresPrevious: [], notices };
    }
    if (
        !rotation &&
        typeof news.expiresInDays === "number" &&
        typeof echoed.expiresInDays === "number" &&
        news.expiresInDays !== echoed.expiresInDays
    ) {
        const due = nextRotationMs(scheduleOf(news), scheduledToken(live));
        notices.push(
            `${label}: expiresInDays changed from ${echoed.expiresInDays} to ${news.expiresInDays}; the new lifetime applies at the next renewal${due === null ? "" : `, due ${new Date(due).toISOString()}`}`,
        );
    }
    const retiresPrevious = retirementsDue(parts.previous, now).map((p) => p.tokenId);
    for (const tokenId of retiresPrevious) {
        notices.push(`${label} retires previous token ${tokenId}, grace ended: it is deleted`);
    }
    if (rotation) {
        notices.push(`${label} will rotate: ${describeCause(rotation, news)}`);
    }
    return { changes: rotation !== undefined || retiresPrevious.length > 0, replaces: [], rotation, retiresPrevious, notices };
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
