/**
 * The emulator command's permission-answer switches and what it prints on start: the settings to
 * use, with the account id optional, which a client without an account id can follow.
 */
import { USAGE, parseArgs, startupLines } from "../../provider/emulator/cli";
import { MailtrapClient } from "../../provider/client/client";
import { startEmulator, useEmulators } from "./support";

useEmulators();

describe("mailtrap-emulator's permission-answer switches", () => {
    test("are unset by default, so the emulator's own defaults apply", () => {
        const parsed = parseArgs([], {});
        expect(parsed).not.toHaveProperty("resourceTypeNames");
        expect(parsed).not.toHaveProperty("normalisePermissions");
    });

    test("come from the environment", () => {
        const env = { MAILTRAP_EMULATOR_RESOURCE_TYPE_NAMES: "renamed", MAILTRAP_EMULATOR_NORMALISE_PERMISSIONS: "1" };
        expect(parseArgs([], env)).toMatchObject({ resourceTypeNames: "renamed", normalisePermissions: true });
    });

    test("a flag wins over the environment; --normalise-permissions alone turns it on, =false off", () => {
        const env = { MAILTRAP_EMULATOR_RESOURCE_TYPE_NAMES: "renamed", MAILTRAP_EMULATOR_NORMALISE_PERMISSIONS: "yes" };
        expect(parseArgs(["--resource-type-names", "older", "--normalise-permissions=false"], env)).toMatchObject({
            resourceTypeNames: "older",
            normalisePermissions: false,
        });
        expect(parseArgs(["--normalise-permissions", "--port", "0"], {})).toMatchObject({ normalisePermissions: true, port: 0 });
    });

    test("refuse an unknown value, naming the allowed ones", () => {
        expect(() => parseArgs(["--resource-type-names=newest"], {})).toThrow(
            '--resource-type-names must be one of as-sent, renamed, older, got "newest"',
        );
        expect(() => parseArgs([], { MAILTRAP_EMULATOR_NORMALISE_PERMISSIONS: "maybe" })).toThrow(
            'MAILTRAP_EMULATOR_NORMALISE_PERMISSIONS must be 1, true, yes or on (or 0, false, no, off), got "maybe"',
        );
    });

    test("are in the help, with both route families and where each comes from", () => {
        expect(USAGE).toContain("[--resource-type-names as-sent|renamed|older] [--normalise-permissions]");
        expect(USAGE).toContain("env MAILTRAP_EMULATOR_RESOURCE_TYPE_NAMES");
        expect(USAGE).toContain("env MAILTRAP_EMULATOR_NORMALISE_PERMISSIONS");
        expect(USAGE).toMatch(/\/api\/accounts\/\{account_id\}\/api_tokens.*npm mailtrap 4\.10\.0/);
        expect(USAGE).toMatch(/\/api\/api_tokens, .*the vendor's OpenAPI description/);
    });
});

describe("what mailtrap-emulator prints on start", () => {
    test("says the account id is optional and how answers show permissions", async () => {
        const emulator = await startEmulator({ credential: "printed", resourceTypeNames: "renamed", normalisePermissions: true });
        const text = startupLines(emulator, "today").join("\n");
        expect(text).toMatch(/^account id: 3229 \(optional: without one, \/api\/api_tokens… serve the credential's own account/m);
        expect(text).toContain(`pulumi config set mailtrap:accountId 3229   # optional`);
        expect(text).toMatch(/without mailtrap:accountId and MAILTRAP_ACCOUNT_ID, the provider uses the\naccount-less routes/);
        expect(text).toMatch(/^answers: +resource types renamed \(sandbox and domain.*permissions normalised/m);
    });

    test("has exactly three export lines, and a client following them without the account id reaches the account", async () => {
        const emulator = await startEmulator({ credential: "printed" });
        const exports = Object.fromEntries(
            [
                ...startupLines(emulator, "today")
                    .join("\n")
                    .matchAll(/^\s*export (MAILTRAP_\w+)=(\S+)$/gm),
            ].map((m) => [m[1], m[2]]),
        );
        expect(Object.keys(exports).sort()).toEqual(["MAILTRAP_ACCOUNT_ID", "MAILTRAP_API_TOKEN", "MAILTRAP_BASE_URL"]);

        const client = new MailtrapClient({ baseUrl: exports.MAILTRAP_BASE_URL, apiToken: exports.MAILTRAP_API_TOKEN, rateLimit: null });
        const tokens = await client.listTokens(undefined);

        expect(tokens.map((t) => t.name)).toEqual(["Emulator admin"]);
        expect(emulator.requests.map((r) => [r.path, r.status])).toEqual([["/api/api_tokens", 200]]);
    });
});
