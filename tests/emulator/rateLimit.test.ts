/** The emulator's rate limit: 429 with Retry-After, per credential, a slot freed once its window has passed. */
import { emu, startEmulator, useEmulators, call, tokensPath } from "./support";

useEmulators();

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
