import * as http from "http";
import * as https from "https";
import type { RequestPacer } from "./client/pacer";

/**
 * State shared by every resource in one provider process: pacers per credential, the token ids
 * seen, and connections. Created on first use, never at load: the provider is serialized into
 * each resource's state, and a value captured at serialization time would be a frozen copy.
 */
export interface ProcessState {
    pacers: Map<string, RequestPacer>;
    highestTokenId: Map<number | undefined, number>;
    /** Token ids that resources of this process hold or just received from a create or reset. */
    heldTokenIds: Set<number>;
    /** Keys of the resources diffed in this process (see resourceKeyOf): they are in state, so a create for one is a replacement. */
    existingResources: Set<string>;
    /** "<accountId>/<tokenId>" of every token a resource diffed in this process holds → that resource's key and name. */
    tokenHolders: Map<string, { key: string; name?: string }>;
    /** "<accountId>/<tokenId>" of tokens a resource in state adopted: never adopted a second time. */
    adoptedTokens: Set<string>;
    /** Keep-alive connections, shared by all clients of the process. */
    httpAgent: http.Agent;
    httpsAgent: https.Agent;
}

const KEY = "__pulumiMailtrapTokensProcessState";

export function processState(): ProcessState {
    const holder = globalThis as unknown as Record<string, Partial<ProcessState> | undefined>;
    // Another version of this package in the same process may have made the object: fill in what it lacks.
    const state = (holder[KEY] ??= {});
    state.pacers ??= new Map();
    state.highestTokenId ??= new Map();
    state.heldTokenIds ??= new Set();
    state.existingResources ??= new Set();
    state.adoptedTokens ??= new Set();
    state.tokenHolders ??= new Map();
    state.httpAgent ??= new http.Agent({ keepAlive: true });
    state.httpsAgent ??= new https.Agent({ keepAlive: true });
    return state as ProcessState;
}
