import { STATE_VERSION, upgradeState } from "../../provider/lifecycle/stateVersion";
import { rotationCause } from "../../provider/lifecycle/renewalCause";
import { retirementsDue } from "../../provider/lifecycle/schedule";
import { partsOf } from "../../provider/lifecycle/tokenState";
import { ApiTokenState } from "../../provider/types";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const ROTATED_AT = Date.parse("2026-06-01T10:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** Outputs as 0.2.0 (state version 2) wrote them for a token declared without expiry. */
function version2(overrides: Partial<ApiTokenState> = {}): Partial<ApiTokenState> {
    return {
        name: "ci-sending",
        accountId: 3229,
        resources: [],
        expiresAt: null,
        tokenId: 1004,
        token: "value",
        issuedAt: iso(ROTATED_AT),
        valueExpiresAt: null,
        rotationCount: 1,
        rotationHistory: [],
        nextRotationAt: null,
        stateVersion: 2,
        ...overrides,
    } as Partial<ApiTokenState>;
}

describe("state version 3: the expiry recorded at issue", () => {
    it("is upgraded on to what this release writes", () => {
        expect(upgradeState(version2()).stateVersion).toBe(STATE_VERSION);
    });

    it("is none for a token without expiry", () => {
        expect(upgradeState(version2()).issuedExpiresAt).toBeNull();
    });

    it("is the live expiry of a token declared with one (version 2 never reset such a token)", () => {
        const expiry = iso(ROTATED_AT + 90 * DAY_MS);
        expect(upgradeState(version2({ expiresInDays: 90, valueExpiresAt: expiry })).issuedExpiresAt).toBe(expiry);
    });

    it("is the one-year expiry of a successor that version 2's reset left to the API's default, so it is the stack's own token", () => {
        const oneYear = iso(ROTATED_AT + 365 * DAY_MS + 3_000);
        const upgraded = upgradeState(version2({ valueExpiresAt: oneYear }));
        expect(upgraded.issuedExpiresAt).toBe(oneYear);
        // Not a reset made outside: the next up renews it to the declared expiry (none).
        expect(rotationCause(partsOf(upgraded), { name: "ci-sending" }, ROTATED_AT + DAY_MS)).toMatchObject({ kind: "expiry-mismatch" });
    });

    it("is none when the live expiry is an outside reset's end of grace, which is still told as a reset made outside", () => {
        const endOfGrace = iso(ROTATED_AT + 20 * DAY_MS + 12 * HOUR_MS);
        const upgraded = upgradeState(version2({ valueExpiresAt: endOfGrace }));
        expect(upgraded.issuedExpiresAt).toBeNull();
        expect(rotationCause(partsOf(upgraded), { name: "ci-sending" }, ROTATED_AT + 21 * DAY_MS)).toMatchObject({ kind: "reset-outside" });
    });
});

describe("state version 3: a leaked one-year successor held as a previous token", () => {
    // 0.2.0 took its own reset successor (expiring in a year) for a reset made outside, issued
    // another token, and kept the successor as a previous token "retired by expiry".
    const leaked = version2({
        tokenId: 1006,
        issuedAt: iso(ROTATED_AT + DAY_MS),
        previousTokenId: 1005,
        previousTokenExpiresAt: iso(ROTATED_AT + 365 * DAY_MS),
        previousTokenRetiredBy: "expiry",
    });

    it("becomes a previous token to delete, its grace counted from its successor's issue", () => {
        const upgraded = upgradeState(leaked);
        expect(upgraded).toMatchObject({
            previousTokenId: 1005,
            previousTokenRetiredBy: "delete",
            previousTokenExpiresAt: iso(ROTATED_AT + DAY_MS + 12 * HOUR_MS),
        });
        expect(retirementsDue(partsOf(upgraded).previous, ROTATED_AT + 2 * DAY_MS)).toHaveLength(1);
    });

    it("leaves a reset's previous token in its grace as it is: the API expires it", () => {
        const reset = version2({
            previousTokenId: 1003,
            previousTokenExpiresAt: iso(ROTATED_AT + 12 * HOUR_MS),
            previousTokenRetiredBy: "expiry",
        });
        expect(upgradeState(reset)).toMatchObject({
            previousTokenRetiredBy: "expiry",
            previousTokenExpiresAt: iso(ROTATED_AT + 12 * HOUR_MS),
        });
    });
});
