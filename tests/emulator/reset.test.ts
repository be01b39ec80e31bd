/** The emulator's reset: the successor token, and the old one's grace period. */
import { T0, HOUR, TOKEN_FIELDS, ADMIN, emu, startEmulator, useEmulators, call, tokensPath, tokenPath, createViaApi } from "./support";

useEmulators();

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
