import * as http from "http";
import { EmulatorOptions, MailtrapEmulator } from "../provider/emulator/server";

jest.setTimeout(10_000);

const T0 = Date.parse("2025-01-01T00:00:00.000Z");
const HOUR = 3_600_000;
const TOKEN_FIELDS = ["created_by", "expires_at", "id", "last_4_digits", "name", "resources"];
const ADMIN = { resource_type: "account", resource_id: 3229, access_level: 100 } as const;

interface Reply {
    status: number;
    headers: Headers;
    text: string;
    json: any;
}

let emu: MailtrapEmulator;

async function startEmulator(options: EmulatorOptions = {}): Promise<MailtrapEmulator> {
    emu = new MailtrapEmulator(options);
    emu.setNow(T0);
    await emu.start(0);
    return emu;
}

afterEach(async () => {
    await emu?.stop();
});

async function call(
    method: string,
    path: string,
    opts: { credential?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Reply> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const credential = opts.credential === undefined ? emu.credential : opts.credential;
    if (credential !== null && !("Authorization" in headers)) headers["Api-Token"] = credential;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers["Content-Type"] = "application/json";
    }
    const res = await fetch(emu.baseUrl + path, { method, headers, body, signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000) });
    const text = await res.text();
    let json: unknown;
    try {
        json = text === "" ? undefined : JSON.parse(text);
    } catch {
        json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
}

/** Whether the promise settles within ms, without leaving a timer behind. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
        return await Promise.race([promise.then(() => true), timeout]);
    } finally {
        clearTimeout(timer);
    }
}

/** Polls `condition` every 5 ms until it holds (true) or `timeoutMs` passes (false). */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() >= deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return true;
}

const tokensPath = (accountId = 3229) => `/api/accounts/${accountId}/api_tokens`;
const tokenPath = (id: number, accountId = 3229) => `${tokensPath(accountId)}/${id}`;

async function createViaApi(body: Record<string, unknown> = { name: "ci", expires_at: null }, credential?: string) {
    const reply = await call("POST", tokensPath(), { body, credential });
    expect(reply.status).toBe(200);
    return reply.json as { id: number; token: string; expires_at: string | null; name: string };
}

