import { diffApiToken } from "../../provider/lifecycle/diff";
import { rotationCause } from "../../provider/lifecycle/renewalCause";
import { partsOf } from "../../provider/lifecycle/tokenState";
import { ApiTokenState } from "../../provider/types";
import { UNKNOWN_VALUE } from "../../provider/lifecycle/validation";

const DAY_MS = 86_400_000;
const ISSUED_AT = "2026-01-01T00:00:00.000Z";
const ISSUED_MS = Date.parse(ISSUED_AT);
/** One day after the token was issued: young for any rotateAfterDays above 1. */
const NOW = ISSUED_MS + DAY_MS;
const daysAfterIssue = (days: number) => ISSUED_MS + days * DAY_MS;

const RESOURCES = [
    { resourceType: "account" as const, resourceId: 42, accessLevel: "admin" as const },
    { resourceType: "inbox" as const, resourceId: 7, accessLevel: "viewer" as const },
];

/**
 * The outputs recorded for a live token without an expiry. Its expiry at issue is the live one unless
 * a test says otherwise (an expiry that moved from it is a reset made outside Pulumi).
 */
function olds(overrides: Partial<ApiTokenState> = {}): Partial<ApiTokenState> {
    const valueExpiresAt = "valueExpiresAt" in overrides ? (overrides.valueExpiresAt ?? null) : (overrides.expiresAt ?? null);
    return {
        issuedExpiresAt: valueExpiresAt,
        name: "ci-token",
        accountId: 42,
        resources: RESOURCES,
        expiresAt: null,
        tokenId: 1001,
        token: "secret-token-value",
        last4Digits: "alue",
        createdBy: "ci",
        issuedAt: ISSUED_AT,
        valueExpiresAt,
        ...overrides,
    };
}

/** Checked inputs matching `olds()`, with `overrides` applied (an `undefined` value removes the key). */
function news(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const inputs: Record<string, unknown> = { name: "ci-token", accountId: 42, resources: RESOURCES, ...overrides };
    for (const key of Object.keys(inputs)) {
        if (inputs[key] === undefined) {
            delete inputs[key];
        }
    }
    return inputs;
}

