import { CheckFailure, UNKNOWN_VALUE, checkApiTokenInputs } from "../../provider/lifecycle/validation";

const NOW = Date.parse("2026-01-01T00:00:00Z");
const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

const VALID: Record<string, unknown> = {
    name: "ci-token",
    accountId: 42,
    resources: [
        { resourceType: "account", resourceId: 42, accessLevel: "admin" },
        { resourceType: "project", resourceId: "7", accessLevel: "viewer" },
    ],
    expiresAt: "2026-06-01T00:00:00Z",
    rotate: "2026-q1",
    rotateAfterDays: 90,
    adoptTokenId: 1234,
};

interface Options {
    olds?: Record<string, unknown>;
    defaultAccountId?: number;
}

function check(news: Record<string, unknown>, options: Options = {}) {
    return checkApiTokenInputs(options.olds ?? {}, news, { defaultAccountId: options.defaultAccountId, now: NOW });
}

/** The inputs of a minimal valid token with `overrides` applied (an `undefined` value removes the key). */
function withInputs(overrides: Record<string, unknown>): Record<string, unknown> {
    const news: Record<string, unknown> = { name: "ci-token", accountId: 42, ...overrides };
    for (const key of Object.keys(news)) {
        if (news[key] === undefined) {
            delete news[key];
        }
    }
    return news;
}

function failuresFor(overrides: Record<string, unknown>, options?: Options): CheckFailure[] {
    return check(withInputs(overrides), options).failures;
}

function propertiesOf(failures: CheckFailure[]): string[] {
    return failures.map((f) => f.property);
}

function reasonFor(failures: CheckFailure[], property: string): string {
    const failure = failures.find((f) => f.property === property);
    if (!failure) {
        throw new Error(`expected a failure for ${property}, got ${JSON.stringify(failures)}`);
    }
    return failure.reason;
}

function permission(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { resourceType: "inbox", resourceId: 5, accessLevel: "viewer", ...overrides };
}

