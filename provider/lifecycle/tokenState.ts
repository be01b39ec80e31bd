import { ApiTokenInfo, ApiTokenInputs, ApiTokenState, RotationRecord } from "../types";
import { nextRotationMs } from "./schedule";
import { STATE_VERSION } from "./stateVersion";

/** The previous token of a rotation, the end of its grace period, and how it ends. */
export interface PreviousToken {
    id: number;
    expiresAt: string;
    /** "expiry": reset, the API expires it; "delete": renewed, the provider deletes it after the grace. */
    retiredBy: "expiry" | "delete";
}

/** The rotation evidence carried from state to state. */
export interface Evidence {
    rotationCount: number;
    rotationHistory: RotationRecord[];
}

/** The outputs recorded for a live token: every input echoed, plus what the API said and the evidence. */
export function stateFor(
    inputs: ApiTokenInputs,
    live: ApiTokenInfo,
    value: { token: string; issuedAt: number; previous?: PreviousToken; evidence: Evidence },
): ApiTokenState {
    const nextRotation = nextRotationMs(inputs, value.issuedAt, live.expiresAt);
    return compact({
        name: inputs.name,
        accountId: inputs.accountId,
        resources: inputs.resources ?? live.resources,
        expiresAt: inputs.expiresAt ?? null,
        rotate: inputs.rotate,
        rotateAfterDays: inputs.rotateAfterDays,
        expiresInDays: inputs.expiresInDays,
        adoptTokenId: inputs.adoptTokenId,
        tokenId: live.id,
        token: value.token,
        last4Digits: live.last4Digits,
        createdBy: live.createdBy,
        issuedAt: new Date(value.issuedAt).toISOString(),
        valueExpiresAt: live.expiresAt,
        previousTokenId: value.previous?.id,
        previousTokenExpiresAt: value.previous?.expiresAt,
        previousTokenRetiredBy: value.previous?.retiredBy,
        rotationCount: value.evidence.rotationCount,
        nextRotationAt: nextRotation === null ? null : new Date(nextRotation).toISOString(),
        rotationHistory: value.evidence.rotationHistory,
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

export function previousOf(state: ApiTokenState): PreviousToken | undefined {
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