describe("endpoints", () => {
    beforeEach(() => startEmulator({ accountId: 3229 }));

    test("list answers 200 with a JSON array of tokens in the wire shape, without values", async () => {
        const reply = await call("GET", tokensPath());
        expect(reply.status).toBe(200);
        expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
        expect(reply.json).toEqual([
            {
                id: 1001,
                name: "Emulator admin",
                last_4_digits: emu.credential.slice(-4),
                created_by: "Emulator",
                expires_at: null,
                resources: [ADMIN],
            },
        ]);
        expect(reply.text).not.toContain(emu.credential);
    });

    test("create answers 200 with the token and its full value once", async () => {
        const reply = await call("POST", tokensPath(), {
            body: { name: "ci", resources: [{ resource_type: "project", resource_id: "p-1", access_level: 10 }], expires_at: null },
        });
        expect(reply.status).toBe(200);
        expect(Object.keys(reply.json).sort()).toEqual([...TOKEN_FIELDS, "token"].sort());
        expect(reply.json).toMatchObject({
            id: 1002,
            name: "ci",
            created_by: "Emulator admin",
            expires_at: null,
            resources: [{ resource_type: "project", resource_id: "p-1", access_level: 10 }],
        });
        expect(reply.json.token).toMatch(/^[0-9a-f]{32}$/);
        expect(reply.json.last_4_digits).toBe(reply.json.token.slice(-4));
        expect(emu.getToken(3229, 1002)?.created_at).toBe(new Date(T0).toISOString());
    });

    test("create assigns increasing ids and distinct values", async () => {
        const a = await createViaApi({ name: "a", expires_at: null });
        const b = await createViaApi({ name: "b", expires_at: null });
        expect(b.id).toBeGreaterThan(a.id);
        expect(b.token).not.toBe(a.token);
    });

    test("create without an expires_at key gets the default 90-day expiry; explicit null never expires", async () => {
        const defaulted = await createViaApi({ name: "defaulted" });
        expect(defaulted.expires_at).toBe(new Date(T0 + 90 * 24 * HOUR).toISOString());
        const never = await createViaApi({ name: "never", expires_at: null });
        expect(never.expires_at).toBeNull();
    });

    test("create stores a valid expires_at normalised to ISO UTC", async () => {
        const created = await createViaApi({ name: "dated", expires_at: "2025-06-01T12:00:00+02:00" });
        expect(created.expires_at).toBe("2025-06-01T10:00:00.000Z");
    });

    test("get answers 200 with the token, without its value", async () => {
        const created = await createViaApi();
        const reply = await call("GET", tokenPath(created.id));
        expect(reply.status).toBe(200);
        expect(Object.keys(reply.json).sort()).toEqual(TOKEN_FIELDS);
        expect(reply.json).toMatchObject({ id: created.id, name: "ci" });
        expect(reply.text).not.toContain(created.token);
    });

    test("delete answers 204 with an empty body and the token is gone", async () => {
        const created = await createViaApi();
        const reply = await call("DELETE", tokenPath(created.id));
        expect(reply.status).toBe(204);
        expect(reply.text).toBe("");
        expect((await call("GET", tokenPath(created.id))).status).toBe(404);
        expect(emu.isTokenValueLive(created.token)).toBe(false);
    });

    test("404 for an unknown token id on get, delete and reset", async () => {
        expect((await call("GET", tokenPath(999_999))).json).toEqual({ error: "Not Found" });
        expect((await call("DELETE", tokenPath(999_999))).status).toBe(404);
        expect((await call("POST", `${tokenPath(999_999)}/reset`)).status).toBe(404);
    });

    test("404 for unknown paths and ids that are not positive integers", async () => {
        for (const path of [
            "/api/accounts/3229/tokens",
            "/",
            `${tokensPath()}/abc`,
            `${tokensPath()}/0`,
            "/api/accounts/-1/api_tokens",
            `${tokenPath(1001)}/rotate`,
        ]) {
            const reply = await call("GET", path);
            expect({ path, status: reply.status, body: reply.json }).toEqual({ path, status: 404, body: { error: "Not Found" } });
        }
    });

    test("405 for a wrong method on a known path", async () => {
        const reply = await call("PUT", tokenPath(1001), { body: { name: "x" } });
        expect(reply.status).toBe(405);
        expect(reply.json).toEqual({ error: "Method Not Allowed" });
        expect((await call("GET", `${tokenPath(1001)}/reset`)).status).toBe(405);
    });
});

describe("authentication and authorization", () => {
    beforeEach(() => startEmulator());

    test("the Api-Token header is accepted", async () => {
        expect((await call("GET", tokensPath(), { headers: { "Api-Token": emu.credential }, credential: null })).status).toBe(200);
    });

    test("the Authorization: Bearer header is accepted", async () => {
        expect((await call("GET", tokensPath(), { headers: { Authorization: `Bearer ${emu.credential}` }, credential: null })).status).toBe(
            200,
        );
    });

    test("a missing credential gets 401", async () => {
        const reply = await call("GET", tokensPath(), { credential: null });
        expect(reply.status).toBe(401);
        expect(reply.json).toEqual({ error: "Incorrect API token" });
    });

    test("an unknown credential gets 401", async () => {
        expect((await call("GET", tokensPath(), { credential: "0".repeat(32) })).status).toBe(401);
    });

    test("an unknown account gets 403", async () => {
        const reply = await call("GET", tokensPath(4242));
        expect(reply.status).toBe(403);
        expect(reply.json).toEqual({ errors: "Access forbidden" });
    });

    test("a token created through the API authenticates, and needs account admin access to be authorized", async () => {
        const admin = await createViaApi({ name: "admin", resources: [ADMIN], expires_at: null });
        const viewer = await createViaApi({ name: "viewer", resources: [{ ...ADMIN, access_level: 10 }], expires_at: null });
        expect((await call("GET", tokensPath(), { credential: admin.token })).status).toBe(200);
        expect((await call("GET", tokensPath(), { credential: viewer.token })).status).toBe(403);
        const child = await createViaApi({ name: "child", expires_at: null }, admin.token);
        expect(emu.getToken(3229, child.id)?.created_by).toBe("admin");
    });

    test('an extra credential is authorized on its listed accounts only and creates as "API"', async () => {
        emu.addAccount(7);
        emu.addAccount(8);
        emu.addCredential("extra-credential", [7]);
        const created = await call("POST", tokensPath(7), { credential: "extra-credential", body: { name: "x", expires_at: null } });
        expect(created.status).toBe(200);
        expect(created.json.created_by).toBe("API");
        expect((await call("GET", tokensPath(8), { credential: "extra-credential" })).status).toBe(403);
        expect((await call("GET", tokensPath(3229), { credential: "extra-credential" })).status).toBe(403);
    });

    test("a token is not authorized on another account even with an admin permission naming it", async () => {
        emu.addAccount(7);
        const sneaky = await createViaApi({ name: "sneaky", resources: [{ ...ADMIN, resource_id: 7 }], expires_at: null });
        expect((await call("GET", tokensPath(7), { credential: sneaky.token })).status).toBe(403);
    });

    test("an expired token cannot authenticate but is still listed", async () => {
        const dated = await createViaApi({ name: "dated", resources: [ADMIN], expires_at: new Date(T0 + HOUR).toISOString() });
        expect((await call("GET", tokensPath(), { credential: dated.token })).status).toBe(200);
        emu.advance(HOUR + 1);
        expect((await call("GET", tokensPath(), { credential: dated.token })).status).toBe(401);
        const list = await call("GET", tokensPath());
        expect(list.json.map((t: { id: number }) => t.id)).toContain(dated.id);
    });
});