describe("checkApiTokenInputs", () => {
    describe("a fully valid input set", () => {
        it("gives no failures", () => {
            expect(check(VALID).failures).toEqual([]);
        });

        it("records the inputs as given", () => {
            expect(check(VALID).inputs).toEqual(VALID);
        });

        it("accepts only the required name and accountId", () => {
            expect(check({ name: "ci-token", accountId: 42 }).failures).toEqual([]);
        });

        it("does not modify the inputs object it was given", () => {
            const news = { name: "ci-token" };
            check(news, { defaultAccountId: 42 });
            expect(news).toEqual({ name: "ci-token" });
        });
    });

    describe("name", () => {
        it("rejects a missing name, naming the property and the allowed length", () => {
            const failures = failuresFor({ name: undefined });
            expect(propertiesOf(failures)).toEqual(["name"]);
            expect(reasonFor(failures, "name")).toMatch(/required.*string of 1 to 255 characters/);
        });

        test.each([
            ["a number", 42],
            ["a boolean", true],
            ["an object", { value: "x" }],
            ["a list", ["x"]],
            ["null", null],
        ])("rejects %s, saying it must be a string of 1 to 255 characters", (_label, value) => {
            const failures = failuresFor({ name: value });
            expect(propertiesOf(failures)).toEqual(["name"]);
            expect(reasonFor(failures, "name")).toMatch(/string of 1 to 255 characters/);
        });

        it("rejects an empty name, naming the property", () => {
            const failures = failuresFor({ name: "" });
            expect(propertiesOf(failures)).toEqual(["name"]);
            expect(reasonFor(failures, "name")).toMatch(/character other than spaces/);
        });

        it("rejects a name of only spaces, naming the property", () => {
            const failures = failuresFor({ name: "    " });
            expect(propertiesOf(failures)).toEqual(["name"]);
            expect(reasonFor(failures, "name")).toMatch(/character other than spaces/);
        });

        it("rejects a name of 256 characters, saying the limit is 255", () => {
            const failures = failuresFor({ name: "n".repeat(256) });
            expect(propertiesOf(failures)).toEqual(["name"]);
            expect(reasonFor(failures, "name")).toMatch(/at most 255 characters/);
        });

        it("accepts a name of exactly 255 characters", () => {
            expect(failuresFor({ name: "n".repeat(255) })).toEqual([]);
        });

        it("accepts a one-character name", () => {
            expect(failuresFor({ name: "x" })).toEqual([]);
        });

        it("accepts a name with surrounding spaces when it has other characters", () => {
            expect(failuresFor({ name: "  ci  " })).toEqual([]);
        });
    });

    describe("accountId", () => {
        test.each([
            ["zero", 0],
            ["a negative number", -3],
            ["a fraction", 1.5],
            ["a numeric string", "42"],
            ["NaN", NaN],
            ["a boolean", true],
        ])("rejects %s, saying it must be a positive integer", (_label, value) => {
            const failures = failuresFor({ accountId: value });
            expect(propertiesOf(failures)).toEqual(["accountId"]);
            expect(reasonFor(failures, "accountId")).toMatch(/positive integer/);
        });

        it("rejects a missing accountId when config has no default, naming where to set one", () => {
            const failures = failuresFor({ accountId: undefined });
            expect(propertiesOf(failures)).toEqual(["accountId"]);
            expect(reasonFor(failures, "accountId")).toMatch(/mailtrap:accountId/);
            expect(reasonFor(failures, "accountId")).toMatch(/MAILTRAP_ACCOUNT_ID/);
        });

        it("fills missing resources with an empty list, as the outputs echo it", () => {
            expect(check(withInputs({})).inputs.resources).toEqual([]);
            expect(check(withInputs({ resources: null })).inputs.resources).toEqual([]);
            expect(check(withInputs({ resources: UNKNOWN_VALUE })).inputs.resources).toBe(UNKNOWN_VALUE);
        });

        it("fills a missing accountId from the config default", () => {
            const result = check(withInputs({ accountId: undefined }), { defaultAccountId: 77 });
            expect(result.failures).toEqual([]);
            expect(result.inputs.accountId).toBe(77);
        });

        it("keeps a given accountId over the config default", () => {
            const result = check(withInputs({ accountId: 42 }), { defaultAccountId: 77 });
            expect(result.inputs.accountId).toBe(42);
        });

        it("does not apply the config default to an invalid accountId", () => {
            const result = check(withInputs({ accountId: 0 }), { defaultAccountId: 77 });
            expect(propertiesOf(result.failures)).toEqual(["accountId"]);
        });
    });

    describe("resources", () => {
        test.each([
            ["a string", "account:42"],
            ["a number", 42],
            ["an object", permission()],
        ])("rejects %s instead of a list, saying it must be a list of permissions", (_label, value) => {
            const failures = failuresFor({ resources: value });
            expect(propertiesOf(failures)).toEqual(["resources"]);
            expect(reasonFor(failures, "resources")).toMatch(/list of \{ resourceType, resourceId, accessLevel \}/);
        });

        it("accepts an empty list", () => {
            expect(failuresFor({ resources: [] })).toEqual([]);
        });

        test.each([
            ["a string", "inbox:5"],
            ["a number", 5],
            ["null", null],
            ["a list", [permission()]],
        ])("rejects an item that is %s, naming its index", (_label, item) => {
            const failures = failuresFor({ resources: [permission(), item] });
            expect(propertiesOf(failures)).toEqual(["resources[1]"]);
            expect(reasonFor(failures, "resources[1]")).toMatch(/must be an object \{ resourceType, resourceId, accessLevel \}/);
        });

        test.each(["account", "project", "inbox", "sending_domain"])("accepts resourceType %s", (resourceType) => {
            expect(failuresFor({ resources: [permission({ resourceType })] })).toEqual([]);
        });

        test.each([["mailbox"], ["Account"], [""], [3], [undefined]])(
            "rejects resourceType %p, listing the allowed types",
            (resourceType) => {
                const failures = failuresFor({ resources: [permission({ resourceType })] });
                expect(propertiesOf(failures)).toEqual(["resources[0].resourceType"]);
                expect(reasonFor(failures, "resources[0].resourceType")).toMatch(/one of account, project, inbox, sending_domain/);
            },
        );

        test.each([
            ["0", 0],
            ["-1", -1],
            ["an empty string", ""],
            ["a string of spaces", "   "],
            ["a fraction", 1.5],
            ["NaN", NaN],
            ["null", null],
            ["missing", undefined],
        ])("rejects resourceId %s, saying it must be a positive integer or a non-empty string", (_label, resourceId) => {
            const failures = failuresFor({ resources: [permission({ resourceId })] });
            expect(propertiesOf(failures)).toEqual(["resources[0].resourceId"]);
            expect(reasonFor(failures, "resources[0].resourceId")).toMatch(/positive integer or a non-empty string/);
        });

        test.each([
            ["a positive integer", 123],
            ["a numeric string", "123"],
            ["a non-numeric string id", "dom_abc"],
        ])("accepts resourceId as %s", (_label, resourceId) => {
            expect(failuresFor({ resources: [permission({ resourceId })] })).toEqual([]);
        });

        test.each([[10], ["owner"], ["Admin"], [""], [undefined]])(
            "rejects accessLevel %p, saying it must be viewer or admin",
            (accessLevel) => {
                const failures = failuresFor({ resources: [permission({ accessLevel })] });
                expect(propertiesOf(failures)).toEqual(["resources[0].accessLevel"]);
                expect(reasonFor(failures, "resources[0].accessLevel")).toMatch(/one of viewer, admin/);
            },
        );

        it("rejects an unknown field in an item, naming the field and listing the fields", () => {
            const failures = failuresFor({ resources: [permission({ access: "admin" })] });
            expect(propertiesOf(failures)).toEqual(["resources[0].access"]);
            expect(reasonFor(failures, "resources[0].access")).toMatch(/the fields are resourceType, resourceId, accessLevel/);
        });

        it("rejects a permission given twice, naming the duplicate and the first", () => {
            const failures = failuresFor({ resources: [permission(), permission({ accessLevel: "admin" })] });
            expect(propertiesOf(failures)).toEqual(["resources[1]"]);
            expect(reasonFor(failures, "resources[1]")).toMatch(/duplicates resources\[0\]/);
        });

        it('treats resourceId 123 and "123" as the same resource', () => {
            const failures = failuresFor({
                resources: [permission({ resourceId: 123 }), permission({ resourceId: "123" })],
            });
            expect(propertiesOf(failures)).toEqual(["resources[1]"]);
            expect(reasonFor(failures, "resources[1]")).toMatch(/duplicates resources\[0\]/);
        });

        it("allows the same id under different resource types", () => {
            const failures = failuresFor({
                resources: [permission({ resourceType: "project", resourceId: 5 }), permission({ resourceType: "inbox", resourceId: 5 })],
            });
            expect(failures).toEqual([]);
        });

        it("accepts 100 permissions", () => {
            const resources = Array.from({ length: 100 }, (_, i) => permission({ resourceId: i + 1 }));
            expect(failuresFor({ resources })).toEqual([]);
        });

        it("rejects more than 100 permissions, saying the limit", () => {
            const resources = Array.from({ length: 101 }, (_, i) => permission({ resourceId: i + 1 }));
            const failures = failuresFor({ resources });
            expect(propertiesOf(failures)).toEqual(["resources"]);
            expect(reasonFor(failures, "resources")).toMatch(/at most 100 permissions/);
        });

        it("reports every bad item, not only the first", () => {
            const failures = failuresFor({
                resources: [permission({ resourceType: "mailbox" }), permission({ resourceId: 6, accessLevel: "owner" })],
            });
            expect(propertiesOf(failures)).toEqual(["resources[0].resourceType", "resources[1].accessLevel"]);
        });
    });

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
            expect(reasonFor(failures, "expiresAt")).toMatch(/at most 5 years ahead/);
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

    describe("rotate", () => {
        test.each([
            ["a string", "v2"],
            ["a number", 3],
            ["zero", 0],
            ["a date string", "2026-01-01"],
        ])("accepts %s", (_label, rotate) => {
            expect(failuresFor({ rotate })).toEqual([]);
        });

        test.each([
            ["an empty string", ""],
            ["a boolean", true],
            ["an object", { at: 1 }],
            ["a list", [1]],
            ["NaN", NaN],
            ["Infinity", Infinity],
        ])("rejects %s, saying it must be a non-empty string or a finite number", (_label, rotate) => {
            const failures = failuresFor({ rotate });
            expect(propertiesOf(failures)).toEqual(["rotate"]);
            expect(reasonFor(failures, "rotate")).toMatch(/non-empty string.*or a finite number/);
        });
    });

    describe("rotateAfterDays", () => {
        test.each([[1], [0.5], [90], [36_500]])("accepts %p", (rotateAfterDays) => {
            expect(failuresFor({ rotateAfterDays })).toEqual([]);
        });

        test.each([
            ["0", 0],
            ["a negative number", -30],
            ["a string", "30"],
            ["above 36500", 36_501],
            ["NaN", NaN],
            ["Infinity", Infinity],
            ["a boolean", true],
        ])("rejects %s, saying it must be a positive number of days up to 36500", (_label, rotateAfterDays) => {
            const failures = failuresFor({ rotateAfterDays });
            expect(propertiesOf(failures)).toEqual(["rotateAfterDays"]);
            expect(reasonFor(failures, "rotateAfterDays")).toMatch(/positive number of days, at most 36500/);
        });
    });

    describe("adoptTokenId", () => {
        it("accepts a positive integer", () => {
            expect(failuresFor({ adoptTokenId: 9 })).toEqual([]);
        });

        test.each([
            ["0", 0],
            ["a negative number", -9],
            ["a fraction", 1.5],
            ["a numeric string", "9"],
            ["NaN", NaN],
        ])("rejects %s, saying it must be a positive integer", (_label, adoptTokenId) => {
            const failures = failuresFor({ adoptTokenId });
            expect(propertiesOf(failures)).toEqual(["adoptTokenId"]);
            expect(reasonFor(failures, "adoptTokenId")).toMatch(/positive integer/);
        });
    });

    describe("adoptTokenId once the resource exists", () => {
        it("is kept for the first create, when there are no old inputs", () => {
            expect(check(withInputs({ adoptTokenId: 9 })).inputs.adoptTokenId).toBe(9);
        });

        it("is dropped when the resource exists already, so a replacement creates a new token", () => {
            const { inputs, failures } = check(withInputs({ adoptTokenId: 9 }), { olds: withInputs({ adoptTokenId: 9 }) });
            expect(failures).toEqual([]);
            expect(inputs).not.toHaveProperty("adoptTokenId");
        });

        it("is dropped when null, which means no adoption", () => {
            expect(check(withInputs({ adoptTokenId: null })).inputs).not.toHaveProperty("adoptTokenId");
        });
    });

    describe("unknown inputs", () => {
        it("reports a typo such as rotation by name, listing the real inputs", () => {
            const failures = failuresFor({ rotation: "v2" });
            expect(propertiesOf(failures)).toEqual(["rotation"]);
            expect(reasonFor(failures, "rotation")).toMatch(/"rotation" is not an ApiToken input/);
            expect(reasonFor(failures, "rotation")).toMatch(
                /name, accountId, resources, expiresAt, expiresInDays, rotate, rotateAfterDays, adoptTokenId/,
            );
        });

        it("reports each unknown input", () => {
            expect(propertiesOf(failuresFor({ rotation: 1, expiry: "x" }))).toEqual(["rotation", "expiry"]);
        });

        it("does not report the engine's __provider", () => {
            expect(failuresFor({ __provider: "serialized provider" })).toEqual([]);
        });
    });

    describe("values unknown during preview", () => {
        test.each(["name", "accountId", "resources", "expiresAt", "rotate", "rotateAfterDays", "adoptTokenId"])(
            "lets an unknown %s through",
            (input) => {
                const result = check(withInputs({ [input]: UNKNOWN_VALUE }));
                expect(result.failures).toEqual([]);
                expect(result.inputs[input]).toBe(UNKNOWN_VALUE);
            },
        );

        test.each(["resourceType", "resourceId", "accessLevel"])("lets an unknown permission %s through", (field) => {
            expect(failuresFor({ resources: [permission({ [field]: UNKNOWN_VALUE })] })).toEqual([]);
        });

        it("lets an unknown permission item through", () => {
            expect(failuresFor({ resources: [permission(), UNKNOWN_VALUE] })).toEqual([]);
        });
    });

    describe("failure reasons", () => {
        const long = "x".repeat(50);

        test.each([
            ["accountId", { accountId: long }],
            ["resources", { resources: long }],
            ["resources[0]", { resources: [long] }],
            ["resources[0].resourceType", { resources: [permission({ resourceType: long })] }],
            ["resources[0].accessLevel", { resources: [permission({ accessLevel: long })] }],
            ["expiresAt", { expiresAt: long }],
            ["rotate", { rotate: "r".repeat(300) }],
            ["rotateAfterDays", { rotateAfterDays: long }],
            ["adoptTokenId", { adoptTokenId: long }],
            ["name", { name: "n".repeat(300) }],
        ])("describe a long %s value by its length instead of echoing it", (property, overrides) => {
            const value = Object.values(overrides)[0];
            const text = typeof value === "string" ? value : long;
            const failures = failuresFor(overrides);
            const reason = reasonFor(failures, property);
            expect(reason).not.toContain(text);
            expect(reason).toMatch(/\d+ characters/);
        });

        it("quote a short bad value", () => {
            expect(reasonFor(failuresFor({ accountId: "abc" }), "accountId")).toContain('"abc"');
        });

        it("never echo a long resourceId in a duplicate's reason", () => {
            const id = "i".repeat(60);
            const failures = failuresFor({ resources: [permission({ resourceId: id }), permission({ resourceId: id })] });
            expect(failures.length).toBeGreaterThan(0);
            for (const failure of failures) {
                expect(failure.reason).not.toContain(id);
            }
        });

        it("never contain a long string value anywhere in a failure set", () => {
            const long60 = "y".repeat(60);
            const failures = failuresFor({
                accountId: long60,
                resources: [permission({ resourceType: long60, accessLevel: long60 })],
                expiresAt: long60,
                rotateAfterDays: long60,
                adoptTokenId: long60,
            });
            expect(failures.length).toBe(6);
            for (const failure of failures) {
                expect(failure.reason).not.toContain(long60);
            }
        });
    });
});
