import { ApiTokenState } from "../types";
import { upgradeToVersion3 } from "./stateVersion3";

/**
 * The shape version of the outputs this release writes. A state outlives every release, so each
 * release reads every earlier version: a change of the outputs' shape bumps this, adds the upgrader
 * from the previous version below, and adds a golden state fixture (tests/fixtures/states).
 */
export const STATE_VERSION = 5;

/**
 * UPGRADERS[v] turns a state of version v into version v + 1. Version 0 is a state without
 * `stateVersion`, written before it existed; its shape is that of version 1. Version 2 adds the
 * rotation evidence (none is known for what came before) and how the previous token ends (a
 * version 1 previous token always came from a reset). Version 3 adds the expiry recorded at issue
 * (see stateVersion3.ts). Version 4 holds every previous token still valid as a list
 * (`previousTokens`), so a second renewal within a grace keeps the first predecessor; the one
 * previous token of version 3 becomes its only entry. Version 5 records the permissions the API
 * answered when the live token was issued (`issuedResources`), from which drift is measured; for
 * an older state the stored `resources` stand for them (what the state last took as the live ones).
 */
const UPGRADERS: ReadonlyArray<(state: Record<string, unknown>) => Record<string, unknown>> = [
    (state) => ({ ...state, stateVersion: 1 }),
    (state) => ({
        ...state,
        rotationCount: 0,
        rotationHistory: [],
        nextRotationAt: null,
        ...(state.previousTokenId !== undefined ? { previousTokenRetiredBy: "expiry" } : {}),
        stateVersion: 2,
    }),
    upgradeToVersion3,
    (state) => ({
        ...state,
        previousTokens:
            typeof state.previousTokenId === "number" && typeof state.previousTokenExpiresAt === "string"
                ? [
                      {
                          tokenId: state.previousTokenId,
                          expiresAt: state.previousTokenExpiresAt,
                          retiredBy: state.previousTokenRetiredBy ?? "expiry",
                      },
                  ]
                : [],
        stateVersion: 4,
    }),
    (state) => ({ ...state, issuedResources: Array.isArray(state.resources) ? state.resources : [], stateVersion: 5 }),
];

/** The stored outputs in the shape this release works with; refuses a state from a newer release. */
export function upgradeState<T extends Partial<ApiTokenState>>(stored: T): T {
    let state = stored as Record<string, unknown>;
    let version = typeof state.stateVersion === "number" ? state.stateVersion : 0;
    if (version > STATE_VERSION) {
        throw new Error(
            `mailtrap: this resource's state was written by a newer pulumi-mailtrap-tokens (state version ${version}; this one reads up to ${STATE_VERSION}): install that version or a later one`,
        );
    }
    while (version < STATE_VERSION) {
        state = UPGRADERS[version](state);
        version++;
    }
    return state as T;
}
