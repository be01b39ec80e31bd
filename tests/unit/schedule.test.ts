import { diffApiToken } from "../../provider/lifecycle/diff";
import {
    defaultRotateAfterDays,
    expiryForNewToken,
    expiryWarning,
    nextRotationMs,
    retirementsDue,
    withRenewal,
} from "../../provider/lifecycle/schedule";
import { partsOf } from "../../provider/lifecycle/tokenState";
import { checkApiTokenInputs } from "../../provider/lifecycle/validation";
import { ApiTokenState, RotationRecord } from "../../provider/types";

/**
 * Rolling expiry and the rotation policy as rules of time: what is due when, what a preview says,
 * and what check refuses. No API, no host.
 */
const DAY_MS = 86_400_000;
const T0 = Date.parse("2030-01-01T00:00:00.000Z");
const at = (days: number) => T0 + days * DAY_MS;
const iso = (ms: number) => new Date(ms).toISOString();

/** A 90-day rolling token issued at T0. */
function rolling(overrides: Partial<ApiTokenState> = {}): Partial<ApiTokenState> {
    const valueExpiresAt = overrides.valueExpiresAt ?? iso(at(90));
    return {
        issuedExpiresAt: valueExpiresAt,
        name: "ci",
        accountId: 3229,
        resources: [],
        expiresAt: null,
        expiresInDays: 90,
        tokenId: 40001,
        token: "value",
        last4Digits: "alue",
        issuedAt: iso(T0),
        valueExpiresAt,
        rotationCount: 0,
        rotationHistory: [],
        ...overrides,
    };
}

describe("the renewal window", () => {
    it.each([
        [90, 75],
        [30, 25],
        [7, 6],
        [6, 3],
        [5, 2.5],
        [2, 1],
        [1, 0.5],
        [1826, 1522],
    ])(
        "defaults rotateAfterDays for expiresInDays %i to %p (a sixth less, at least a day; half of a lifetime under a week)",
        (lifetime, expected) => {
            expect(defaultRotateAfterDays(lifetime)).toBe(expected);
        },
    );

    it("renews a 90-day token 75 days after issue", () => {
        expect(nextRotationMs({ expiresInDays: 90 }, { issuedAt: T0, valueExpiresAt: iso(at(90)) })).toBe(at(75));
    });

    it("renews an adopted token that expires sooner than its age suggests, the same window before its expiry", () => {
        expect(nextRotationMs({ expiresInDays: 90 }, { issuedAt: T0, valueExpiresAt: iso(at(30)), adopted: true })).toBe(at(15));
    });

    it("keeps a live token's own schedule when expiresInDays is raised: the new lifetime applies at the next renewal", () => {
        const issued90 = { issuedAt: T0, valueExpiresAt: iso(at(90)), issuedExpiresAt: iso(at(90)) };
        expect(nextRotationMs({ expiresInDays: 180 }, issued90)).toBe(at(75));
        expect(nextRotationMs({ expiresInDays: 180, rotateAfterDays: 60 }, issued90)).toBe(at(60));
    });

    it("has no next rotation without a schedule", () => {
        expect(nextRotationMs({}, { issuedAt: T0, valueExpiresAt: null })).toBeNull();
        expect(nextRotationMs({ expiresAt: iso(at(100)) }, { issuedAt: T0, valueExpiresAt: iso(at(100)) })).toBeNull();
    });

    it("issues a rolling token expiring expiresInDays after now, and a fixed one at its expiresAt", () => {
        expect(expiryForNewToken({ expiresInDays: 90 }, at(10))).toBe(iso(at(100)));
        expect(expiryForNewToken({ expiresAt: "2031-01-01T00:00:00Z" }, at(10))).toBe("2031-01-01T00:00:00Z");
        expect(expiryForNewToken({}, at(10))).toBeNull();
    });
});

