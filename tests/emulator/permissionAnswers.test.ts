/**
 * How answers show permissions: both spellings of the renamed kinds accepted in requests, answered
 * as sent, renamed (`sandbox`, `domain`) or older (`inbox`, `sending_domain`); and, normalised,
 * in another order with every id a string.
 */
import { MailtrapEmulator } from "../../provider/emulator/server";
import { ADMIN, emu, startEmulator, useEmulators, call, tokenPath, tokensPath } from "./support";

useEmulators();

const OLDER_KINDS = [
    { resource_type: "inbox", resource_id: 77, access_level: 10 },
    { resource_type: "sending_domain", resource_id: "example.com", access_level: 100 },
];
const RENAMED_KINDS = [
    { resource_type: "sandbox", resource_id: 77, access_level: 10 },
    { resource_type: "domain", resource_id: "example.com", access_level: 100 },
];

async function create(resources: unknown[]): Promise<{ status: number; json: any }> {
    return call("POST", tokensPath(), { body: { name: "kinds", resources, expires_at: null } });
}

describe("permission answers", () => {
    test("by default, each spelling is accepted and answered as sent", async () => {
        await startEmulator();
        expect((await create(OLDER_KINDS)).json.resources).toEqual(OLDER_KINDS);
        expect((await create(RENAMED_KINDS)).json.resources).toEqual(RENAMED_KINDS);
    });

    test('"renamed" answers sandbox and domain on create, get, list and reset, whatever the request said', async () => {
        await startEmulator({ resourceTypeNames: "renamed" });
        const created = await create([ADMIN, ...OLDER_KINDS]);
        const answers = [
            created.json,
            (await call("GET", tokenPath(created.json.id))).json,
            (await call("GET", tokensPath())).json[1],
            (await call("POST", `${tokenPath(created.json.id)}/reset`, { body: { expires_at: null } })).json,
        ];
        for (const answer of answers) expect(answer.resources).toEqual([ADMIN, ...RENAMED_KINDS]);
    });

    test('"older" answers inbox and sending_domain, whatever the request said', async () => {
        await startEmulator({ resourceTypeNames: "older" });
        expect((await create(RENAMED_KINDS)).json.resources).toEqual(OLDER_KINDS);
    });

    test("the store keeps the spelling as sent: only answers are respelled", async () => {
        await startEmulator({ resourceTypeNames: "renamed" });
        const created = await create(OLDER_KINDS);
        expect(emu.getToken(3229, created.json.id)?.resources).toEqual(OLDER_KINDS);
    });

    test("normalised permissions come back in another order, every resource_id a string", async () => {
        await startEmulator({ normalisePermissions: true });
        const created = await create([ADMIN, ...OLDER_KINDS]);
        const expected = [
            { resource_type: "sending_domain", resource_id: "example.com", access_level: 100 },
            { resource_type: "inbox", resource_id: "77", access_level: 10 },
            { resource_type: "account", resource_id: "3229", access_level: 100 },
        ];
        expect(created.json.resources).toEqual(expected);
        expect((await call("GET", tokenPath(created.json.id))).json.resources).toEqual(expected);
    });

    test("setPermissionAnswers changes the answers from the next request on, keeping what it does not name", async () => {
        await startEmulator({ normalisePermissions: true });
        const created = await create(OLDER_KINDS);
        emu.setPermissionAnswers({ resourceTypeNames: "renamed" });
        expect(emu.permissionAnswers).toEqual({ resourceTypeNames: "renamed", normalisePermissions: true });
        expect((await call("GET", tokenPath(created.json.id))).json.resources).toEqual([
            { resource_type: "domain", resource_id: "example.com", access_level: 100 },
            { resource_type: "sandbox", resource_id: "77", access_level: 10 },
        ]);
    });

    test("an unknown spelling setting is refused when the emulator is made, naming the allowed values", () => {
        expect(() => new MailtrapEmulator({ resourceTypeNames: "newest" as never })).toThrow(
            'resourceTypeNames must be one of as-sent, renamed, older, got "newest"',
        );
    });
});
