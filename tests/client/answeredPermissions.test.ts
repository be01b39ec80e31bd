/**
 * MailtrapClient reading permissions it does not fully know: a kind in either spelling or one it
 * has never seen is kept as answered, an id as a number or a string, and an access level without a
 * name (the API knows 1, 50 and 1000 besides 10 and 100) is the number the API gave. None breaks a read.
 */
import { emu, accountId, seeded, useEmulatorPerTest, client, issued } from "./support";

useEmulatorPerTest();

/** A token answered with these permissions (the API's answer, not the emulator's store). */
function answerWith(resources: unknown[], times = 1): void {
    emu.injectFault({
        method: "GET",
        times,
        fault: {
            kind: "status",
            status: 200,
            body: { id: seeded.id, name: "seeded", last_4_digits: "abcd", created_by: "UI", expires_at: null, resources },
        },
    });
}

describe("answered permissions", () => {
    test("access levels 10 and 100 read as viewer and admin", async () => {
        answerWith([
            { resource_type: "account", resource_id: accountId, access_level: 10 },
            { resource_type: "project", resource_id: 5, access_level: 100 },
        ]);

        const token = await client().getToken(accountId, seeded.id);

        expect(token.resources.map((p) => p.accessLevel)).toEqual(["viewer", "admin"]);
    });

    test.each([1, 50, 1000])("an access level without a name (%i) reads as the number the API gave", async (level) => {
        answerWith([{ resource_type: "account", resource_id: accountId, access_level: level }]);

        const token = await client().getToken(accountId, seeded.id);

        expect(token.resources).toEqual([{ resourceType: "account", resourceId: accountId, accessLevel: level }]);
    });

    test("the renamed kinds and a kind the client does not know are kept as answered", async () => {
        answerWith([
            { resource_type: "sandbox", resource_id: 77, access_level: 10 },
            { resource_type: "domain", resource_id: "example.com", access_level: 100 },
            { resource_type: "billing", resource_id: accountId, access_level: 50 },
        ]);

        const token = await client().getToken(accountId, seeded.id);

        expect(token.resources).toEqual([
            { resourceType: "sandbox", resourceId: 77, accessLevel: "viewer" },
            { resourceType: "domain", resourceId: "example.com", accessLevel: "admin" },
            { resourceType: "billing", resourceId: accountId, accessLevel: 50 },
        ]);
    });

    test("a list answering unknown kinds and levels is read whole", async () => {
        emu.injectFault({
            method: "GET",
            fault: {
                kind: "status",
                status: 200,
                body: [
                    {
                        id: 1,
                        name: "owner",
                        last_4_digits: "abcd",
                        created_by: "UI",
                        expires_at: null,
                        resources: [{ resource_type: "organization", resource_id: "9", access_level: 1000 }],
                    },
                ],
            },
        });

        const tokens = await client().listTokens(undefined);

        expect(tokens[0].resources).toEqual([{ resourceType: "organization", resourceId: "9", accessLevel: 1000 }]);
    });

    test("the emulator's normalised, renamed answers (ids as strings, another order) read as answered", async () => {
        emu.setPermissionAnswers({ resourceTypeNames: "renamed", normalisePermissions: true });

        const token = await client().getToken(accountId, seeded.id);

        expect(token.resources).toEqual([
            { resourceType: "sandbox", resourceId: "77", accessLevel: "viewer" },
            { resourceType: "account", resourceId: String(accountId), accessLevel: "admin" },
        ]);
    });

    test("createToken sends a numeric access level as that number, and the renamed kinds as given", async () => {
        const token = issued(
            await client().createToken(accountId, {
                name: "numbers",
                resources: [
                    { resourceType: "account", resourceId: accountId, accessLevel: 100 },
                    { resourceType: "sandbox" as never, resourceId: 77, accessLevel: "viewer" },
                ],
                expiresAt: null,
            }),
        );

        expect(emu.requests[0].body).toMatchObject({
            resources: [
                { resource_type: "account", resource_id: accountId, access_level: 100 },
                { resource_type: "sandbox", resource_id: 77, access_level: 10 },
            ],
        });
        expect(token.resources.map((p) => p.accessLevel)).toEqual(["admin", "viewer"]);
    });
});