describe("a 90-day rolling token in preview", () => {
    const news = { name: "ci", accountId: 3229, resources: [], expiresInDays: 90 };
    /** The Pulumi resource, as a face names it. */
    const resource = { name: "ci-sending" };

    it("shows no change before day 75", () => {
        expect(diffApiToken(rolling(), news, at(74.9), resource).changes).toBe(false);
    });

    it("is renewed in an update after day 75, saying its age, the time left and the new lifetime", () => {
        const diff = diffApiToken(rolling(), news, at(76), resource);
        expect(diff).toMatchObject({ changes: true, replaces: [], rotation: { kind: "age" } });
        expect(diff.notices).toEqual([
            'mailtrap: ApiToken "ci-sending" (Mailtrap token "ci" 40001) will rotate: it is 76.0 days old, expires in 14.0 days: renewed with a new 90-day token',
        ]);
    });

    it("after its expiry, is renewed for the cause expiry", () => {
        expect(diffApiToken(rolling(), news, at(91), resource).rotation).toEqual({ kind: "expiry", expiredAt: iso(at(90)) });
    });

    it("a raised expiresInDays alone is no change, and the preview says when it applies", () => {
        const diff = diffApiToken(rolling(), { ...news, expiresInDays: 120 }, at(10), resource);
        expect(diff.changes).toBe(false);
        expect(diff.notices).toEqual([
            `mailtrap: ApiToken "ci-sending" (Mailtrap token "ci" 40001): expiresInDays changed from 90 to 120; the new lifetime applies at the next renewal, due ${iso(at(75))}`,
        ]);
    });

    it("a lowered expiresInDays renews a token that would outlive it, saying so", () => {
        const diff = diffApiToken(rolling(), { ...news, expiresInDays: 30 }, at(10), resource);
        expect(diff).toMatchObject({ changes: true, rotation: { kind: "expiry-mismatch" } });
        expect(diff.notices).toEqual([
            `mailtrap: ApiToken "ci-sending" (Mailtrap token "ci" 40001) will rotate: it expires ${iso(at(90))}, later than 30 days after it was issued (${iso(at(30))}): renewed with the declared expiry`,
        ]);
    });

    it("retires a renewed predecessor at the first update after its grace, saying so", () => {
        const olds = rolling({ previousTokens: [{ tokenId: 40000, expiresAt: iso(at(0.5)), retiredBy: "delete" }] });
        expect(retirementsDue(partsOf(olds).previous, at(0.4))).toEqual([]);
        const diff = diffApiToken(olds, news, at(1), resource);
        expect(diff).toMatchObject({ changes: true, replaces: [], retiresPrevious: [40000] });
        expect(diff.notices).toEqual([
            'mailtrap: ApiToken "ci-sending" (Mailtrap token "ci" 40001) retires previous token 40000, grace ended: it is deleted',
        ]);
    });

    it("never retires a reset's predecessor: the API expires it", () => {
        const olds = rolling({ previousTokens: [{ tokenId: 40000, expiresAt: iso(at(0.5)), retiredBy: "expiry" }] });
        expect(retirementsDue(partsOf(olds).previous, at(1))).toEqual([]);
    });
});

describe("the expiry warning", () => {
    it("names a token with a fixed expiresAt within 14 days", () => {
        const olds = rolling({ expiresInDays: undefined, expiresAt: iso(at(20)), valueExpiresAt: iso(at(20)) });
        expect(expiryWarning(partsOf(olds).live, { expiresAt: iso(at(20)) }, at(10), "ApiToken x")).toBe(
            `ApiToken x expires in 10.0 days (${iso(at(20))}); a fixed expiresAt is not extended by rotation: set a later expiresAt, or use expiresInDays`,
        );
        expect(expiryWarning(partsOf(olds).live, { expiresAt: iso(at(20)) }, at(5), "ApiToken x")).toBeUndefined();
    });

    it("names a rolling token whose rotateAfterDays falls after its expiry", () => {
        const olds = rolling({ adoptTokenId: 1, valueExpiresAt: iso(at(20)) });
        expect(expiryWarning(partsOf(olds).live, { expiresInDays: 90, rotateAfterDays: 89 }, at(10), "ApiToken x")).toBeUndefined();
        const late = rolling({ valueExpiresAt: iso(at(20)) });
        expect(
            nextRotationMs({ expiresInDays: 90, rotateAfterDays: 89 }, { issuedAt: T0, valueExpiresAt: late.valueExpiresAt }),
        ).toBeLessThan(at(20));
    });

    it("is silent for a rolling token renewed on schedule", () => {
        expect(expiryWarning(partsOf(rolling()).live, { expiresInDays: 90 }, at(80), "ApiToken x")).toBeUndefined();
    });
});

describe("rotation evidence", () => {
    const record = (id: number): RotationRecord => ({ tokenId: id, last4Digits: "abcd", issuedAt: iso(at(id)), cause: "age" });

    it("counts renewals and keeps the last 10, newest first", () => {
        let evidence = { rotationCount: 0, rotationHistory: [record(0)] };
        for (let i = 1; i <= 12; i++) {
            evidence = withRenewal(evidence, record(i));
        }
        expect(evidence.rotationCount).toBe(12);
        expect(evidence.rotationHistory.map((r) => r.tokenId)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    });
});

describe("check of expiresInDays", () => {
    const failures = (news: Record<string, unknown>) =>
        checkApiTokenInputs({}, { name: "ci", accountId: 3229, ...news }, { now: T0 }).failures;

    it.each([0, 1827, 1.5, "90", -3])("refuses expiresInDays %p, saying what is allowed", (value) => {
        expect(failures({ expiresInDays: value })).toEqual([
            { property: "expiresInDays", reason: expect.stringMatching(/whole number of days from 1 to 1826/) },
        ]);
    });

    it("refuses expiresInDays together with expiresAt, naming both", () => {
        expect(failures({ expiresInDays: 90, expiresAt: iso(at(30)) })).toEqual([
            { property: "expiresInDays", reason: expect.stringMatching(/cannot be given together with expiresAt/) },
        ]);
    });

    it("refuses rotateAfterDays at or above expiresInDays, naming both and the default", () => {
        expect(failures({ expiresInDays: 90, rotateAfterDays: 90 })).toEqual([
            { property: "rotateAfterDays", reason: expect.stringMatching(/less than expiresInDays \(90\), got 90.*default, 75/) },
        ]);
    });

    it("accepts a rolling token with or without rotateAfterDays", () => {
        expect(failures({ expiresInDays: 90 })).toEqual([]);
        expect(failures({ expiresInDays: 90, rotateAfterDays: 60 })).toEqual([]);
    });
});