describe("validation", () => {
    beforeEach(() => startEmulator());

    const cases: [string, Record<string, unknown>, Record<string, string[]>][] = [
        ["missing name", { expires_at: null }, { name: ["can't be blank"] }],
        ["blank name", { name: "   ", expires_at: null }, { name: ["can't be blank"] }],
        ["name over 255 characters", { name: "x".repeat(256), expires_at: null }, { name: ["is too long (maximum is 255 characters)"] }],
        [
            "unknown resource_type",
            { name: "x", resources: [{ resource_type: "domain", resource_id: 1, access_level: 10 }] },
            { resources: ["resource_type must be one of account, project, inbox, sending_domain"] },
        ],
        [
            "access_level other than 10 or 100",
            { name: "x", resources: [{ resource_type: "inbox", resource_id: 1, access_level: 50 }] },
            { access_level: ["must be 10 (viewer) or 100 (admin)"] },
        ],
        ["expires_at in the past", { name: "x", expires_at: "2024-12-31T23:59:59Z" }, { expires_at: ["must be in the future"] }],
        [
            "expires_at over 5 years ahead",
            { name: "x", expires_at: "2030-01-01T00:00:01Z" },
            { expires_at: ["must be at most 5 years from now"] },
        ],
        ["expires_at not a date-time", { name: "x", expires_at: "next tuesday" }, { expires_at: ["is not a valid ISO 8601 date-time"] }],
    ];

    test.each(cases)("create with %s gets 422 naming the field, and creates nothing", async (_label, body, errors) => {
        const reply = await call("POST", tokensPath(), { body });
        expect(reply.status).toBe(422);
        expect(reply.json).toEqual({ errors });
        expect(emu.listTokens(3229)).toHaveLength(1);
    });

    test("expires_at exactly 5 years ahead is accepted", async () => {
        expect((await call("POST", tokensPath(), { body: { name: "x", expires_at: "2030-01-01T00:00:00Z" } })).status).toBe(200);
    });

    test("a body that is not JSON gets 400", async () => {
        const reply = await call("POST", tokensPath(), { rawBody: "{name:", headers: { "Content-Type": "application/json" } });
        expect(reply.status).toBe(400);
        expect(reply.json).toEqual({ error: "Invalid JSON" });
    });

    test("a body over 1 MiB gets 413", async () => {
        const reply = await call("POST", tokensPath(), { body: { name: "x", padding: "a".repeat(1024 * 1024) } });
        expect(reply.status).toBe(413);
        expect(emu.listTokens(3229)).toHaveLength(1);
    });
});

