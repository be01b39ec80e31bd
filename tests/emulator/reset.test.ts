/** The emulator's reset under both API models: the successor token, its expiry, and the old one's grace period. */
import { T0, HOUR, TOKEN_FIELDS, ADMIN, emu, startEmulator, useEmulators, call, tokensPath, tokenPath, createViaApi } from "./support";

useEmulators();

const DAY = 24 * HOUR;
const resetPath = (id: number) => `${tokenPath(id)}/reset`;

describe("reset, under either model", () => {
    beforeEach(() => startEmulator());

    test("reset answers 200 with a new id and value, same name and resources", async () => {
        const old = await createViaApi({ name: "rotating", resources: [ADMIN], expires_at: null });
        const reply = await call("POST", resetPath(old.id), { body: { expires_at: null } });
        expect(reply.status).toBe(200);
        expect(Object.keys(reply.json).sort()).toEqual([...TOKEN_FIELDS, "token"].sort());
        expect(reply.json.id).not.toBe(old.id);
        expect(reply.json.token).toMatch(/^[0-9a-f]{32}$/);
        expect(reply.json.token).not.toBe(old.token);
        expect(reply.json).toMatchObject({ name: "rotating", resources: [ADMIN], created_by: "Emulator admin" });
    });

    test("reset gives the old token expires_at = now + 12 h and points it at its successor", async () => {
        const old = await createViaApi();
        const successor = (await call("POST", resetPath(old.id))).json;
        const oldNow = (await call("GET", tokenPath(old.id))).json;
        expect(oldNow.expires_at).toBe(new Date(T0 + 12 * HOUR).toISOString());
        expect(emu.getToken(3229, old.id)?.reset_to).toBe(successor.id);
    });

    test("the old value authenticates during the grace period and not after it", async () => {
        const old = await createViaApi({ name: "self", resources: [ADMIN], expires_at: null });
        const successor = (await call("POST", resetPath(old.id), { credential: old.token })).json;
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
        await call("POST", resetPath(old.id));
        expect(emu.getToken(3229, old.id)?.expires_at).toBe(new Date(T0 + HOUR).toISOString());
    });
});

describe("reset, under today's model (the default)", () => {
    beforeEach(() => startEmulator());

    test("reset without a body gives the successor the default expiry, one calendar year from now", async () => {
        const old = await createViaApi();
        const reply = await call("POST", resetPath(old.id));
        expect(reply.status).toBe(200);
        expect(reply.json.expires_at).toBe("2026-01-01T00:00:00.000Z");
    });

    test("reset with a body that omits expires_at gives the successor the one-year default", async () => {
        const old = await createViaApi();
        expect((await call("POST", resetPath(old.id), { body: {} })).json.expires_at).toBe("2026-01-01T00:00:00.000Z");
    });

    test("reset with expires_at null gives a successor that never expires", async () => {
        const old = await createViaApi();
        const reply = await call("POST", resetPath(old.id), { body: { expires_at: null } });
        expect(reply.status).toBe(200);
        expect(reply.json.expires_at).toBeNull();
    });

    test("reset with a date gives the successor that expiry, normalised to ISO UTC", async () => {
        const old = await createViaApi();
        const reply = await call("POST", resetPath(old.id), { body: { expires_at: "2025-06-01T12:00:00+02:00" } });
        expect(reply.status).toBe(200);
        expect(reply.json.expires_at).toBe("2025-06-01T10:00:00.000Z");
    });

    test("a token created with a future expiry can be reset", async () => {
        const dated = await createViaApi({ name: "dated", expires_at: "2025-03-01T00:00:00Z" });
        expect((await call("POST", resetPath(dated.id), { body: { expires_at: null } })).status).toBe(200);
    });

    test("a second reset of the old token is refused with 422 saying it was already reset, and creates nothing", async () => {
        const old = await createViaApi();
        expect((await call("POST", resetPath(old.id))).status).toBe(200);
        const again = await call("POST", resetPath(old.id), { body: { expires_at: null } });
        expect(again.status).toBe(422);
        expect(again.json).toEqual({ errors: { base: ["token has already been reset and cannot be reset again"] } });
        expect(emu.listTokens(3229)).toHaveLength(3);
    });

    test("reset of a token that has expired is refused with 422 saying so, and creates nothing", async () => {
        const dated = await createViaApi({ name: "dated", expires_at: "2025-01-02T00:00:00Z" });
        emu.advance(DAY + 1);
        const reply = await call("POST", resetPath(dated.id), { body: { expires_at: null } });
        expect(reply.status).toBe(422);
        expect(reply.json).toEqual({ errors: { base: ["token has expired and cannot be reset"] } });
        expect(emu.listTokens(3229)).toHaveLength(2);
    });

    test("an old token whose own expiry comes before the end of the grace period keeps it", async () => {
        const soon = await createViaApi({ name: "soon", expires_at: "2025-01-01T01:00:00Z" });
        await call("POST", resetPath(soon.id), { body: { expires_at: null } });
        expect(emu.getToken(3229, soon.id)?.expires_at).toBe("2025-01-01T01:00:00.000Z");
    });

    test("an old token whose own expiry comes after the end of the grace period expires at its end", async () => {
        const later = await createViaApi({ name: "later", expires_at: "2025-03-01T00:00:00Z" });
        await call("POST", resetPath(later.id), { body: { expires_at: null } });
        expect(emu.getToken(3229, later.id)?.expires_at).toBe(new Date(T0 + 12 * HOUR).toISOString());
    });

    test("an explicit defaultExpiryDays overrides the one-year default of a reset", async () => {
        await emu.stop();
        await startEmulator({ defaultExpiryDays: 30 });
        const old = await createViaApi();
        expect((await call("POST", resetPath(old.id))).json.expires_at).toBe(new Date(T0 + 30 * DAY).toISOString());
    });
});

describe("reset, under the older model (the seed's rule)", () => {
    beforeEach(() => startEmulator({ apiModel: "older" }));

    test("reset gives a successor that never expires", async () => {
        const old = await createViaApi();
        const reply = await call("POST", resetPath(old.id));
        expect(reply.status).toBe(200);
        expect(reply.json.expires_at).toBeNull();
    });

    test("reset ignores its body: a date asked for the successor is not applied", async () => {
        const old = await createViaApi();
        const reply = await call("POST", resetPath(old.id), { body: { expires_at: "2025-06-01T00:00:00Z" } });
        expect(reply.status).toBe(200);
        expect(reply.json.expires_at).toBeNull();
    });

    test("reset ignores a body that is not JSON", async () => {
        const old = await createViaApi();
        const reply = await call("POST", resetPath(old.id), { rawBody: "{expires_at:", headers: { "Content-Type": "application/json" } });
        expect(reply.status).toBe(200);
    });

    test("a second reset of the old token is refused with 422", async () => {
        const old = await createViaApi();
        expect((await call("POST", resetPath(old.id))).status).toBe(200);
        const again = await call("POST", resetPath(old.id));
        expect(again.status).toBe(422);
        expect(again.json).toEqual({ errors: { expires_at: ["token has an expiration set and cannot be reset"] } });
        expect(emu.listTokens(3229)).toHaveLength(3);
    });

    test("a token created with an expiry cannot be reset", async () => {
        const dated = await createViaApi({ name: "dated", expires_at: "2025-03-01T00:00:00Z" });
        const reply = await call("POST", resetPath(dated.id));
        expect(reply.status).toBe(422);
        expect(reply.json).toEqual({ errors: { expires_at: ["token has an expiration set and cannot be reset"] } });
    });
});