describe("diffApiToken", () => {
    describe("no change", () => {
        it("reports no change when the inputs match the outputs", () => {
            expect(diffApiToken(olds(), news(), NOW)).toMatchObject({ changes: false, replaces: [], notices: [], retiresPrevious: [] });
        });

        it("reports no change when rotate is unchanged", () => {
            const diff = diffApiToken(olds({ rotate: "v1" }), news({ rotate: "v1" }), NOW);
            expect(diff.changes).toBe(false);
        });

        it('treats rotate 1 and "1" as the same trigger', () => {
            const diff = diffApiToken(olds({ rotate: 1 }), news({ rotate: "1" }), NOW);
            expect(diff.changes).toBe(false);
        });

        it("treats rotate null and absent as the same (no trigger)", () => {
            const diff = diffApiToken(olds(), news({ rotate: null }), NOW);
            expect(diff.changes).toBe(false);
        });

        it("ignores outputs that are not inputs, such as tokenId and token", () => {
            const diff = diffApiToken(olds({ tokenId: 5, token: "other", last4Digits: "zzzz" }), news(), NOW);
            expect(diff.changes).toBe(false);
        });
    });

    describe("rotate", () => {
        test.each([
            ["set", undefined, "v1"],
            ["changed", "v1", "v2"],
            ["removed", "v1", undefined],
            ["changed from a number", 1, 2],
        ])("an update that rotates when rotate is %s", (_label, oldRotate, newRotate) => {
            const diff = diffApiToken(olds({ rotate: oldRotate as string | number | undefined }), news({ rotate: newRotate }), NOW);
            expect(diff.changes).toBe(true);
            expect(diff.replaces).toEqual([]);
            expect(diff.rotation).toEqual({ kind: "trigger" });
        });

        it("explains a trigger rotation in a notice naming the token", () => {
            const diff = diffApiToken(olds({ rotate: "v1" }), news({ rotate: "v2" }), NOW);
            expect(diff.notices).toHaveLength(1);
            expect(diff.notices[0]).toContain('"ci-token"');
            expect(diff.notices[0]).toMatch(/will rotate/);
            expect(diff.notices[0]).toMatch(/rotate trigger changed/);
        });
    });

    describe("replace inputs", () => {
        test.each([
            ["name", { name: "renamed" }],
            ["accountId", { accountId: 43 }],
            ["resources", { resources: [RESOURCES[0]] }],
            ["expiresAt", { expiresAt: "2027-01-01T00:00:00Z" }],
        ])("a change of %s is a replace naming that key", (key, overrides) => {
            const diff = diffApiToken(olds(), news(overrides), NOW);
            expect(diff.changes).toBe(true);
            expect(diff.replaces).toEqual([key]);
        });

        it("names every changed replace input", () => {
            const diff = diffApiToken(olds(), news({ name: "renamed", accountId: 43 }), NOW);
            expect(diff.replaces).toEqual(["name", "accountId"]);
        });

        it("a changed access level is a resources change", () => {
            const changed = [{ ...RESOURCES[0], accessLevel: "viewer" }, RESOURCES[1]];
            expect(diffApiToken(olds(), news({ resources: changed }), NOW).replaces).toEqual(["resources"]);
        });

        it("a change of resources from empty to one permission is a replace", () => {
            expect(diffApiToken(olds({ resources: [] }), news({ resources: [RESOURCES[0]] }), NOW).replaces).toEqual(["resources"]);
        });

        it("removing expiresAt is a replace", () => {
            const diff = diffApiToken(olds({ expiresAt: "2027-01-01T00:00:00.000Z" }), news({ expiresAt: undefined }), NOW);
            expect(diff.replaces).toEqual(["expiresAt"]);
        });

        it("a plain replace carries no notice (the engine's own diff shows it)", () => {
            expect(diffApiToken(olds(), news({ name: "renamed" }), NOW).notices).toEqual([]);
        });
    });

    describe("resources equivalence", () => {
        it("does not count a different order as a change", () => {
            const diff = diffApiToken(olds(), news({ resources: [RESOURCES[1], RESOURCES[0]] }), NOW);
            expect(diff.changes).toBe(false);
        });

        it('does not count resourceId 123 spelled "123" as a change', () => {
            const diff = diffApiToken(
                olds({ resources: [{ resourceType: "project", resourceId: 123, accessLevel: "admin" }] }),
                news({ resources: [{ resourceType: "project", resourceId: "123", accessLevel: "admin" }] }),
                NOW,
            );
            expect(diff.changes).toBe(false);
        });

        test.each([
            ["inbox", "sandbox"],
            ["sending_domain", "domain"],
        ])("does not count resourceType %s respelled %s (the API's rename) as a change", (older, today) => {
            const diff = diffApiToken(
                olds({ resources: [{ resourceType: older as "inbox", resourceId: 7, accessLevel: "viewer" }] }),
                news({ resources: [{ resourceType: today, resourceId: 7, accessLevel: "viewer" }] }),
                NOW,
            );
            expect(diff.changes).toBe(false);
        });

        it("counts a sandbox of another id as a change", () => {
            const diff = diffApiToken(
                olds({ resources: [{ resourceType: "inbox", resourceId: 7, accessLevel: "viewer" }] }),
                news({ resources: [{ resourceType: "sandbox", resourceId: 8, accessLevel: "viewer" }] }),
                NOW,
            );
            expect(diff.replaces).toEqual(["resources"]);
        });

        it("treats an omitted resources as equal to []", () => {
            const diff = diffApiToken(olds({ resources: [] }), news({ resources: undefined }), NOW);
            expect(diff.changes).toBe(false);
        });
    });

    describe("expiresAt equivalence", () => {
        test.each([
            ["with milliseconds", "2027-01-01T00:00:00.000Z", "2027-01-01T00:00:00Z"],
            ["with an offset", "2027-01-01T00:00:00.000Z", "2027-01-01T02:00:00+02:00"],
            ["in lower case", "2027-01-01T00:00:00.000Z", "2027-01-01t00:00:00z"],
        ])("does not count the same instant spelled %s as a change", (_label, oldValue, newValue) => {
            const diff = diffApiToken(olds({ expiresAt: oldValue }), news({ expiresAt: newValue }), NOW);
            expect(diff.changes).toBe(false);
        });

        it("treats an omitted expiresAt as equal to null", () => {
            expect(diffApiToken(olds({ expiresAt: null }), news({ expiresAt: undefined }), NOW).changes).toBe(false);
        });
    });

    describe("a replace together with a rotation", () => {
        it("is one replace holding only the replace input", () => {
            const diff = diffApiToken(olds({ rotate: "v1" }), news({ name: "renamed", rotate: "v2" }), NOW);
            expect(diff.changes).toBe(true);
            expect(diff.replaces).toEqual(["name"]);
        });

        it("is one replace holding only the replace input for a token with an expiry", () => {
            const expiresAt = "2027-01-01T00:00:00.000Z";
            const diff = diffApiToken(olds({ expiresAt, rotate: "v1" }), news({ expiresAt, name: "renamed", rotate: "v2" }), NOW);
            expect(diff.replaces).toEqual(["name"]);
        });

        it("notes that the replacement also renews the value", () => {
            const diff = diffApiToken(olds({ rotate: "v1" }), news({ name: "renamed", rotate: "v2" }), NOW);
            expect(diff.notices).toHaveLength(1);
            expect(diff.notices[0]).toMatch(/replaced/);
        });
    });

    describe("rotateAfterDays", () => {
        it("reports no change for a token younger than rotateAfterDays", () => {
            const diff = diffApiToken(olds({ rotateAfterDays: 30 }), news({ rotateAfterDays: 30 }), daysAfterIssue(10));
            expect(diff).toMatchObject({ changes: false, replaces: [], notices: [], retiresPrevious: [] });
        });

        it("rotates a token older than rotateAfterDays, as an update", () => {
            const diff = diffApiToken(olds({ rotateAfterDays: 30 }), news({ rotateAfterDays: 30 }), daysAfterIssue(40));
            expect(diff.changes).toBe(true);
            expect(diff.replaces).toEqual([]);
            expect(diff.rotation).toEqual({ kind: "age", ageDays: 40, rotateAfterDays: 30 });
        });

        it("measures the age against the now argument, not the real clock", () => {
            const young = diffApiToken(olds({ rotateAfterDays: 30 }), news({ rotateAfterDays: 30 }), daysAfterIssue(29));
            const old = diffApiToken(olds({ rotateAfterDays: 30 }), news({ rotateAfterDays: 30 }), daysAfterIssue(31));
            expect(young.changes).toBe(false);
            expect(old.changes).toBe(true);
        });

        it("explains an age rotation with a notice naming the token, its age in days and rotateAfterDays", () => {
            const diff = diffApiToken(olds({ rotateAfterDays: 30 }), news({ rotateAfterDays: 30 }), daysAfterIssue(40));
            expect(diff.notices).toHaveLength(1);
            const [notice] = diff.notices;
            expect(notice).toContain('"ci-token"');
            expect(notice).toContain("1001");
            expect(notice).toMatch(/40(\.0)? days old/);
            expect(notice).toMatch(/rotateAfterDays is 30/);
        });

        it("reports no change when only rotateAfterDays changes and rotation is not due", () => {
            const diff = diffApiToken(olds({ rotateAfterDays: 90 }), news({ rotateAfterDays: 60 }), daysAfterIssue(10));
            expect(diff.changes).toBe(false);
        });

        it("reports no change when rotateAfterDays is newly set and rotation is not due", () => {
            const diff = diffApiToken(olds(), news({ rotateAfterDays: 60 }), daysAfterIssue(10));
            expect(diff.changes).toBe(false);
        });

        it("rotates when lowering rotateAfterDays makes rotation due", () => {
            const diff = diffApiToken(olds({ rotateAfterDays: 90 }), news({ rotateAfterDays: 30 }), daysAfterIssue(40));
            expect(diff.rotation).toMatchObject({ kind: "age", rotateAfterDays: 30 });
        });

        it("does not rotate by age when rotateAfterDays is removed", () => {
            const diff = diffApiToken(olds({ rotateAfterDays: 30 }), news(), daysAfterIssue(400));
            expect(diff.changes).toBe(false);
        });

        it("does not rotate by age when no issuedAt is recorded", () => {
            const diff = diffApiToken(
                olds({ issuedAt: undefined, rotateAfterDays: 30 }),
                news({ rotateAfterDays: 30 }),
                daysAfterIssue(400),
            );
            expect(diff.changes).toBe(false);
        });
    });

    describe("a token with an expiry that must rotate", () => {
        const expiresAt = "2027-01-01T00:00:00.000Z";

        it("is an update (a new token is issued in it), not a replacement, when the trigger changes", () => {
            const diff = diffApiToken(olds({ expiresAt, rotate: "v1" }), news({ expiresAt, rotate: "v2" }), NOW);
            expect(diff.changes).toBe(true);
            expect(diff.replaces).toEqual([]);
            expect(diff.rotation).toEqual({ kind: "trigger" });
        });

        it("is an update when it is old enough", () => {
            const diff = diffApiToken(
                olds({ expiresAt, rotateAfterDays: 30 }),
                news({ expiresAt, rotateAfterDays: 30 }),
                daysAfterIssue(40),
            );
            expect(diff.changes).toBe(true);
            expect(diff.replaces).toEqual([]);
            expect(diff.rotation).toMatchObject({ kind: "age" });
        });

        it("says in a notice that it will rotate and why", () => {
            const diff = diffApiToken(olds({ expiresAt, rotate: "v1" }), news({ expiresAt, rotate: "v2" }), NOW);
            expect(diff.notices).toHaveLength(1);
            expect(diff.notices[0]).toMatch(/will rotate: its rotate trigger changed/);
        });

        it("is not rotated when young and unchanged", () => {
            const diff = diffApiToken(olds({ expiresAt, rotateAfterDays: 30 }), news({ expiresAt, rotateAfterDays: 30 }), NOW);
            expect(diff.changes).toBe(false);
        });
    });

    describe("a token reset outside Pulumi: its live expiry moved from the one recorded at issue", () => {
        const movedTo = "2026-01-03T00:00:00.000Z";

        it("rotates a token issued without expiry whose live token now has one", () => {
            const diff = diffApiToken(olds({ valueExpiresAt: movedTo, issuedExpiresAt: null }), news(), NOW);
            expect(diff.changes).toBe(true);
            expect(diff.replaces).toEqual([]);
            expect(diff.rotation).toEqual({ kind: "reset-outside", valueExpiresAt: movedTo });
        });

        it("rotates a token issued with an expiry whose live expiry moved earlier", () => {
            const issued = "2026-04-01T00:00:00.000Z";
            const diff = diffApiToken(
                olds({ expiresInDays: 90, valueExpiresAt: movedTo, issuedExpiresAt: issued }),
                news({ expiresInDays: 90 }),
                NOW,
            );
            expect(diff.rotation).toEqual({ kind: "reset-outside", valueExpiresAt: movedTo });
        });

        it("explains the out-of-band reset in a notice naming the moved expiry", () => {
            const diff = diffApiToken(olds({ valueExpiresAt: movedTo, issuedExpiresAt: null }), news(), NOW);
            expect(diff.notices).toHaveLength(1);
            expect(diff.notices[0]).toMatch(/reset outside Pulumi/);
            expect(diff.notices[0]).toContain(movedTo);
        });

        it("does not take an expiry the token was issued with for a reset outside", () => {
            const oneYear = "2027-01-01T00:00:00.000Z";
            const diff = diffApiToken(olds({ valueExpiresAt: oneYear, issuedExpiresAt: oneYear }), news(), NOW);
            expect(diff.rotation?.kind).not.toBe("reset-outside");
        });

        it("compares instants, not spellings: whole seconds and a +00:00 offset are the same expiry", () => {
            const diff = diffApiToken(
                olds({
                    expiresAt: "2027-01-01T00:00:00Z",
                    valueExpiresAt: "2027-01-01T00:00:00+00:00",
                    issuedExpiresAt: "2027-01-01T00:00:00.400Z",
                }),
                news({ expiresAt: "2027-01-01T00:00:00.000Z" }),
                NOW,
            );
            expect(diff.changes).toBe(false);
        });
    });

    describe("a live expiry other than the one the program declares is renewed with the declared one", () => {
        it("renews a token declared without expiry that has one (a one-year default)", () => {
            const oneYear = "2027-01-01T00:00:00.000Z";
            const diff = diffApiToken(olds({ valueExpiresAt: oneYear }), news(), NOW);
            expect(diff.changes).toBe(true);
            expect(diff.rotation).toMatchObject({ kind: "expiry-mismatch" });
            expect(diff.notices[0]).toMatch(
                /will rotate: it expires 2027-01-01T00:00:00.000Z, but the program declares no expiry: renewed with the declared expiry/,
            );
        });

        it("renews a token whose expiry is another instant than the declared expiresAt", () => {
            const diff = diffApiToken(
                olds({ expiresAt: "2027-06-01T00:00:00.000Z", valueExpiresAt: "2027-06-01T00:00:05.000Z" }),
                news({ expiresAt: "2027-06-01T00:00:00.000Z" }),
                NOW,
            );
            expect(diff.rotation).toMatchObject({ kind: "expiry-mismatch" });
        });

        it("renews a rolling token that never expires", () => {
            const diff = diffApiToken(olds({ expiresInDays: 30, valueExpiresAt: null }), news({ expiresInDays: 30 }), NOW);
            expect(diff.rotation).toMatchObject({ kind: "expiry-mismatch" });
        });

        it("renews a rolling token whose expiry lies later than issuedAt + expiresInDays (the lifetime was lowered)", () => {
            const ninety = new Date(daysAfterIssue(90)).toISOString();
            const diff = diffApiToken(olds({ expiresInDays: 90, valueExpiresAt: ninety }), news({ expiresInDays: 30 }), NOW);
            expect(diff.rotation).toMatchObject({ kind: "expiry-mismatch" });
        });

        it("keeps a rolling token whose expiry lies within its lifetime (the lifetime was raised)", () => {
            const thirty = new Date(daysAfterIssue(30)).toISOString();
            const diff = diffApiToken(olds({ expiresInDays: 30, valueExpiresAt: thirty }), news({ expiresInDays: 90 }), NOW);
            expect(diff.changes).toBe(false);
        });
    });

    describe("values unknown during preview", () => {
        test.each(["name", "accountId", "resources", "expiresAt"])("an unknown %s is a replace naming it", (key) => {
            const diff = diffApiToken(olds(), news({ [key]: UNKNOWN_VALUE }), NOW);
            expect(diff.changes).toBe(true);
            expect(diff.replaces).toEqual([key]);
        });

        it("an unknown permission inside resources is a resources replace", () => {
            const diff = diffApiToken(olds(), news({ resources: [RESOURCES[0], UNKNOWN_VALUE] }), NOW);
            expect(diff.replaces).toEqual(["resources"]);
        });

        it("an unknown rotate is a rotation", () => {
            const diff = diffApiToken(olds({ rotate: "v1" }), news({ rotate: UNKNOWN_VALUE }), NOW);
            expect(diff.changes).toBe(true);
            expect(diff.replaces).toEqual([]);
            expect(diff.rotation).toEqual({ kind: "trigger" });
        });

        it("an unknown rotate where none was set before is a rotation", () => {
            const diff = diffApiToken(olds(), news({ rotate: UNKNOWN_VALUE }), NOW);
            expect(diff.rotation).toEqual({ kind: "trigger" });
        });
    });
});