describe("reset", () => {
    beforeEach(() => startEmulator());

    test("reset answers 200 with a new id and value, same name and resources, never expiring", async () => {
        const old = await createViaApi({ name: "rotating", resources: [ADMIN], expires_at: null });
        const reply = await call("POST", `${tokenPath(old.id)}/reset`);
        expect(reply.status).toBe(200);
        expect(Object.keys(reply.json).sort()).toEqual([...TOKEN_FIELDS, "token"].sort());
        expect(reply.json.id).not.toBe(old.id);
        expect(reply.json.token).toMatch(/^[0-9a-f]{32}$/);
        expect(reply.json.token).not.toBe(old.token);
        expect(reply.json).toMatchObject({ name: "rotating", resources: [ADMIN], expires_at: null, created_by: "Emulator admin" });
    });

    test("reset gives the old token expires_at = now + 12 h and points it at its successor", async () => {
        const old = await createViaApi();
        const successor = (await call("POST", `${tokenPath(old.id)}/reset`)).json;
        const oldNow = (await call("GET", tokenPath(old.id))).json;
        expect(oldNow.expires_at).toBe(new Date(T0 + 12 * HOUR).toISOString());
        expect(emu.getToken(3229, old.id)?.reset_to).toBe(successor.id);
    });

    test("a second reset of the old token is refused with 422", async () => {
        const old = await createViaApi();
        expect((await call("POST", `${tokenPath(old.id)}/reset`)).status).toBe(200);
        const again = await call("POST", `${tokenPath(old.id)}/reset`);
        expect(again.status).toBe(422);
        expect(again.json).toEqual({ errors: { expires_at: ["token has an expiration set and cannot be reset"] } });
        expect(emu.listTokens(3229)).toHaveLength(3);
    });

    test("a token created with an expiry cannot be reset", async () => {
        const dated = await createViaApi({ name: "dated" });
        expect((await call("POST", `${tokenPath(dated.id)}/reset`)).status).toBe(422);
    });

    test("the old value authenticates during the grace period and not after it", async () => {
        const old = await createViaApi({ name: "self", resources: [ADMIN], expires_at: null });
        const successor = (await call("POST", `${tokenPath(old.id)}/reset`, { credential: old.token })).json;
        emu.advance(12 * HOUR);
        expect((await call("GET", tokensPath(), { credential: old.token })).status).toBe(200);
        emu.advance(1);
        expect((await call("GET", tokensPath(), { credential: old.token })).status).toBe(401);
        expect((await call("GET", tokensPath(), { credential: successor.token })).status).toBe(200);
    });

    test("graceHours sets the old token's grace period", async () => {
        await emu.stop();
        await startEmulator({ graceHours: 1 });
        const old = await createViaApi();
        await call("POST", `${tokenPath(old.id)}/reset`);
        expect(emu.getToken(3229, old.id)?.expires_at).toBe(new Date(T0 + HOUR).toISOString());
    });
});

describe("rate limit", () => {
    beforeEach(() => startEmulator({ rateLimit: { requests: 3, windowMs: 10_000 } }));

    test("the request over the limit gets 429 with Retry-After in whole seconds", async () => {
        for (let i = 0; i < 3; i++) expect((await call("GET", tokensPath())).status).toBe(200);
        emu.advance(2_500);
        const limited = await call("GET", tokensPath());
        expect(limited.status).toBe(429);
        expect(limited.json).toEqual({ error: "Rate limit exceeded" });
        expect(limited.headers.get("retry-after")).toBe("8");
    });

    test("a slot frees once the window has passed", async () => {
        for (let i = 0; i < 3; i++) await call("GET", tokensPath());
        expect((await call("GET", tokensPath())).status).toBe(429);
        emu.advance(10_000);
        expect((await call("GET", tokensPath())).status).toBe(200);
    });

    test("a rate-limited request changes nothing and is logged", async () => {
        for (let i = 0; i < 3; i++) await call("GET", tokensPath());
        const limited = await call("POST", tokensPath(), { body: { name: "x", expires_at: null } });
        expect(limited.status).toBe(429);
        expect(emu.listTokens(3229)).toHaveLength(1);
        expect(emu.requests.at(-1)).toMatchObject({ method: "POST", status: 429, authenticated: true });
    });

    test("the limit is per credential, and unauthenticated requests get 401 not 429", async () => {
        emu.addCredential("other", [3229]);
        for (let i = 0; i < 3; i++) await call("GET", tokensPath());
        expect((await call("GET", tokensPath(), { credential: "other" })).status).toBe(200);
        expect((await call("GET", tokensPath(), { credential: "nope" })).status).toBe(401);
    });

    test("setRateLimit(null) disables the limit", async () => {
        emu.setRateLimit(null);
        for (let i = 0; i < 5; i++) expect((await call("GET", tokensPath())).status).toBe(200);
    });
});

