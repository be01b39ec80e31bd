/**
 * MailtrapClient without an account: every method takes `undefined` for the account-less routes
 * (`/api/api_tokens…`, the credential's own account), and its error messages name no account.
 */
import { emu, accountId, seeded, useEmulatorPerTest, client, failure, issued, NEVER_EXPIRES, WRONG_CREDENTIAL } from "./support";

useEmulatorPerTest();

const OWN_TOKENS = "/api/api_tokens";
const ownToken = (id: number) => `${OWN_TOKENS}/${id}`;

describe("requests without an account", () => {
    test("listTokens(undefined) sends GET /api/api_tokens and maps the tokens", async () => {
        const tokens = await client().listTokens(undefined);

        expect(emu.requests.map((r) => [r.method, r.path, r.status])).toEqual([["GET", OWN_TOKENS, 200]]);
        expect(tokens.find((t) => t.id === seeded.id)).toMatchObject({ name: "seeded", last4Digits: seeded.value.slice(-4) });
    });

    test("getToken(undefined, id) sends GET /api/api_tokens/{id}", async () => {
        const token = await client().getToken(undefined, seeded.id);

        expect(emu.requests.map((r) => [r.method, r.path, r.status])).toEqual([["GET", ownToken(seeded.id), 200]]);
        expect(token).toMatchObject({ id: seeded.id, name: "seeded" });
    });

    test("createToken(undefined, …) sends POST /api/api_tokens with the same body, into the credential's account", async () => {
        const token = issued(
            await client().createToken(undefined, {
                name: "own",
                resources: [{ resourceType: "project", resourceId: 5, accessLevel: "viewer" }],
                expiresAt: null,
            }),
        );

        expect(emu.requests.map((r) => [r.method, r.path, r.body])).toEqual([
            [
                "POST",
                OWN_TOKENS,
                { name: "own", resources: [{ resource_type: "project", resource_id: 5, access_level: 10 }], expires_at: null },
            ],
        ]);
        expect(emu.getToken(accountId, token.id)?.token).toBe(token.token);
    });

    test("deleteToken(undefined, id) sends DELETE /api/api_tokens/{id}", async () => {
        await client().deleteToken(undefined, seeded.id);

        expect(emu.requests.map((r) => [r.method, r.path, r.status])).toEqual([["DELETE", ownToken(seeded.id), 204]]);
        expect(emu.getToken(accountId, seeded.id)).toBeUndefined();
    });

    test("resetToken(undefined, id, expiry) sends POST /api/api_tokens/{id}/reset stating the expiry", async () => {
        const successor = issued(await client().resetToken(undefined, seeded.id, null));

        expect(emu.requests.map((r) => [r.method, r.path, r.body])).toEqual([
            ["POST", `${ownToken(seeded.id)}/reset`, { expires_at: null }],
        ]);
        expect(successor).toMatchObject({ name: "seeded", expiresAt: null });
        expect(successor.id).not.toBe(seeded.id);
    });
});

describe("errors without an account", () => {
    test("the operation names no account: list", async () => {
        const error = await failure(client({ apiToken: WRONG_CREDENTIAL }).listTokens(undefined));

        expect(error.status).toBe(401);
        expect(error.operation).toBe("list API tokens");
        expect(error.message).not.toContain("account");
    });

    test("the operation names no account: get, delete and reset of an unknown token, create refused", async () => {
        const get = await failure(client().getToken(undefined, 987654));
        const del = await failure(client().deleteToken(undefined, 987654));
        const reset = await failure(client().resetToken(undefined, 987654, null));
        const create = await failure(client().createToken(undefined, { ...NEVER_EXPIRES, name: " " }));

        expect([get.operation, del.operation, reset.operation, create.operation]).toEqual([
            "get API token 987654",
            "delete API token 987654",
            "reset API token 987654",
            'create API token " "',
        ]);
        expect(get.isNotFound && del.isNotFound && reset.isNotFound).toBe(true);
        expect(create.status).toBe(422);
    });
});
