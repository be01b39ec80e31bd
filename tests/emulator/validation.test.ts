/** The emulator's validation of a create and of today's reset: 422 naming the field, 400 for a body that is not JSON, 413 for one too large. */
import { emu, startEmulator, useEmulators, call, tokensPath, tokenPath, createViaApi } from "./support";

useEmulators();

describe("validation", () => {
    beforeEach(() => startEmulator());

    const cases: [string, Record<string, unknown>, Record<string, string[]>][] = [
        ["missing name", { expires_at: null }, { name: ["can't be blank"] }],
        ["blank name", { name: "   ", expires_at: null }, { name: ["can't be blank"] }],
        ["name over 255 characters", { name: "x".repeat(256), expires_at: null }, { name: ["is too long (maximum is 255 characters)"] }],
        [
            "unknown resource_type",
            { name: "x", resources: [{ resource_type: "billing", resource_id: 1, access_level: 10 }] },
            { resources: ["resource_type must be one of account, project, inbox, sending_domain, sandbox, domain"] },
        ],
        [
            "access_level other than 10 or 100",
            { name: "x", resources: [{ resource_type: "inbox", resource_id: 1, access_level: 50 }] },
            { access_level: ["must be 10 (viewer) or 100 (admin)"] },
        ],
        ["expires_at in the past", { name: "x", expires_at: "2024-12-31T23:59:59Z" }, { expires_at: ["must be in the future"] }],
        [
            "expires_at over 5 years ahead",
            { name: "x", expires_at: "2030-01-01T00:00:01Z" },
            { expires_at: ["must be at most 5 years from now"] },
        ],
        ["expires_at not a date-time", { name: "x", expires_at: "next tuesday" }, { expires_at: ["is not a valid ISO 8601 date-time"] }],
    ];

    test.each(cases)("create with %s gets 422 naming the field, and creates nothing", async (_label, body, errors) => {
        const reply = await call("POST", tokensPath(), { body });
        expect(reply.status).toBe(422);
        expect(reply.json).toEqual({ errors });
        expect(emu.listTokens(3229)).toHaveLength(1);
    });

    test("expires_at exactly 5 years ahead is accepted", async () => {
        expect((await call("POST", tokensPath(), { body: { name: "x", expires_at: "2030-01-01T00:00:00Z" } })).status).toBe(200);
    });

    test("a body that is not JSON gets 400", async () => {
        const reply = await call("POST", tokensPath(), { rawBody: "{name:", headers: { "Content-Type": "application/json" } });
        expect(reply.status).toBe(400);
        expect(reply.json).toEqual({ error: "Invalid JSON" });
    });

    test("a body over 1 MiB gets 413", async () => {
        const reply = await call("POST", tokensPath(), { body: { name: "x", padding: "a".repeat(1024 * 1024) } });
        expect(reply.status).toBe(413);
        expect(emu.listTokens(3229)).toHaveLength(1);
    });

    const resetExpiryCases: [string, unknown, string][] = [
        ["in the past", "2024-12-31T23:59:59Z", "must be in the future"],
        ["over 5 years ahead", "2030-01-01T00:00:01Z", "must be at most 5 years from now"],
        ["not a date-time", "next tuesday", "is not a valid ISO 8601 date-time"],
        ["not a string", 1735689600, "is not a valid ISO 8601 date-time"],
    ];

    test.each(resetExpiryCases)(
        "reset with expires_at %s gets 422 naming expires_at, and changes nothing",
        async (_label, expiresAt, message) => {
            const old = await createViaApi();
            const reply = await call("POST", `${tokenPath(old.id)}/reset`, { body: { expires_at: expiresAt } });
            expect(reply.status).toBe(422);
            expect(reply.json).toEqual({ errors: { expires_at: [message] } });
            expect(emu.listTokens(3229)).toHaveLength(2);
            expect(emu.getToken(3229, old.id)).toMatchObject({ expires_at: null });
            expect(emu.getToken(3229, old.id)).not.toHaveProperty("reset_to");
        },
    );

    test("reset with a body that is not JSON gets 400, and changes nothing", async () => {
        const old = await createViaApi();
        const reply = await call("POST", `${tokenPath(old.id)}/reset`, {
            rawBody: "{expires_at:",
            headers: { "Content-Type": "application/json" },
        });
        expect(reply.status).toBe(400);
        expect(reply.json).toEqual({ error: "Invalid JSON" });
        expect(emu.listTokens(3229)).toHaveLength(2);
    });

    test("reset with a JSON body that is not an object gets 400", async () => {
        const old = await createViaApi();
        const reply = await call("POST", `${tokenPath(old.id)}/reset`, { body: [null] });
        expect(reply.status).toBe(400);
        expect(reply.json).toEqual({ error: "Request body must be a JSON object" });
    });
});