describe("faults", () => {
    beforeEach(() => startEmulator());

    test("a status fault answers that status, headers and body, and applies nothing", async () => {
        emu.injectFault({
            method: "POST",
            path: "/api_tokens",
            fault: { kind: "status", status: 503, body: { error: "down" }, headers: { "Retry-After": "2" } },
        });
        const reply = await call("POST", tokensPath(), { body: { name: "x", expires_at: null } });
        expect(reply.status).toBe(503);
        expect(reply.json).toEqual({ error: "down" });
        expect(reply.headers.get("retry-after")).toBe("2");
        expect(emu.listTokens(3229)).toHaveLength(1);
    });

    test("a status fault without a body answers a JSON error named for the status", async () => {
        emu.injectFault({ fault: { kind: "status", status: 500 } });
        const reply = await call("GET", tokensPath());
        expect(reply.status).toBe(500);
        expect(reply.json).toEqual({ error: "Internal Server Error" });
    });

    test("a reset fault drops the connection, applies nothing and logs status 0", async () => {
        emu.injectFault({ method: "POST", fault: { kind: "reset" } });
        await expect(call("POST", tokensPath(), { body: { name: "x", expires_at: null } })).rejects.toThrow();
        expect(emu.listTokens(3229)).toHaveLength(1);
        expect(emu.requests.at(-1)).toMatchObject({ method: "POST", status: 0 });
    });

    test("a delay fault applies the change first and answers only after the delay", async () => {
        emu.injectFault({ method: "POST", fault: { kind: "delay", ms: 300 } });
        let answered = false;
        const pending = call("POST", tokensPath(), { body: { name: "slow", expires_at: null } }).finally(() => (answered = true));

        // The change shows while the answer is still held back (a poll runs every few ms; the delay is 300 ms).
        expect(await until(() => emu.listTokens(3229).some((t) => t.name === "slow"))).toBe(true);
        expect(answered).toBe(false);
        expect(emu.requests.at(-1)).toMatchObject({ method: "POST", status: 0 });
        const reply = await pending;
        expect(reply.status).toBe(200);
        expect(emu.requests.at(-1)).toMatchObject({ method: "POST", status: 200 });
    });

    test("a delay longer than the client's timeout leaves the change applied", async () => {
        emu.injectFault({ method: "POST", fault: { kind: "delay", ms: 2_000 } });
        await expect(call("POST", tokensPath(), { body: { name: "timed-out", expires_at: null }, timeoutMs: 200 })).rejects.toThrow();
        expect(emu.listTokens(3229).map((t) => t.name)).toContain("timed-out");
    });

    test("a malformed fault applies the change and answers 200 with invalid JSON", async () => {
        emu.injectFault({ method: "POST", fault: { kind: "malformed" } });
        const reply = await call("POST", tokensPath(), { body: { name: "x", expires_at: null } });
        expect(reply.status).toBe(200);
        expect(() => JSON.parse(reply.text)).toThrow();
        expect(emu.listTokens(3229)).toHaveLength(2);
    });

    test("an apply-then-drop fault applies the change, drops the connection and logs status 0", async () => {
        const old = await createViaApi();
        emu.injectFault({ method: "POST", path: /\/reset$/, fault: { kind: "apply-then-drop" } });
        await expect(call("POST", `${tokenPath(old.id)}/reset`)).rejects.toThrow();
        expect(emu.getToken(3229, old.id)?.reset_to).toBeDefined();
        expect(emu.requests.at(-1)).toMatchObject({ status: 0 });
    });

    test("an apply-then-status fault applies the change and answers that status with a JSON error", async () => {
        const victim = await createViaApi();
        emu.injectFault({ method: "DELETE", fault: { kind: "apply-then-status", status: 502 } });
        const reply = await call("DELETE", tokenPath(victim.id));
        expect(reply.status).toBe(502);
        expect(reply.json).toEqual({ error: "Bad Gateway" });
        expect(emu.getToken(3229, victim.id)).toBeUndefined();
    });

    test("a fault fires `times` times then is removed, and only on matching method and path", async () => {
        emu.injectFault({ method: "GET", path: "/api_tokens/", times: 2, fault: { kind: "status", status: 500 } });
        expect((await call("GET", tokensPath())).status).toBe(200);
        expect((await call("GET", tokenPath(1001))).status).toBe(500);
        expect((await call("GET", tokenPath(1001))).status).toBe(500);
        expect((await call("GET", tokenPath(1001))).status).toBe(200);
    });

    test("faults are checked after auth: a 401 does not consume a fault", async () => {
        emu.injectFault({ fault: { kind: "status", status: 500 } });
        expect((await call("GET", tokensPath(), { credential: null })).status).toBe(401);
        expect((await call("GET", tokensPath())).status).toBe(500);
    });

    test("clearFaults removes pending faults", async () => {
        emu.injectFault({ times: Infinity, fault: { kind: "status", status: 500 } });
        expect((await call("GET", tokensPath())).status).toBe(500);
        emu.clearFaults();
        expect((await call("GET", tokensPath())).status).toBe(200);
    });
});

