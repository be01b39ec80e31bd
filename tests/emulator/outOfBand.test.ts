/** The emulator's out-of-band helpers: changing its state directly, without going through the API. */
import { T0, HOUR, ADMIN, emu, startEmulator, useEmulators, call, tokensPath, tokenPath } from "./support";

useEmulators();

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
        expect(emu.createToken(3229, { name: "defaulted" }).expires_at).toBe("2026-01-01T00:00:00.000Z");
    });

    test("resetToken has the endpoint's semantics: a successor, and the old token kept for the grace period", () => {
        const old = emu.createToken(3229, { name: "r", expires_at: null });
        const successor = emu.resetToken(3229, old.id, null);
        expect(successor).toMatchObject({ name: "r", expires_at: null });
        expect(successor.id).not.toBe(old.id);
        expect(emu.getToken(3229, old.id)).toMatchObject({ expires_at: new Date(T0 + 12 * HOUR).toISOString(), reset_to: successor.id });
        expect(() => emu.resetToken(3229, old.id)).toThrow(/cannot be reset/);
        emu.advance(12 * HOUR + 1);
        expect(emu.isTokenValueLive(old.token)).toBe(false);
        expect(emu.isTokenValueLive(successor.token)).toBe(true);
    });

    test("resetToken gives the successor the expiry it is passed, and the one-year default without one", () => {
        const first = emu.createToken(3229, { name: "a", expires_at: null });
        const second = emu.createToken(3229, { name: "b", expires_at: null });
        expect(emu.resetToken(3229, first.id, "2025-06-01T00:00:00Z").expires_at).toBe("2025-06-01T00:00:00.000Z");
        expect(emu.resetToken(3229, second.id).expires_at).toBe("2026-01-01T00:00:00.000Z");
    });

    test("resetToken refuses a date the API would refuse, with the API's errors", () => {
        const old = emu.createToken(3229, { name: "r", expires_at: null });
        expect(() => emu.resetToken(3229, old.id, "2024-01-01T00:00:00Z")).toThrow(
            expect.objectContaining({ status: 422, errors: { expires_at: ["must be in the future"] } }),
        );
        expect(emu.getToken(3229, old.id)?.reset_to).toBeUndefined();
    });

    test("under the older model, resetToken ignores the expiry it is passed and refuses a token with an expiry", async () => {
        await emu.stop();
        await startEmulator({ apiModel: "older" });
        const old = emu.createToken(3229, { name: "r", expires_at: null });
        expect(emu.resetToken(3229, old.id, "2025-06-01T00:00:00Z").expires_at).toBeNull();
        expect(() => emu.resetToken(3229, old.id)).toThrow("token has an expiration set and cannot be reset");
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
