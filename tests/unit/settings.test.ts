import { DEFAULT_RETRY_POLICY } from "../../provider/client/retry";
import {
    DEFAULT_BASE_URL,
    DEFAULT_REQUESTS_PER_10_SECONDS,
    DEFAULT_REQUEST_TIMEOUT_MS,
    SETTINGS,
    checkBaseUrl,
    resolveSettings,
} from "../../provider/settings";

type Values = Record<string, string | undefined>;

/** Resolves settings from stack config (by full key) and an environment. */
function resolve(config: Values = {}, env: Values = {}) {
    return resolveSettings((key) => config[key], env);
}

describe("resolveSettings", () => {
    describe("defaults", () => {
        it("uses https://mailtrap.io as the base URL", () => {
            expect(resolve().settings.baseUrl).toBe("https://mailtrap.io");
            expect(DEFAULT_BASE_URL).toBe("https://mailtrap.io");
        });

        it("has no credential and no account", () => {
            const { settings } = resolve();
            expect(settings.apiToken).toBeUndefined();
            expect(settings.accountId).toBeUndefined();
        });

        it("reports no problems", () => {
            expect(resolve().problems).toEqual([]);
        });

        it("paces at 150 requests per 10 seconds", () => {
            expect(resolve().settings.rateLimit).toEqual({ requests: DEFAULT_REQUESTS_PER_10_SECONDS, windowMs: 10_000 });
            expect(DEFAULT_REQUESTS_PER_10_SECONDS).toBe(150);
        });

        it("uses the default request timeout and retry policy", () => {
            const { settings } = resolve();
            expect(settings.requestTimeoutMs).toBe(DEFAULT_REQUEST_TIMEOUT_MS);
            expect(settings.retry).toEqual(DEFAULT_RETRY_POLICY);
        });

        it("uses the real clock", () => {
            const before = Date.now();
            const now = resolve().settings.now();
            expect(now).toBeGreaterThanOrEqual(before);
            expect(now).toBeLessThanOrEqual(Date.now());
        });
    });

    describe("stack config and environment", () => {
        it("reads the credential from mailtrap:apiToken", () => {
            expect(resolve({ "mailtrap:apiToken": "cfg-token" }).settings.apiToken).toBe("cfg-token");
        });

        it("falls back to MAILTRAP_API_TOKEN", () => {
            expect(resolve({}, { MAILTRAP_API_TOKEN: "env-token" }).settings.apiToken).toBe("env-token");
        });

        it("prefers mailtrap:apiToken over MAILTRAP_API_TOKEN", () => {
            expect(resolve({ "mailtrap:apiToken": "cfg-token" }, { MAILTRAP_API_TOKEN: "env-token" }).settings.apiToken).toBe("cfg-token");
        });

        it("reads the account from mailtrap:accountId as a number", () => {
            expect(resolve({ "mailtrap:accountId": "42" }).settings.accountId).toBe(42);
        });

        it("falls back to MAILTRAP_ACCOUNT_ID", () => {
            expect(resolve({}, { MAILTRAP_ACCOUNT_ID: "43" }).settings.accountId).toBe(43);
        });

        it("prefers mailtrap:accountId over MAILTRAP_ACCOUNT_ID", () => {
            expect(resolve({ "mailtrap:accountId": "42" }, { MAILTRAP_ACCOUNT_ID: "43" }).settings.accountId).toBe(42);
        });

        it("reads the base URL from mailtrap:baseUrl", () => {
            expect(resolve({ "mailtrap:baseUrl": "https://cfg.example" }).settings.baseUrl).toBe("https://cfg.example");
        });

        it("falls back to MAILTRAP_BASE_URL", () => {
            expect(resolve({}, { MAILTRAP_BASE_URL: "https://env.example" }).settings.baseUrl).toBe("https://env.example");
        });

        it("prefers mailtrap:baseUrl over MAILTRAP_BASE_URL", () => {
            const { settings } = resolve({ "mailtrap:baseUrl": "https://cfg.example" }, { MAILTRAP_BASE_URL: "https://env.example" });
            expect(settings.baseUrl).toBe("https://cfg.example");
        });

        it("prefers a bad stack config value over a good env value, reporting it", () => {
            const { settings, problems } = resolve({ "mailtrap:accountId": "abc" }, { MAILTRAP_ACCOUNT_ID: "43" });
            expect(settings.accountId).toBeUndefined();
            expect(problems.map((p) => p.key)).toEqual(["mailtrap:accountId"]);
        });

        it("trims surrounding spaces", () => {
            const { settings } = resolve({ "mailtrap:apiToken": "  tok  ", "mailtrap:accountId": " 42 " });
            expect(settings.apiToken).toBe("tok");
            expect(settings.accountId).toBe(42);
        });

        it("treats an empty env value as unset", () => {
            const { settings, problems } = resolve({}, { MAILTRAP_API_TOKEN: "", MAILTRAP_ACCOUNT_ID: "  ", MAILTRAP_BASE_URL: "" });
            expect(settings.apiToken).toBeUndefined();
            expect(settings.accountId).toBeUndefined();
            expect(settings.baseUrl).toBe(DEFAULT_BASE_URL);
            expect(problems).toEqual([]);
        });

        test.each(Object.values(SETTINGS).map((s) => [s.key, s.env]))("names config key %s with env fallback %s", (key, env) => {
            expect(key).toMatch(/^mailtrap:/);
            expect(env).toMatch(/^MAILTRAP_/);
        });
    });

    describe("numbers", () => {
        test.each([
            ["mailtrap:maxRetries", "MAILTRAP_MAX_RETRIES", "2", (s: ReturnType<typeof resolve>["settings"]) => s.retry.maxRetries, 2],
            [
                "mailtrap:requestTimeoutMs",
                "MAILTRAP_REQUEST_TIMEOUT_MS",
                "5000",
                (s: ReturnType<typeof resolve>["settings"]) => s.requestTimeoutMs,
                5_000,
            ],
            [
                "mailtrap:operationTimeoutMs",
                "MAILTRAP_OPERATION_TIMEOUT_MS",
                "90000",
                (s: ReturnType<typeof resolve>["settings"]) => s.retry.operationBudgetMs,
                90_000,
            ],
            [
                "mailtrap:requestsPer10Seconds",
                "MAILTRAP_REQUESTS_PER_10_SECONDS",
                "50",
                (s: ReturnType<typeof resolve>["settings"]) => s.rateLimit?.requests,
                50,
            ],
        ])("reads %s (and its env fallback %s)", (key, env, text, pick, expected) => {
            expect(pick(resolve({ [key]: text }).settings)).toBe(expected);
            expect(pick(resolve({}, { [env]: text }).settings)).toBe(expected);
        });

        test.each([
            ["mailtrap:accountId", "abc"],
            ["mailtrap:accountId", "0"],
            ["mailtrap:accountId", "-5"],
            ["mailtrap:accountId", "1.5"],
            ["mailtrap:maxRetries", "-1"],
            ["mailtrap:maxRetries", "21"],
            ["mailtrap:maxRetries", "many"],
            ["mailtrap:requestTimeoutMs", "50"],
            ["mailtrap:requestTimeoutMs", "600001"],
            ["mailtrap:operationTimeoutMs", "999"],
            ["mailtrap:operationTimeoutMs", "1h"],
            ["mailtrap:requestsPer10Seconds", "-1"],
            ["mailtrap:requestsPer10Seconds", "ten"],
        ])("reports %s = %p by its key, saying the allowed range", (key, text) => {
            const { problems } = resolve({ [key]: text });
            expect(problems).toHaveLength(1);
            expect(problems[0].key).toBe(key);
            expect(problems[0].reason).toMatch(/whole number from \d+ to \d+/);
            expect(problems[0].reason).toContain(text);
        });

        it("reports a bad env value by its config key", () => {
            const { problems } = resolve({}, { MAILTRAP_MAX_RETRIES: "lots" });
            expect(problems.map((p) => p.key)).toEqual(["mailtrap:maxRetries"]);
        });

        it("keeps the default for a bad number", () => {
            const { settings } = resolve({ "mailtrap:maxRetries": "many", "mailtrap:requestTimeoutMs": "x" });
            expect(settings.retry.maxRetries).toBe(DEFAULT_RETRY_POLICY.maxRetries);
            expect(settings.requestTimeoutMs).toBe(DEFAULT_REQUEST_TIMEOUT_MS);
        });

        it("reports every bad number", () => {
            const { problems } = resolve({ "mailtrap:maxRetries": "many", "mailtrap:accountId": "abc" });
            expect(problems.map((p) => p.key).sort()).toEqual(["mailtrap:accountId", "mailtrap:maxRetries"]);
        });

        it("accepts maxRetries 0 (no retries)", () => {
            const { settings, problems } = resolve({ "mailtrap:maxRetries": "0" });
            expect(problems).toEqual([]);
            expect(settings.retry.maxRetries).toBe(0);
        });

        it("disables pacing when requestsPer10Seconds is 0", () => {
            const { settings, problems } = resolve({ "mailtrap:requestsPer10Seconds": "0" });
            expect(problems).toEqual([]);
            expect(settings.rateLimit).toBeNull();
        });

        it("paces over a 10-second window", () => {
            expect(resolve({ "mailtrap:requestsPer10Seconds": "50" }).settings.rateLimit).toEqual({ requests: 50, windowMs: 10_000 });
        });
    });

    describe("base URL", () => {
        it("reports plain http to a remote host by its key, saying https is needed", () => {
            const { problems } = resolve({ "mailtrap:baseUrl": "http://mailtrap.io" });
            expect(problems).toHaveLength(1);
            expect(problems[0].key).toBe("mailtrap:baseUrl");
            expect(problems[0].reason).toMatch(/must use https/);
        });

        it("reports a base URL that is not a URL by its key", () => {
            const { problems } = resolve({}, { MAILTRAP_BASE_URL: "mailtrap.io" });
            expect(problems.map((p) => p.key)).toEqual(["mailtrap:baseUrl"]);
        });

        it("accepts plain http to the local emulator", () => {
            const { settings, problems } = resolve({ "mailtrap:baseUrl": "http://127.0.0.1:4010" });
            expect(problems).toEqual([]);
            expect(settings.baseUrl).toBe("http://127.0.0.1:4010");
        });
    });

    describe("MAILTRAP_PROVIDER_NOW", () => {
        it("fixes the clock at an ISO date", () => {
            const { settings } = resolve({}, { MAILTRAP_PROVIDER_NOW: "2030-05-01T12:00:00Z" });
            expect(settings.now()).toBe(Date.parse("2030-05-01T12:00:00Z"));
            expect(settings.now()).toBe(Date.parse("2030-05-01T12:00:00Z"));
        });

        it("fixes the clock at epoch milliseconds", () => {
            const { settings } = resolve({}, { MAILTRAP_PROVIDER_NOW: "1900000000000" });
            expect(settings.now()).toBe(1_900_000_000_000);
        });

        it("fixes the clock at a date-time with an offset", () => {
            const { settings, problems } = resolve({}, { MAILTRAP_PROVIDER_NOW: "2030-05-01T14:00:00.250+02:00" });
            expect(problems).toEqual([]);
            expect(settings.now()).toBe(Date.parse("2030-05-01T12:00:00.250Z"));
        });

        it("uses the real clock when unset or empty, reporting nothing", () => {
            for (const value of [undefined, "", "  "]) {
                const before = Date.now();
                const { settings, problems } = resolve({}, { MAILTRAP_PROVIDER_NOW: value });
                expect(problems).toEqual([]);
                expect(settings.now()).toBeGreaterThanOrEqual(before);
                expect(settings.now()).toBeLessThanOrEqual(Date.now());
            }
        });

        test.each([
            ["tomorrow-ish"],
            ["1 2"],
            ["-1"],
            ["1.5e12"],
            ["2030-05-01"],
            ["2030-05-01T12:00:00"],
            ["2030-02-30T12:00:00Z"],
            ["2030-05-01 12:00:00Z"],
            ["Wed, 01 May 2030 12:00:00 GMT"],
        ])("reports %p under its name, saying what it may be", (value) => {
            const { problems } = resolve({}, { MAILTRAP_PROVIDER_NOW: value });
            expect(problems).toHaveLength(1);
            expect(problems[0].key).toBe("MAILTRAP_PROVIDER_NOW");
            expect(problems[0].reason).toMatch(/ISO 8601 date-time with a time zone.* or epoch milliseconds/);
            expect(problems[0].reason).toContain(`"${value}"`);
        });

        it("keeps the real clock beside the problem", () => {
            const before = Date.now();
            const now = resolve({}, { MAILTRAP_PROVIDER_NOW: "tomorrow-ish" }).settings.now();
            expect(now).toBeGreaterThanOrEqual(before);
            expect(now).toBeLessThanOrEqual(Date.now());
        });
    });
});