describe("request log", () => {
    beforeEach(() => startEmulator());

    test("every request is logged with method, path, status, clock time, auth and parsed body", async () => {
        await call("POST", `${tokensPath()}?x=1`, { body: { name: "logged", expires_at: null } });
        emu.advance(1_000);
        await call("GET", tokensPath(), { credential: null });
        await call("GET", "/nowhere");
        expect(emu.requests).toEqual([
            { method: "POST", path: tokensPath(), status: 200, at: T0, authenticated: true, body: { name: "logged", expires_at: null } },
            { method: "GET", path: tokensPath(), status: 401, at: T0 + 1_000, authenticated: false },
            { method: "GET", path: "/nowhere", status: 404, at: T0 + 1_000, authenticated: true },
        ]);
        expect(JSON.stringify(emu.requests)).not.toContain(emu.credential);
    });

    test("requestCount filters by method and path; clearRequests empties the log", async () => {
        const created = await createViaApi();
        await call("GET", tokenPath(created.id));
        await call("GET", tokensPath());
        expect(emu.requestCount()).toBe(3);
        expect(emu.requestCount({ method: "GET" })).toBe(2);
        expect(emu.requestCount({ method: "post", path: "/api_tokens" })).toBe(1);
        expect(emu.requestCount({ path: new RegExp(`/${created.id}$`) })).toBe(1);
        emu.clearRequests();
        expect(emu.requestCount()).toBe(0);
    });
});

describe("out-of-band helpers", () => {
    beforeEach(() => startEmulator());

    test("createToken, renameToken and deleteToken change what the API returns, without being logged", async () => {
        const token = emu.createToken(3229, { name: "from the UI", expires_at: null });
        expect(token.created_by).toBe("Emulator");
        expect(emu.isTokenValueLive(token.token)).toBe(true);
        emu.renameToken(3229, token.id, "renamed");
        expect((await call("GET", tokenPath(token.id))).json.name).toBe("renamed");
        expect(emu.deleteToken(3229, token.id)).toBe(true);
        expect(emu.deleteToken(3229, token.id)).toBe(false);
        expect((await call("GET", tokenPath(token.id))).status).toBe(404);
        expect(emu.requestCount()).toBe(2);
    });

    test("createToken applies the API's validation and default expiry", () => {
        expect(() => emu.createToken(3229, { name: "" })).toThrow(/name/);
        expect(emu.createToken(3229, { name: "defaulted" }).expires_at).toBe(new Date(T0 + 90 * 24 * HOUR).toISOString());
    });

    test("resetToken has the endpoint's semantics", () => {
        const old = emu.createToken(3229, { name: "r", expires_at: null });
        const successor = emu.resetToken(3229, old.id);
        expect(successor).toMatchObject({ name: "r", expires_at: null });
        expect(successor.id).not.toBe(old.id);
        expect(emu.getToken(3229, old.id)).toMatchObject({ expires_at: new Date(T0 + 12 * HOUR).toISOString(), reset_to: successor.id });
        expect(() => emu.resetToken(3229, old.id)).toThrow(/cannot be reset/);
        emu.advance(12 * HOUR + 1);
        expect(emu.isTokenValueLive(old.token)).toBe(false);
        expect(emu.isTokenValueLive(successor.token)).toBe(true);
    });

    test("getToken and listTokens return copies that cannot alter state", () => {
        const copy = emu.getToken(3229, 1001)!;
        copy.name = "changed";
        copy.resources.length = 0;
        expect(emu.listTokens(3229)[0]).toMatchObject({ name: "Emulator admin", resources: [ADMIN] });
    });

    test("addAccount makes an empty account reachable by a credential listed for it", async () => {
        emu.addAccount(99);
        emu.addCredential("ops", [99]);
        const reply = await call("GET", tokensPath(99), { credential: "ops" });
        expect(reply.status).toBe(200);
        expect(reply.json).toEqual([]);
        expect(emu.listTokens(99)).toEqual([]);
    });
});