describe("a token recorded without a value (a create that did not finish)", () => {
    it("rotates at the next update", () => {
        const diff = diffApiToken(olds({ token: "" }), news(), NOW);
        expect(diff).toMatchObject({ changes: true, replaces: [], rotation: { kind: "no-value" } });
    });

    it("is renewed in an update when it has an expiry (a new token: it cannot be reset)", () => {
        const expiresAt = "2027-01-01T00:00:00.000Z";
        const diff = diffApiToken(olds({ token: "", expiresAt }), news({ expiresAt }), NOW);
        expect(diff).toMatchObject({ changes: true, replaces: [], rotation: { kind: "no-value" } });
    });

    it("is not an adopted token, whose value is empty until its first rotation", () => {
        expect(diffApiToken(olds({ token: "", adoptTokenId: 1001 }), news(), NOW).changes).toBe(false);
    });
});

describe("rotationCause", () => {
    it("is undefined when nothing calls for a rotation", () => {
        expect(rotationCause(partsOf(olds({ rotateAfterDays: 30 })), news({ rotateAfterDays: 30 }), NOW)).toBeUndefined();
    });

    it("prefers a trigger change over age", () => {
        const cause = rotationCause(partsOf(olds({ rotate: "v1" })), news({ rotate: "v2", rotateAfterDays: 30 }), daysAfterIssue(40));
        expect(cause).toEqual({ kind: "trigger" });
    });

    it("reports the age in days and the limit", () => {
        const cause = rotationCause(partsOf(olds()), news({ rotateAfterDays: 7 }), daysAfterIssue(7.5));
        expect(cause).toEqual({ kind: "age", ageDays: 7.5, rotateAfterDays: 7 });
    });
});
