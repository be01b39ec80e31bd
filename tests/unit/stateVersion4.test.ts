import { STATE_VERSION, upgradeState } from "../../provider/lifecycle/stateVersion";
import { ApiTokenState } from "../../provider/types";

/** Version 4 holds every previous token still valid as a list: version 3's one previous token becomes its only entry. */
const version3 = (overrides: Partial<ApiTokenState> = {}): Partial<ApiTokenState> => ({
    name: "ci-sending",
    accountId: 3229,
    resources: [],
    expiresAt: null,
    tokenId: 1005,
    token: "value",
    issuedAt: "2031-03-01T09:00:00.000Z",
    valueExpiresAt: null,
    issuedExpiresAt: null,
    rotationCount: 1,
    rotationHistory: [],
    nextRotationAt: null,
    stateVersion: 3,
    ...overrides,
});

describe("state version 4: every previous token still valid, as a list", () => {
    it("is read by this release, which writes a later version", () => {
        expect(STATE_VERSION).toBeGreaterThan(4);
        expect(upgradeState(version3()).stateVersion).toBe(STATE_VERSION);
    });

    it("turns version 3's previous token into the list's only entry, keeping how it ends", () => {
        const upgraded = upgradeState(
            version3({ previousTokenId: 1002, previousTokenExpiresAt: "2031-03-01T21:00:00.000Z", previousTokenRetiredBy: "delete" }),
        );
        expect(upgraded.previousTokens).toEqual([{ tokenId: 1002, expiresAt: "2031-03-01T21:00:00.000Z", retiredBy: "delete" }]);
        expect(upgraded.previousTokenId).toBe(1002);
    });

    it("gives a state without a previous token an empty list", () => {
        expect(upgradeState(version3()).previousTokens).toEqual([]);
    });
});