describe("lifecycle and robustness", () => {
    test("baseUrl throws before start and is http://127.0.0.1:<port> after", async () => {
        emu = new MailtrapEmulator();
        expect(() => emu.baseUrl).toThrow(/not started/);
        const url = await emu.start(0);
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(emu.baseUrl).toBe(url);
        expect(emu.credential).toMatch(/^[0-9a-f]{32}$/);
        expect(emu.accountId).toBe(3229);
    });

    test("a given credential and account id seed the admin token", async () => {
        await startEmulator({ accountId: 55, credential: "my-secret-credential" });
        const reply = await call("GET", tokensPath(55), { credential: "my-secret-credential" });
        expect(reply.status).toBe(200);
        expect(reply.json).toEqual([
            expect.objectContaining({ name: "Emulator admin", last_4_digits: "tial", resources: [{ ...ADMIN, resource_id: 55 }] }),
        ]);
    });

    test("the clock follows the given source until setNow or advance switch it to manual", () => {
        let source = 5_000;
        emu = new MailtrapEmulator({ now: () => source });
        expect(emu.now()).toBe(5_000);
        source = 6_000;
        expect(emu.now()).toBe(6_000);
        emu.advance(1_000);
        source = 100_000;
        expect(emu.now()).toBe(7_000);
        emu.setNow(1);
        expect(emu.now()).toBe(1);
    });

    test("a handler error answers 500 and the server keeps serving", async () => {
        await startEmulator();
        const original = (emu as any).dispatch;
        (emu as any).dispatch = () => {
            throw new Error("boom");
        };
        const reply = await call("GET", tokensPath());
        expect(reply.status).toBe(500);
        expect(reply.json).toEqual({ error: "Internal Server Error" });
        (emu as any).dispatch = original;
        expect((await call("GET", tokensPath())).status).toBe(200);
    });

    test("stop resolves while a keep-alive connection is open", async () => {
        await startEmulator();
        const agent = new http.Agent({ keepAlive: true });
        await new Promise<void>((resolve, reject) => {
            http.get(`${emu.baseUrl}${tokensPath()}`, { agent, headers: { "Api-Token": emu.credential } }, (res) => {
                res.resume();
                res.on("end", () => resolve());
            }).on("error", reject);
        });
        const stopped = await settlesWithin(emu.stop(), 2_000);
        agent.destroy();
        expect(stopped).toBe(true);
    });

    test("stop resolves while a delayed answer is pending", async () => {
        await startEmulator();
        emu.injectFault({ fault: { kind: "delay", ms: 60_000 } });
        const pending = call("GET", tokensPath()).catch(() => "dropped");
        // The request arrived and its answer is held back: the delay's timer is set.
        const timers = (emu as unknown as { timers: Set<NodeJS.Timeout> }).timers;
        expect(await until(() => timers.size === 1)).toBe(true);
        const stopped = await settlesWithin(emu.stop(), 2_000);
        expect(stopped).toBe(true);
        expect(await pending).toBe("dropped");
    });
});
