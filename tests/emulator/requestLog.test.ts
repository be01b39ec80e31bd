/** The emulator's request log: what each request records, and how to count and clear it. */
import { T0, emu, startEmulator, useEmulators, call, tokensPath, tokenPath, createViaApi } from "./support";

useEmulators();

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
