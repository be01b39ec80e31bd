/** MailtrapClient against the local emulator: how an API error becomes a one-line MailtrapApiError with status and operation. */
import {
    CREDENTIAL,
    WRONG_CREDENTIAL,
    emu,
    accountId,
    seeded,
    useEmulatorPerTest,
    client,
    failure,
    issued,
    NEVER_EXPIRES,
} from "./support";

useEmulatorPerTest();

describe("error mapping", () => {
    test("401: a rejected credential gives operation, status and the API's message in one line", async () => {
        const error = await failure(client({ apiToken: WRONG_CREDENTIAL }).listTokens(accountId));

        expect(error.status).toBe(401);
        expect(error.operation).toBe(`list API tokens of account ${accountId}`);
        expect(error.message).toContain(`list API tokens of account ${accountId}`);
        expect(error.message).toContain("401");
        expect(error.message).toContain("Incorrect API token");
        expect(error.isNotFound).toBe(false);
        expect(emu.requests).toHaveLength(1);
    });

    test("403: an account the credential cannot reach gives status 403 and the API's message", async () => {
        const error = await failure(client().getToken(424242, seeded.id));

        expect(error.status).toBe(403);
        expect(error.message).toContain(`get API token ${seeded.id} in account 424242`);
        expect(error.message).toContain("403");
        expect(error.message).toContain("Access forbidden");
        expect(error.isNotFound).toBe(false);
        expect(emu.requests).toHaveLength(1);
    });

    test("404: an unknown token gives status 404 and isNotFound", async () => {
        const error = await failure(client().getToken(accountId, 987654));

        expect(error.status).toBe(404);
        expect(error.isNotFound).toBe(true);
        expect(error.message).toContain(`get API token 987654 in account ${accountId}`);
        expect(error.message).toContain("404");
        expect(error.message).toContain("Not Found");
        expect(emu.requests).toHaveLength(1);
    });

    test("404 on delete also reports isNotFound", async () => {
        const error = await failure(client().deleteToken(accountId, 987654));

        expect(error.isNotFound).toBe(true);
        expect(error.message).toContain(`delete API token 987654 in account ${accountId}`);
    });

    test("422: the message carries the API's field message, and the create is known not to have happened", async () => {
        const error = await failure(client().createToken(accountId, { ...NEVER_EXPIRES, name: "   " }));

        expect(error.status).toBe(422);
        expect(error.message).toContain("create API token");
        expect(error.message).toContain("422");
        expect(error.message).toContain("name can't be blank");
        expect(error.outcomeUnknown).toBe(false);
        expect(emu.requests).toHaveLength(1);
    });

    test("422: resetting a token that was already reset carries the API's reason", async () => {
        issued(await client().resetToken(accountId, seeded.id, null));
        const error = await failure(client().resetToken(accountId, seeded.id, null));

        expect(error.status).toBe(422);
        expect(error.message).toContain(`reset API token ${seeded.id} in account ${accountId}`);
        expect(error.message).toContain("token has already been reset and cannot be reset again");
    });

    test("the message stays one line when the API's message spans several lines", async () => {
        emu.injectFault({
            method: "POST",
            fault: { kind: "status", status: 422, body: { errors: { name: ["is invalid\nsee the docs\r\nfor details"] } } },
        });

        const error = await failure(client().createToken(accountId, NEVER_EXPIRES));

        expect(error.message).toContain("is invalid");
        expect(error.message).not.toMatch(/[\r\n]/);
    });

    test("an API error body that echoes the credential is redacted from the error", async () => {
        emu.injectFault({ method: "GET", fault: { kind: "status", status: 400, body: { error: `bad token ${CREDENTIAL} given` } } });

        const error = await failure(client().listTokens(accountId));

        expect(error.status).toBe(400);
        expect(error.message).toContain("bad token");
        expect(error.message).not.toContain(CREDENTIAL);
    });
});
