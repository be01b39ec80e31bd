import * as pulumi from "@pulumi/pulumi";
import { MailtrapEmulator } from "../provider/emulator/server";
import { getApiTokens, getApiTokensOutput } from "../provider/getApiTokens";

/**
 * getApiTokens and getApiTokensOutput against the emulator, in this process under Pulumi's mocks
 * (an update, not a preview): what they list, what they never hold, which input a failure names,
 * and which results are secret.
 */

const CONFIG_KEYS = ["MAILTRAP_API_TOKEN", "MAILTRAP_ACCOUNT_ID", "MAILTRAP_BASE_URL"];

/** The value of an output, once known. */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}

describe("getApiTokens and getApiTokensOutput", () => {
    let emulator: MailtrapEmulator;
    let baseUrl: string;
    const savedEnv: Record<string, string | undefined> = {};

    beforeAll(async () => {
        for (const key of CONFIG_KEYS) {
            savedEnv[key] = process.env[key];
            delete process.env[key];
        }
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
                call: () => ({}),
            },
            "project",
            "stack",
            false,
        );
        emulator = new MailtrapEmulator();
        baseUrl = await emulator.start(0);
        emulator.createToken(emulator.accountId, { name: "made by hand", expires_at: null });
    });

    afterAll(async () => {
        await emulator.stop();
        for (const key of CONFIG_KEYS) {
            if (savedEnv[key] === undefined) delete process.env[key];
            else process.env[key] = savedEnv[key];
        }
    });

    const plainArgs = () => ({ accountId: emulator.accountId, apiToken: emulator.credential, baseUrl });

    it("getApiTokens lists the account's tokens, never a value", async () => {
        const tokens = await getApiTokens(plainArgs());
        expect(tokens.map((t) => t.name).sort()).toEqual(["Emulator admin", "made by hand"]);
        const values = emulator.listTokens(emulator.accountId).map((t) => t.token);
        for (const token of tokens) {
            expect(Object.keys(token).sort()).toEqual(["createdBy", "expiresAt", "id", "last4Digits", "name", "resources"]);
        }
        for (const value of values) expect(JSON.stringify(tokens)).not.toContain(value);
    });

    it("names the baseUrl argument, not the config key, when the argument is wrong", async () => {
        const before = emulator.requests.length;
        await expect(getApiTokens({ ...plainArgs(), baseUrl: "http://mailtrap.example.com" })).rejects.toThrow(
            /^mailtrap: getApiTokens: argument baseUrl must use https .*got "http:\/\/mailtrap\.example\.com"$/,
        );
        await expect(getApiTokens({ ...plainArgs(), baseUrl: "not a url" })).rejects.toThrow(/argument baseUrl must be an absolute/);
        await expect(getApiTokens({ ...plainArgs(), accountId: 0 })).rejects.toThrow(/argument accountId must be a positive whole number/);
        // Nothing was sent.
        expect(emulator.requests.length).toBe(before);
    });

    it("names the environment variable when a wrong baseUrl comes from the environment", async () => {
        process.env.MAILTRAP_BASE_URL = "http://mailtrap.example.com";
        try {
            await expect(getApiTokens({ accountId: emulator.accountId, apiToken: emulator.credential })).rejects.toThrow(
                /MAILTRAP_BASE_URL \(environment\) must use https/,
            );
        } finally {
            delete process.env.MAILTRAP_BASE_URL;
        }
    });

    it("getApiTokensOutput takes outputs and promises as arguments, and its result is not secret when they are not", async () => {
        const result = getApiTokensOutput({
            accountId: pulumi.output(emulator.accountId),
            apiToken: Promise.resolve(emulator.credential),
            baseUrl: pulumi.output(baseUrl),
        });
        expect(pulumi.Output.isInstance(result)).toBe(true);
        expect((await valueOf(result)).map((t) => t.name).sort()).toEqual(["Emulator admin", "made by hand"]);
        expect(await pulumi.isSecret(result)).toBe(false);
    });

    it("getApiTokensOutput's result is secret when the credential passed is (a config secret, say), and holds no value either way", async () => {
        const result = getApiTokensOutput({ ...plainArgs(), apiToken: pulumi.secret(emulator.credential) });
        expect(await pulumi.isSecret(result)).toBe(true);
        const tokens = await valueOf(result);
        expect(tokens).toHaveLength(2);
        for (const value of emulator.listTokens(emulator.accountId).map((t) => t.token)) {
            expect(JSON.stringify(tokens)).not.toContain(value);
        }
    });

    it("getApiTokensOutput lists only once the resources in dependsOn exist", async () => {
        const before = emulator.requests.length;
        let created = false;
        class Slow extends pulumi.CustomResource {
            constructor(name: string) {
                super("test:index:Slow", name, {});
            }
        }
        const slow = new Slow("slow");
        slow.id.apply(() => (created = true));
        const result = getApiTokensOutput(plainArgs(), { dependsOn: [slow] });
        const names = await valueOf(result.apply((tokens) => ({ created, count: tokens.length })));
        expect(names).toEqual({ created: true, count: 2 });
        expect(emulator.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([
            `GET /api/accounts/${emulator.accountId}/api_tokens`,
        ]);
    });
});