describe("checkBaseUrl", () => {
    test.each([["https://mailtrap.io"], ["https://mailtrap.io/"], ["https://eu.mailtrap.example:8443/api"], ["HTTPS://MAILTRAP.IO"]])(
        "accepts https URL %s",
        (url) => {
            expect(checkBaseUrl(url)).toBeUndefined();
        },
    );

    test.each([
        ["http://127.0.0.1"],
        ["http://127.0.0.1:4010"],
        ["http://127.1.2.3:8080/"],
        ["http://localhost:3000"],
        ["http://LOCALHOST"],
        ["http://[::1]:4010"],
    ])("accepts plain http to loopback %s", (url) => {
        expect(checkBaseUrl(url)).toBeUndefined();
    });

    test.each([
        ["http://mailtrap.io"],
        ["http://10.0.0.5:4010"],
        ["http://192.168.1.1"],
        ["http://localhost.example.com"],
        ["http://127.0.0.1.nip.io"],
        ["http://[::2]"],
    ])("refuses plain http to non-loopback %s, saying https is needed and where http is allowed", (url) => {
        const reason = checkBaseUrl(url);
        expect(reason).toMatch(/must use https/);
        expect(reason).toMatch(/127\.0\.0\.1, ::1 or localhost/);
    });

    test.each([["ftp://mailtrap.io"], ["file:///etc/passwd"], ["ws://localhost"]])("refuses a non-http scheme %s", (url) => {
        expect(checkBaseUrl(url)).toMatch(/must use https/);
    });

    test.each([["mailtrap.io"], [""], ["not a url"], ["//mailtrap.io"]])("refuses %p as not an absolute URL", (url) => {
        expect(checkBaseUrl(url)).toMatch(/absolute http\(s\) URL such as https:\/\/mailtrap\.io/);
    });
});
