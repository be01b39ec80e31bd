import { parseArgs } from "../../provider/emulator/cli";

/** The emulator command's options: flags, the environment, and which wins. */
describe("mailtrap-emulator options", () => {
    it("defaults to port 8025, account 3229 and a random credential", () => {
        expect(parseArgs([], {})).toEqual({ port: 8025, accountId: 3229, credential: undefined });
    });

    it("reads each option from the environment", () => {
        const env = { MAILTRAP_EMULATOR_PORT: "0", MAILTRAP_EMULATOR_ACCOUNT_ID: "4000", MAILTRAP_EMULATOR_CREDENTIAL: "from-env" };
        expect(parseArgs([], env)).toEqual({ port: 0, accountId: 4000, credential: "from-env" });
    });

    it("lets a flag win over the environment, in either spelling", () => {
        const env = { MAILTRAP_EMULATOR_PORT: "9000", MAILTRAP_EMULATOR_ACCOUNT_ID: "4000", MAILTRAP_EMULATOR_CREDENTIAL: "from-env" };
        expect(parseArgs(["--port", "9001", "--account-id=5000", "--credential", "from-flag"], env)).toEqual({
            port: 9001,
            accountId: 5000,
            credential: "from-flag",
        });
    });

    it("treats an empty variable as unset", () => {
        expect(parseArgs([], { MAILTRAP_EMULATOR_PORT: " ", MAILTRAP_EMULATOR_CREDENTIAL: "" })).toEqual({
            port: 8025,
            accountId: 3229,
            credential: undefined,
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
