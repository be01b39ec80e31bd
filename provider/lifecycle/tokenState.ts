import { ApiTokenInfo, ApiTokenInputs, ApiTokenState, IssuedApiToken, PreviousTokenRetirement, RotationRecord } from "../types";
import { nextRotationMs } from "./schedule";
import { STATE_VERSION } from "./stateVersion";

/** The live token: what the API said of it, its value, and when and with which expiry it was issued. */
export interface LiveToken {
    info: ApiTokenInfo;
    /** The full value; empty for an adopted or looked-up token until its first rotation. */
    value: string;
    issuedAt: number;
    /** The expiry the API reported when it was issued (or adopted): an expiry that moves later means a reset made outside. */
    issuedExpiresAt: string | null;
    /** A refresh found it deleted outside Pulumi while a previous token was still to be deleted. */
    gone?: boolean;
}

/** The previous token of a rotation, the end of its grace period, and how it ends. */
export interface PreviousToken {
    id: number;
    expiresAt: string;
    /** "expiry": reset, the API expires it; "delete": a new token took its place, the provider deletes it after the grace. */
    retiredBy: PreviousTokenRetirement;
}

/** The rotation evidence carried from state to state. */
export interface Evidence {
    rotationCount: number;
    rotationHistory: RotationRecord[];
}

/** A stored state by its parts: the live token, the previous token, the evidence (the schedule is in the inputs). */
export interface TokenParts {
    live: LiveToken;
    previous?: PreviousToken;
    evidence: Evidence;
}

/** A token just issued by a create or reset, as the live token. */
export function issuedLive(issued: IssuedApiToken, now: number): LiveToken {
    return { info: issued, value: issued.token, issuedAt: now, issuedExpiresAt: issued.expiresAt };
}

/** The parts of a stored (upgraded) state. */
export function partsOf(state: ApiTokenState): TokenParts {
    return {
        live: {
            info: tokenInfoOf(state),
            value: state.token,
            issuedAt: Date.parse(state.issuedAt),
            issuedExpiresAt: state.issuedExpiresAt ?? null,
            gone: state.tokenGone === true ? true : undefined,
        },
        previous: previousOf(state),
        evidence: evidenceOf(state),
    };
}

/** The outputs recorded for a live token: every input echoed, plus what the API said and the evidence. */
export function stateFor(inputs: ApiTokenInputs, parts: TokenParts): ApiTokenState {
    const { live, previous, evidence } = parts;
    const nextRotation = nextRotationMs(inputs, live.issuedAt, live.info.expiresAt);
    return compact({
        name: inputs.name,
        accountId: inputs.accountId,
        resources: inputs.resources ?? live.info.resources,
        expiresAt: inputs.expiresAt ?? null,
        rotate: inputs.rotate,
        rotateAfterDays: inputs.rotateAfterDays,
        expiresInDays: inputs.expiresInDays,
        adoptTokenId: inputs.adoptTokenId,
        tokenId: live.info.id,
        token: live.value,
        last4Digits: live.info.last4Digits,
        createdBy: live.info.createdBy,
        issuedAt: new Date(live.issuedAt).toISOString(),
        valueExpiresAt: live.info.expiresAt,
        issuedExpiresAt: live.issuedExpiresAt,
        tokenGone: live.gone === true ? true : undefined,
        previousTokenId: previous?.id,
        previousTokenExpiresAt: previous?.expiresAt,
        previousTokenRetiredBy: previous?.retiredBy,
        rotationCount: evidence.rotationCount,
        nextRotationAt: nextRotation === null ? null : new Date(nextRotation).toISOString(),
        rotationHistory: evidence.rotationHistory,
        stateVersion: STATE_VERSION,
    }) as unknown as ApiTokenState;
}

/** The live token a state describes, as the API would list it. */
export function tokenInfoOf(state: ApiTokenState): ApiTokenInfo {
    return {
        id: state.tokenId,
        name: state.name,
        last4Digits: state.last4Digits,
        createdBy: state.createdBy,
        expiresAt: state.valueExpiresAt ?? null,
        resources: state.resources,
    };
}

export function previousOf(state: Partial<ApiTokenState>): PreviousToken | undefined {
    return state.previousTokenId !== undefined && state.previousTokenExpiresAt !== undefined
        ? { id: state.previousTokenId, expiresAt: state.previousTokenExpiresAt, retiredBy: state.previousTokenRetiredBy ?? "expiry" }
        : undefined;
}

export function evidenceOf(state: Partial<ApiTokenState>): Evidence {
    return { rotationCount: state.rotationCount ?? 0, rotationHistory: state.rotationHistory ?? [] };
}

/** The inputs a state echoes, for the engine's next diff. */
export function inputsOf(state: Partial<ApiTokenState>): Partial<ApiTokenInputs> {
    return {
        name: state.name,
        accountId: state.accountId,
        resources: state.resources,
        expiresAt: state.expiresAt ?? undefined,
        rotate: state.rotate,
        rotateAfterDays: state.rotateAfterDays,
        expiresInDays: state.expiresInDays,
        adoptTokenId: state.adoptTokenId,
    };
}

/** Drops undefined fields: property maps on the wire cannot hold them. */
export function compact<T extends object>(value: T): Record<string, unknown> {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** How lines about a resource name it: the Pulumi resource first, since the CLI shows them without a URN. */
export function describeResource(resourceName: string | undefined, tokenName: unknown, tokenId?: unknown): string {
    const token = `Mailtrap token ${JSON.stringify(String(tokenName))}${tokenId === undefined ? "" : ` ${String(tokenId)}`}`;
    return resourceName ? `ApiToken "${resourceName}" (${token})` : `ApiToken (${token})`;
}

/** One line about a resource: "mailtrap: ApiToken "x" (…): <what happened>", without repeating the prefix. */
export function aboutResource(label: string, message: string): string {
    return `mailtrap: ${label}: ${message.replace(/^mailtrap: /, "")}`;
}
