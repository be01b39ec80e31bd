import { USAGE, parseArgs } from "../../provider/emulator/cli";

/** The emulator command's options: flags, the environment, and which wins. */
describe("mailtrap-emulator options", () => {
    it("defaults to port 8025, account 3229, a random credential and today's API model", () => {
        expect(parseArgs([], {})).toEqual({ port: 8025, accountId: 3229, credential: undefined, apiModel: "today" });
    });

    it("reads each option from the environment", () => {
        const env = {
            MAILTRAP_EMULATOR_PORT: "0",
            MAILTRAP_EMULATOR_ACCOUNT_ID: "4000",
            MAILTRAP_EMULATOR_CREDENTIAL: "from-env",
            MAILTRAP_EMULATOR_API_MODEL: "older",
        };
        expect(parseArgs([], env)).toEqual({ port: 0, accountId: 4000, credential: "from-env", apiModel: "older" });
    });

    it("lets a flag win over the environment, in either spelling", () => {
        const env = { MAILTRAP_EMULATOR_PORT: "9000", MAILTRAP_EMULATOR_ACCOUNT_ID: "4000", MAILTRAP_EMULATOR_CREDENTIAL: "from-env" };
        expect(parseArgs(["--port", "9001", "--account-id=5000", "--credential", "from-flag"], env)).toEqual({
            port: 9001,
            accountId: 5000,
            credential: "from-flag",
            apiModel: "today",
        });
    });

    it("lets --api-model win over MAILTRAP_EMULATOR_API_MODEL, in either spelling", () => {
        const env = { MAILTRAP_EMULATOR_API_MODEL: "today" };
        expect(parseArgs(["--api-model", "older"], env)).toMatchObject({ apiModel: "older" });
        expect(parseArgs(["--api-model=today"], { MAILTRAP_EMULATOR_API_MODEL: "older" })).toMatchObject({ apiModel: "today" });
    });

    it("refuses an unknown API model, naming the allowed values", () => {
        expect(() => parseArgs(["--api-model", "newer"], {})).toThrow('--api-model must be one of today, older, got "newer"');
        expect(() => parseArgs([], { MAILTRAP_EMULATOR_API_MODEL: "2024" })).toThrow(
            'MAILTRAP_EMULATOR_API_MODEL must be one of today, older, got "2024"',
        );
    });

    it("states in its help both API models and where each comes from", () => {
        expect(USAGE).toContain("--api-model MODEL");
        expect(USAGE).toContain("npm mailtrap 4.10.0");
        expect(USAGE).toContain("dist/types/api/api-tokens.d.ts, dist/lib/api/resources/ApiTokens.js");
        expect(USAGE).toContain("PyPI mailtrap 2.11.0");
        expect(USAGE).toContain("../shared/seed/mailtrap-api-tokens.txt");
        expect(USAGE).toMatch(/today .*official clients/);
        expect(USAGE).toMatch(/older .*reference page/);
    });

    it("treats an empty variable as unset", () => {
        expect(parseArgs([], { MAILTRAP_EMULATOR_PORT: " ", MAILTRAP_EMULATOR_CREDENTIAL: "" })).toEqual({
            port: 8025,
            accountId: 3229,
            credential: undefined,
            apiModel: "today",
        });
    });

    it("names what is wrong", () => {
        expect(() => parseArgs([], { MAILTRAP_EMULATOR_ACCOUNT_ID: "abc" })).toThrow(
            "MAILTRAP_EMULATOR_ACCOUNT_ID must be an integer from 1 to",
        );
        expect(() => parseArgs(["--port", "70000"], {})).toThrow('--port must be an integer from 0 to 65535, got "70000"');
        expect(() => parseArgs(["--credential"], {})).toThrow("--credential needs a value");
        expect(() => parseArgs(["--credential", " "], {})).toThrow("--credential must not be empty");
        expect(() => parseArgs(["--verbose"], {})).toThrow("unknown argument --verbose");
        expect(parseArgs(["--help"], {})).toBe("help");
    });
});
