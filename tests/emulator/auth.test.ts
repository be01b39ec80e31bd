/** The emulator's authentication and authorization: which credentials it accepts, on which accounts, and 401 versus 403. */
import { T0, HOUR, ADMIN, emu, startEmulator, useEmulators, call, tokensPath, createViaApi } from "./support";

useEmulators();

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
