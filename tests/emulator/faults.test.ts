/** The emulator's injected faults: status, reset, delay, malformed and apply-then-drop answers, and when each fires. */
import { emu, startEmulator, useEmulators, call, until, tokensPath, tokenPath, createViaApi } from "./support";

useEmulators();

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
