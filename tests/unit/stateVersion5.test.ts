import { STATE_VERSION, upgradeState } from "../../provider/lifecycle/stateVersion";
import { ApiTokenState } from "../../provider/types";

const PERMISSIONS: ApiTokenState["resources"] = [
    { resourceType: "project", resourceId: 42, accessLevel: "viewer" },
    { resourceType: "inbox", resourceId: 7, accessLevel: "admin" },
];

/** Version 5 records the permissions the API answered at issue (`issuedResources`), from which drift is measured. */
const version4 = (overrides: Partial<ApiTokenState> = {}): Partial<ApiTokenState> => ({
    name: "ci-sending",
    accountId: 3229,
    resources: PERMISSIONS,
    expiresAt: null,
    tokenId: 1005,
    token: "value",
    issuedAt: "2031-03-01T09:00:00.000Z",
    valueExpiresAt: null,
    issuedExpiresAt: null,
    previousTokens: [],
    rotationCount: 1,
    rotationHistory: [],
    nextRotationAt: null,
    stateVersion: 4,
    ...overrides,
});

describe("state version 5: the permissions the API answered at issue", () => {
    it("is what this release writes", () => {
        expect(STATE_VERSION).toBe(5);
        expect(upgradeState(version4()).stateVersion).toBe(5);
    });

    it("takes the stored resources as the permissions answered at issue", () => {
        expect(upgradeState(version4()).issuedResources).toEqual(PERMISSIONS);
    });

    it("gives a state without resources an empty record", () => {
        const { resources: _omitted, ...withoutResources } = version4();
        expect(upgradeState(withoutResources).issuedResources).toEqual([]);
    });

    it("leaves a version 5 state as it is", () => {
        const current = { ...version4(), issuedResources: [PERMISSIONS[0]], stateVersion: 5 };
        expect(upgradeState(current)).toEqual(current);
    });
});
