/** The emulator's endpoints: list, create, get and delete in the wire shape, and 404 and 405 for what is not there. */
import { MailtrapEmulator } from "../../provider/emulator/server";
import { T0, HOUR, TOKEN_FIELDS, ADMIN, emu, startEmulator, useEmulators, call, tokensPath, tokenPath, createViaApi } from "./support";

useEmulators();

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

    test("create without an expires_at key gets today's default expiry, one calendar year from now", async () => {
        const defaulted = await createViaApi({ name: "defaulted" });
        expect(defaulted.expires_at).toBe("2026-01-01T00:00:00.000Z");
    });

    test("create with expires_at null never expires", async () => {
        const never = await createViaApi({ name: "never", expires_at: null });
        expect(never.expires_at).toBeNull();
    });

    test("an explicit defaultExpiryDays overrides today's one-year default of a create", async () => {
        await emu.stop();
        await startEmulator({ defaultExpiryDays: 30 });
        expect((await createViaApi({ name: "defaulted" })).expires_at).toBe(new Date(T0 + 30 * 24 * HOUR).toISOString());
    });

    test("under the older model, create without an expires_at key gets the default 90-day expiry", async () => {
        await emu.stop();
        await startEmulator({ apiModel: "older" });
        expect((await createViaApi({ name: "defaulted" })).expires_at).toBe(new Date(T0 + 90 * 24 * HOUR).toISOString());
    });

    test("an unknown apiModel is refused when the emulator is made, naming the allowed values", () => {
        expect(() => new MailtrapEmulator({ apiModel: "newer" as never })).toThrow('apiModel must be one of today, older, got "newer"');
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
