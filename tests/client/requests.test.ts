/** MailtrapClient against the local emulator: the request each call sends, and how each answer maps to camelCase. */
import { secrets, emu, accountId, seeded, useEmulatorPerTest, client, expectNoSecrets, issued, tokensPath, tokenPath } from "./support";

useEmulatorPerTest();

describe("requests and response mapping", () => {
    test("listTokens sends GET …/api_tokens with the credential and maps each token to camelCase", async () => {
        const tokens = await client().listTokens(accountId);

        expect(emu.requests.map((r) => [r.method, r.path, r.authenticated])).toEqual([["GET", tokensPath(), true]]);
        const mine = tokens.find((t) => t.id === seeded.id);
        expect(mine).toEqual({
            id: seeded.id,
            name: "seeded",
            last4Digits: seeded.value.slice(-4),
            createdBy: "Emulator",
            expiresAt: null,
            resources: [
                { resourceType: "account", resourceId: accountId, accessLevel: "admin" },
                { resourceType: "inbox", resourceId: 77, accessLevel: "viewer" },
            ],
        });
        expect(tokens.map((t) => t.id)).toContain(seeded.id);
        expectNoSecrets([JSON.stringify(tokens)]);
    });

    test("getToken sends GET …/api_tokens/{id} and maps the token, without a value", async () => {
        const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
        const made = emu.createToken(accountId, { name: "expiring", expires_at: expiresAt });
        secrets.add(made.token);

        const token = await client().getToken(accountId, made.id);

        expect(emu.requests.map((r) => [r.method, r.path])).toEqual([["GET", tokenPath(made.id)]]);
        expect(token).toEqual({
            id: made.id,
            name: "expiring",
            last4Digits: made.token.slice(-4),
            createdBy: "Emulator",
            expiresAt,
            resources: [],
        });
        expect(token).not.toHaveProperty("token");
    });

    test("createToken sends POST …/api_tokens with access_level numbers and expires_at null when no expiry is given", async () => {
        const token = issued(
            await client().createToken(accountId, {
                name: "deploy",
                resources: [
                    { resourceType: "account", resourceId: accountId, accessLevel: "viewer" },
                    { resourceType: "sending_domain", resourceId: "example.com", accessLevel: "admin" },
                ],
                expiresAt: null,
            }),
        );

        expect(emu.requests).toHaveLength(1);
        expect(emu.requests[0]).toMatchObject({ method: "POST", path: tokensPath(), status: 200 });
        expect(emu.requests[0].body).toEqual({
            name: "deploy",
            resources: [
                { resource_type: "account", resource_id: accountId, access_level: 10 },
                { resource_type: "sending_domain", resource_id: "example.com", access_level: 100 },
            ],
            expires_at: null,
        });
        expect(token).toEqual({
            id: expect.any(Number),
            name: "deploy",
            last4Digits: token.token.slice(-4),
            createdBy: "Emulator admin",
            expiresAt: null,
            resources: [
                { resourceType: "account", resourceId: accountId, accessLevel: "viewer" },
                { resourceType: "sending_domain", resourceId: "example.com", accessLevel: "admin" },
            ],
            token: expect.stringMatching(/.{8,}/),
        });
        expect(emu.getToken(accountId, token.id)?.token).toBe(token.token);
    });

    test("createToken sends the given expires_at and maps it back", async () => {
        const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
        const token = issued(await client().createToken(accountId, { name: "short", resources: [], expiresAt }));

        expect((emu.requests[0].body as { expires_at: unknown }).expires_at).toBe(expiresAt);
        expect(token.expiresAt).toBe(expiresAt);
    });

    test("resetToken states the successor's expiry in its body: JSON null for never, else the instant", async () => {
        const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
        const never = issued(await client().resetToken(accountId, seeded.id, null));
        const dated = issued(await client().resetToken(accountId, never.id, expiresAt));

        expect(emu.requests.map((r) => r.body)).toEqual([{ expires_at: null }, { expires_at: expiresAt }]);
        expect(dated.expiresAt).toBe(expiresAt);
    });

    test("resetToken sends POST …/api_tokens/{id}/reset and returns the successor with its new value", async () => {
        const token = issued(await client().resetToken(accountId, seeded.id, null));

        expect(emu.requests.map((r) => [r.method, r.path, r.status])).toEqual([["POST", `${tokenPath(seeded.id)}/reset`, 200]]);
        expect(token.id).not.toBe(seeded.id);
        expect(token.token).not.toBe(seeded.value);
        expect(token.last4Digits).toBe(token.token.slice(-4));
        expect(token.name).toBe("seeded");
        expect(token.expiresAt).toBeNull();
        expect(token.resources).toEqual([
            { resourceType: "account", resourceId: accountId, accessLevel: "admin" },
            { resourceType: "inbox", resourceId: 77, accessLevel: "viewer" },
        ]);
        expect(emu.getToken(accountId, seeded.id)?.expires_at).not.toBeNull();
    });

    test("deleteToken sends DELETE …/api_tokens/{id} and resolves on 204", async () => {
        await expect(client().deleteToken(accountId, seeded.id)).resolves.toBeUndefined();

        expect(emu.requests.map((r) => [r.method, r.path, r.status])).toEqual([["DELETE", tokenPath(seeded.id), 204]]);
        expect(emu.getToken(accountId, seeded.id)).toBeUndefined();
    });

    test("a trailing slash on the base URL does not change the request path", async () => {
        await client({ baseUrl: `${emu.baseUrl}/` }).getToken(accountId, seeded.id);

        expect(emu.requests.map((r) => r.path)).toEqual([tokenPath(seeded.id)]);
    });
});
