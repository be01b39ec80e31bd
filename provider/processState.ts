import * as http from "http";
import * as https from "https";
import type { RequestPacer } from "./pacer";

/**
 * State shared by every resource in one provider process: pacers per credential, the highest
 * token id seen per account, and connections. Created on first use, never at load: the provider is serialized into
 * each resource's state, and a value captured at serialization time would be a frozen copy.
 */
export interface ProcessState {
    pacers: Map<string, RequestPacer>;
    highestTokenId: Map<number, number>;
    /** Keep-alive connections, shared by all clients of the process. */
    httpAgent: http.Agent;
    httpsAgent: https.Agent;
}

const KEY = "__pulumiMailtrapTokensProcessState";

export function processState(): ProcessState {
    const holder = globalThis as unknown as Record<string, ProcessState | undefined>;
    let state = holder[KEY];
    if (!state) {
        state = {
            pacers: new Map(),
            highestTokenId: new Map(),
            httpAgent: new http.Agent({ keepAlive: true }),
            httpsAgent: new https.Agent({ keepAlive: true }),
        };
        holder[KEY] = state;
    }
    return state;
}
