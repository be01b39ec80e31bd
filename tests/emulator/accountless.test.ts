/**
 * The account-less routes (`/api/api_tokens…`, as the vendor's description has them): the same
 * store as the account-scoped routes, on the credential's own account.
 */
import { ADMIN, TOKEN_FIELDS, emu, startEmulator, useEmulators, call, tokenPath, createViaApi } from "./support";

useEmulators();

const OWN_TOKENS = "/api/api_tokens";
const ownToken = (id: number) => `${OWN_TOKENS}/${id}`;

describe("account-less routes", () => {
    beforeEach(() => startEmulator());

    test("list answers 200 with the credential's own account's tokens, as the account-scoped list does", async () => {
        await createViaApi({ name: "listed", expires_at: null });
        const accountless = await call("GET", OWN_TOKENS);
        expect(accountless.status).toBe(200);
        expect(accountless.json).toEqual((await call("GET", "/api/accounts/3229/api_tokens")).json);
        expect(accountless.json.map((t: { name: string }) => t.name)).toEqual(["Emulator admin", "listed"]);
    });

    test("create answers 200 with the token and its value, in the credential's own account", async () => {
        const reply = await call("POST", OWN_TOKENS, { body: { name: "own", expires_at: null } });
        expect(reply.status).toBe(200);
        expect(Object.keys(reply.json).sort()).toEqual([...TOKEN_FIELDS, "token"].sort());
        expect(emu.getToken(3229, reply.json.id)).toMatchObject({ name: "own", account_id: 3229, token: reply.json.token });
    });

    test("get answers a token of the account, without its value; the account-scoped route finds the same token", async () => {
        const created = await createViaApi();
        const reply = await call("GET", ownToken(created.id));
        expect(reply.status).toBe(200);
        expect(Object.keys(reply.json).sort()).toEqual(TOKEN_FIELDS);
        expect(reply.json).toEqual((await call("GET", tokenPath(created.id))).json);
    });

    test("delete answers 204 and the token is gone from both families", async () => {
        const created = await createViaApi();
        expect((await call("DELETE", ownToken(created.id))).status).toBe(204);
        expect((await call("GET", tokenPath(created.id))).status).toBe(404);
        expect(emu.getToken(3229, created.id)).toBeUndefined();
    });

    test("reset answers the successor with its value, and follows today's model (its body states the expiry)", async () => {
        const created = await createViaApi();
        const reply = await call("POST", `${ownToken(created.id)}/reset`, { body: { expires_at: "2025-06-01T00:00:00Z" } });
        expect(reply.status).toBe(200);
        expect(reply.json).toMatchObject({ name: "ci", expires_at: "2025-06-01T00:00:00.000Z" });
        expect(emu.getToken(3229, created.id)?.reset_to).toBe(reply.json.id);
    });

    test("404 for a token id the account does not hold; 405 for a method the path does not take", async () => {
        expect(await call("GET", ownToken(999_999))).toMatchObject({ status: 404, json: { error: "Not Found" } });
        expect((await call("POST", `${ownToken(999_999)}/reset`)).status).toBe(404);
        expect((await call("PUT", OWN_TOKENS)).status).toBe(405);
        expect((await call("GET", `${ownToken(1001)}/reset`)).status).toBe(405);
    });

    test("404 for paths beside the family", async () => {
        for (const path of [
            `${OWN_TOKENS}/abc`,
            `${OWN_TOKENS}/0`,
            `${ownToken(1001)}/rotate`,
            `${ownToken(1001)}/reset/x`,
            "/api/api_token",
        ]) {
            expect({ path, status: (await call("GET", path)).status }).toEqual({ path, status: 404 });
        }
    });

    test("a missing credential gets 401", async () => {
        expect(await call("GET", OWN_TOKENS, { credential: null })).toMatchObject({ status: 401, json: { error: "Incorrect API token" } });
    });

    test("a token created through the API acts on its own account, and needs account admin access there", async () => {
        const admin = await createViaApi({ name: "admin", resources: [ADMIN], expires_at: null });
        const viewer = await createViaApi({ name: "viewer", resources: [{ ...ADMIN, access_level: 10 }], expires_at: null });
        expect((await call("GET", OWN_TOKENS, { credential: admin.token })).status).toBe(200);
        expect(await call("GET", OWN_TOKENS, { credential: viewer.token })).toMatchObject({
            status: 403,
            json: { errors: "Access forbidden" },
        });
    });

    test("a token's own account is the one it was created in, whichever other accounts exist", async () => {
        emu.addAccount(7);
        emu.addCredential("extra-credential", [7]);
        const elsewhere = (
            await call("POST", OWN_TOKENS, {
                credential: "extra-credential",
                body: { name: "in 7", resources: [{ ...ADMIN, resource_id: 7 }], expires_at: null },
            })
        ).json;
        const listed = await call("GET", OWN_TOKENS, { credential: elsewhere.token });
        expect(listed.json.map((t: { id: number }) => t.id)).toEqual([elsewhere.id]);
        expect((await call("GET", ownToken(1001), { credential: elsewhere.token })).status).toBe(404);
    });

    test("an extra credential on one account acts on that account", async () => {
        emu.addAccount(7);
        emu.addCredential("extra-credential", [7]);
        const created = await call("POST", OWN_TOKENS, { credential: "extra-credential", body: { name: "x", expires_at: null } });
        expect(created.status).toBe(200);
        expect(emu.getToken(7, created.json.id)?.created_by).toBe("API");
    });

    test("an extra credential on several accounts lists and finds tokens in all of them, and cannot create (403)", async () => {
        emu.addAccount(7);
        emu.addCredential("organization", [3229, 7]);
        const inSeven = emu.createToken(7, { name: "in 7", expires_at: null });
        const listed = await call("GET", OWN_TOKENS, { credential: "organization" });
        expect(listed.json.map((t: { id: number }) => t.id)).toEqual([1001, inSeven.id]);
        expect((await call("GET", ownToken(inSeven.id), { credential: "organization" })).status).toBe(200);
        const refused = await call("POST", OWN_TOKENS, { credential: "organization", body: { name: "where?", expires_at: null } });
        expect(refused).toMatchObject({ status: 403, json: { errors: "Access forbidden" } });
        expect(emu.listTokens(3229)).toHaveLength(1);
        expect(emu.listTokens(7)).toHaveLength(1);
    });

    test("an extra credential whose accounts do not exist gets 403", async () => {
        emu.addCredential("nowhere", [4242]);
        expect((await call("GET", OWN_TOKENS, { credential: "nowhere" })).status).toBe(403);
    });

    test("the request log records the account-less path as sent", async () => {
        await call("GET", OWN_TOKENS);
        expect(emu.requests.map((r) => [r.method, r.path, r.status])).toEqual([["GET", OWN_TOKENS, 200]]);
    });
});
