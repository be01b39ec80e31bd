/** checkApiTokenInputs on expiresAt: a time in the future and at most 5 years ahead, or null for no expiry. */
import { NOW, DAY_MS, iso, failuresFor, propertiesOf, reasonFor } from "./support";

describe("checkApiTokenInputs", () => {
    describe("expiresAt", () => {
        const future = iso(NOW + 30 * DAY_MS);

        test.each([
            ["an ISO date-time in UTC", "2026-06-01T00:00:00Z"],
            ["an ISO date-time with milliseconds", "2026-06-01T00:00:00.000Z"],
            ["an ISO date-time with an offset", "2026-06-01T02:00:00+02:00"],
            ["an ISO date-time without seconds", "2026-06-01T00:00Z"],
        ])("accepts %s", (_label, expiresAt) => {
            expect(failuresFor({ expiresAt })).toEqual([]);
        });

        test.each([
            ["not a date", "next tuesday"],
            ["a date without time", "2026-06-01"],
            ["a date-time without a time zone", "2026-06-01T00:00:00"],
            ["a non-ISO date", "06/01/2026"],
            ["an RFC 2822 date", "Mon, 01 Jun 2026 00:00:00 GMT"],
            ["a number", NOW + DAY_MS],
            ["an impossible date", "2026-13-45T00:00:00Z"],
            ["a day the month does not have", "2026-02-30T00:00:00Z"],
            ["an hour past 23", "2026-06-01T24:30:00Z"],
            ["an offset without a colon", "2026-06-01T00:00:00+0100"],
        ])("rejects %s, saying it must be an ISO 8601 date-time with a time zone", (_label, expiresAt) => {
            const failures = failuresFor({ expiresAt });
            expect(propertiesOf(failures)).toEqual(["expiresAt"]);
            expect(reasonFor(failures, "expiresAt")).toMatch(/ISO 8601 date-time with a time zone/);
        });

        it("rejects a time in the past, saying it must be in the future", () => {
            const failures = failuresFor({ expiresAt: iso(NOW - DAY_MS) });
            expect(propertiesOf(failures)).toEqual(["expiresAt"]);
            expect(reasonFor(failures, "expiresAt")).toMatch(/in the future/);
        });

        it("rejects the current instant, saying it must be in the future", () => {
            const failures = failuresFor({ expiresAt: iso(NOW) });
            expect(reasonFor(failures, "expiresAt")).toMatch(/in the future/);
        });

        it("rejects a time more than 5 years ahead, saying the limit", () => {
            const failures = failuresFor({ expiresAt: iso(NOW + 5 * 366 * DAY_MS) });
            expect(propertiesOf(failures)).toEqual(["expiresAt"]);
            expect(reasonFor(failures, "expiresAt")).toMatch(/at most 5 calendar years ahead/);
        });

        it("rejects a time within 5 × 365.25 days but past five calendar years, as the API counts them", () => {
            const fiveCalendarYears = Date.UTC(new Date(NOW).getUTCFullYear() + 5, new Date(NOW).getUTCMonth(), new Date(NOW).getUTCDate());
            const failures = failuresFor({ expiresAt: iso(fiveCalendarYears + 6 * 3_600_000) });
            expect(fiveCalendarYears + 6 * 3_600_000).toBeLessThanOrEqual(NOW + 5 * 365.25 * DAY_MS);
            expect(reasonFor(failures, "expiresAt")).toMatch(/at most 5 calendar years ahead/);
        });

        it("accepts a time just under 5 years ahead", () => {
            expect(failuresFor({ expiresAt: iso(NOW + 5 * 365 * DAY_MS) })).toEqual([]);
        });

        it("accepts a past value unchanged from the old inputs", () => {
            const past = iso(NOW - DAY_MS);
            expect(failuresFor({ expiresAt: past }, { olds: { expiresAt: past } })).toEqual([]);
        });

        it("rejects a past value that differs from the old inputs", () => {
            const failures = failuresFor({ expiresAt: iso(NOW - DAY_MS) }, { olds: { expiresAt: iso(NOW - 2 * DAY_MS) } });
            expect(reasonFor(failures, "expiresAt")).toMatch(/in the future/);
        });

        it("accepts a future value", () => {
            expect(failuresFor({ expiresAt: future })).toEqual([]);
        });

        it("accepts null as no expiry", () => {
            expect(failuresFor({ expiresAt: null })).toEqual([]);
        });
    });
});
