import { ApiTokenInfo, ApiTokenInputs, ApiTokenPermission, ApiTokenState, IssuedApiToken, PreviousToken, RotationRecord } from "../types";
import { INPUT_NAMES, OutputName } from "./properties";
import { nextRotationMs, scheduledToken } from "./schedule";
import { STATE_VERSION } from "./stateVersion";

export type { PreviousToken } from "../types";

/** The live token: what the API said of it, its value, and when and with which expiry it was issued. */
export interface LiveToken {
    info: ApiTokenInfo;
    /** The full value; empty for an adopted or looked-up token until its first rotation. */
    value: string;
    issuedAt: number;
    /** The expiry the API reported when it was issued (or adopted): an expiry that moves later means a reset made outside. */
    issuedExpiresAt: string | null;
    /** The permissions the API answered when it was issued (or adopted): a later answer that differs from these as a set is drift. */
    issuedResources: ApiTokenPermission[];
    /** A refresh found it deleted outside Pulumi while a previous token was still to be deleted. */
    gone?: boolean;
    /** Taken over by id (adoptTokenId, import, get): it has no value by design until its first renewal. */
    adopted?: boolean;
}

/** The rotation evidence carried from state to state. */
export interface Evidence {
    rotationCount: number;
    rotationHistory: RotationRecord[];
}

/**
 * A stored state by its parts: the live token, every previous token still held (oldest first), the
 * evidence, and the inputs the state echoes (the declaration the live token was last settled with).
 */
export interface TokenParts {
    live: LiveToken;
    previous: PreviousToken[];
    evidence: Evidence;
    echoed: Partial<ApiTokenInputs>;
}

/** A token just issued by a create or reset, as the live token. */
export function issuedLive(issued: IssuedApiToken, now: number): LiveToken {
    return { info: issued, value: issued.token, issuedAt: now, issuedExpiresAt: issued.expiresAt, issuedResources: issued.resources };
}

/** A token taken over by id: no value, its issue time unknown (the takeover's time stands for it). */
export function adoptedLive(info: ApiTokenInfo, now: number): LiveToken {
    return { info, value: "", issuedAt: now, issuedExpiresAt: info.expiresAt, issuedResources: info.resources, adopted: true };
}

/** The parts of a stored (upgraded) state: the one place the flat outputs are read. */
export function partsOf(state: Partial<ApiTokenState>): TokenParts {
    const evidence = evidenceOf(state);
    const adopted =
        state.adoptTokenId !== undefined || evidence.rotationHistory.some((r) => r.cause === "adopted" && r.tokenId === state.tokenId);
    return {
        live: {
            info: {
                id: state.tokenId as number,
                name: state.name as string,
                last4Digits: state.last4Digits as string,
                createdBy: state.createdBy as string,
                expiresAt: state.valueExpiresAt ?? null,
                resources: state.resources ?? [],
            },
            value: state.token ?? "",
            issuedAt: state.issuedAt ? Date.parse(state.issuedAt) : NaN,
            issuedExpiresAt: state.issuedExpiresAt ?? null,
            issuedResources: state.issuedResources ?? state.resources ?? [],
            gone: state.tokenGone === true ? true : undefined,
            adopted: adopted ? true : undefined,
        },
        previous: (state.previousTokens ?? []).map((p) => ({ ...p })),
        evidence,
        echoed: inputsOf(state),
    };
}

/** Every output, none forgotten: a field of ApiTokenState beyond the echoed inputs left out here fails to compile. */
type EveryOutput = { [K in OutputName]: Required<ApiTokenState>[K] | undefined };

/** The outputs recorded for a live token: every input echoed, plus what the API said and the evidence. */
export function stateFor(inputs: ApiTokenInputs, parts: Omit<TokenParts, "echoed">): ApiTokenState {
    const { live, previous, evidence } = parts;
    const nextRotation = nextRotationMs(inputs, scheduledToken(live));
    const newest = previous[previous.length - 1];
    const outputs: EveryOutput = {
        tokenId: live.info.id,
        token: live.value,
        last4Digits: live.info.last4Digits,
        createdBy: live.info.createdBy,
        issuedAt: new Date(live.issuedAt).toISOString(),
        valueExpiresAt: live.info.expiresAt,
        issuedExpiresAt: live.issuedExpiresAt,
        issuedResources: live.issuedResources,
        tokenGone: live.gone === true ? true : undefined,
        previousTokens: previous,
        previousTokenId: newest?.tokenId,
        previousTokenExpiresAt: newest?.expiresAt,
        previousTokenRetiredBy: newest?.retiredBy,
        rotationCount: evidence.rotationCount,
        nextRotationAt: nextRotation === null ? null : new Date(nextRotation).toISOString(),
        rotationHistory: evidence.rotationHistory,
        stateVersion: STATE_VERSION,
    };
    // The inputs are echoed as given; the two an API answer stands in for are always recorded.
    const echoed = {
        ...pick(inputs, INPUT_NAMES),
        resources: inputs.resources ?? live.info.resources,
        expiresAt: inputs.expiresAt ?? null,
    };
    return compact({ ...echoed, ...outputs } as { [K in keyof ApiTokenState]: ApiTokenState[K] | undefined });
}

function evidenceOf(state: Partial<ApiTokenState>): Evidence {
    return { rotationCount: state.rotationCount ?? 0, rotationHistory: state.rotationHistory ?? [] };
}

/** The inputs a state echoes, for the engine's next diff: a stored null is no value. */
export function inputsOf(state: Partial<ApiTokenState>): Partial<ApiTokenInputs> {
    const echoed = pick(state, INPUT_NAMES);
    return Object.fromEntries(Object.entries(echoed).map(([name, value]) => [name, value ?? undefined])) as Partial<ApiTokenInputs>;
}

/** The named fields of a value, each (undefined when absent). */
function pick<T extends object, K extends string>(value: T, names: readonly K[]): { [N in K]: unknown } {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(names.map((name) => [name, record[name]])) as { [N in K]: unknown };
}

/** Drops undefined fields: property maps on the wire cannot hold them. */
export function compact<T extends object>(value: { [K in keyof T]: T[K] | undefined }): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
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
