#!/usr/bin/env node
/**
 * Runs the Mailtrap API-token emulator on 127.0.0.1 until interrupted. Installed with the package
 * as the `mailtrap-emulator` command (`npx mailtrap-emulator`); in a clone, `npm run emulator`.
 *
 *   mailtrap-emulator [--port N] [--account-id N] [--credential VALUE] [--api-model today|older]
 *
 * Each option can come from the environment instead (a flag wins): MAILTRAP_EMULATOR_PORT,
 * MAILTRAP_EMULATOR_ACCOUNT_ID, MAILTRAP_EMULATOR_CREDENTIAL, MAILTRAP_EMULATOR_API_MODEL.
 */
import { API_MODELS, ApiModel, DEFAULT_ACCOUNT_ID, MailtrapEmulator } from "./server";

const DEFAULT_PORT = 8025;

const DEFAULT_API_MODEL: ApiModel = "today";

/** What each API model does, for the help text and the startup lines. */
const API_MODEL_SUMMARIES: Record<ApiModel, string> = {
    today: "today's API, as the vendor's official clients describe it",
    older: "the older rule of the vendor's reference page in the seed",
};

export const USAGE = [
    "usage: mailtrap-emulator [--port N] [--account-id N] [--credential VALUE] [--api-model today|older]",
    `  --port N            port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)   env MAILTRAP_EMULATOR_PORT`,
    `  --account-id N      the account that exists (default ${DEFAULT_ACCOUNT_ID})           env MAILTRAP_EMULATOR_ACCOUNT_ID`,
    "  --credential VALUE  its admin API token (default: random, printed)   env MAILTRAP_EMULATOR_CREDENTIAL",
    `  --api-model MODEL   the API's expiry rules: today or older (default ${DEFAULT_API_MODEL})   env MAILTRAP_EMULATOR_API_MODEL`,
    "",
    "API models:",
    `  today   ${API_MODEL_SUMMARIES.today}: npm mailtrap 4.10.0`,
    "          (dist/types/api/api-tokens.d.ts, dist/lib/api/resources/ApiTokens.js) and PyPI mailtrap 2.11.0.",
    "          A create without expires_at expires in one year; expires_at null never expires.",
    '          Reset takes an optional body { "expires_at": ... } for the new token, with the same meaning',
    "          (omitted: one year; null: never); it refuses (422) a token already reset or expired.",
    `  older   ${API_MODEL_SUMMARIES.older}: "Reset API token" of the API Tokens reference`,
    "          (OpenAPI 3.1, version 2.0.0; the project keeps it as ../shared/seed/mailtrap-api-tokens.txt).",
    "          Only a token without an expiration can be reset (else 422); reset ignores its body and",
    "          the new token never expires. A create without expires_at expires in 90 days.",
    "  Either way, after a reset the old token keeps working for 12 hours (or until its own expiry, if sooner).",
].join("\n");

interface CliOptions {
    port: number;
    accountId: number;
    credential?: string;
    apiModel: ApiModel;
}

/** Options from the environment, then the flags (a flag wins). */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): CliOptions | "help" {
    const fromEnv = (name: string) => (env[name] === undefined || env[name]!.trim() === "" ? undefined : env[name]!.trim());
    const envPort = fromEnv("MAILTRAP_EMULATOR_PORT");
    const envAccount = fromEnv("MAILTRAP_EMULATOR_ACCOUNT_ID");
    const envApiModel = fromEnv("MAILTRAP_EMULATOR_API_MODEL");
    const options: CliOptions = {
        port: envPort === undefined ? DEFAULT_PORT : parseInteger(envPort, "MAILTRAP_EMULATOR_PORT", 0, 65535),
        accountId: envAccount === undefined ? DEFAULT_ACCOUNT_ID : parseInteger(envAccount, "MAILTRAP_EMULATOR_ACCOUNT_ID", 1),
        credential: fromEnv("MAILTRAP_EMULATOR_CREDENTIAL"),
        apiModel: envApiModel === undefined ? DEFAULT_API_MODEL : parseApiModel(envApiModel, "MAILTRAP_EMULATOR_API_MODEL"),
    };
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].split("=", 2);
        const value = () => {
            const v = inline ?? argv[++i];
            if (v === undefined) throw new Error(`${flag} needs a value`);
            return v;
        };
        switch (flag) {
            case "--port":
                options.port = parseInteger(value(), "--port", 0, 65535);
                break;
            case "--account-id":
                options.accountId = parseInteger(value(), "--account-id", 1);
                break;
            case "--credential":
                options.credential = value();
                if (options.credential.trim() === "") throw new Error("--credential must not be empty");
                break;
            case "--api-model":
                options.apiModel = parseApiModel(value(), "--api-model");
                break;
            case "-h":
            case "--help":
                return "help";
            default:
                throw new Error(`unknown argument ${argv[i]}`);
        }
    }
    return options;
}

function parseInteger(text: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = Number(text.trim());
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
        throw new Error(`${what} must be an integer from ${min} to ${max}, got "${text}"`);
    }
    return value;
}

function parseApiModel(text: string, what: string): ApiModel {
    const model = text.trim() as ApiModel;
    if (!API_MODELS.includes(model)) throw new Error(`${what} must be one of ${API_MODELS.join(", ")}, got "${text}"`);
    return model;
}

async function main(): Promise<void> {
    // A reader that went away (`mailtrap-emulator | head`) does not stop the emulator.
    process.stdout.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code !== "EPIPE") throw err;
    });
    let parsed: CliOptions | "help";
    try {
        parsed = parseArgs(process.argv.slice(2), process.env);
    } catch (err) {
        console.error(`${(err as Error).message}\n${USAGE}`);
        process.exit(2);
    }
    if (parsed === "help") {
        console.log(USAGE);
        process.exit(0);
    }
    const options = parsed;

    const emulator = new MailtrapEmulator({ accountId: options.accountId, credential: options.credential, apiModel: options.apiModel });
    let baseUrl: string;
    try {
        baseUrl = await emulator.start(options.port);
    } catch (err) {
        console.error(`cannot start the emulator on 127.0.0.1:${options.port}: ${(err as Error).message}`);
        process.exit(1);
    }

    console.log(`Mailtrap API-token emulator listening on ${baseUrl}`);
    console.log(`base URL:   ${baseUrl}`);
    console.log(`account id: ${emulator.accountId}`);
    console.log(`credential: ${emulator.credential}`);
    console.log(`API model:  ${options.apiModel} (${API_MODEL_SUMMARIES[options.apiModel]}; --help says more)`);
    console.log("");
    console.log("Point a Pulumi stack at it:");
    console.log(`  pulumi config set mailtrap:baseUrl ${baseUrl}`);
    console.log(`  pulumi config set mailtrap:accountId ${emulator.accountId}`);
    console.log(`  pulumi config set --secret mailtrap:apiToken ${emulator.credential}`);
    console.log("or the environment:");
    console.log(`  export MAILTRAP_BASE_URL=${baseUrl}`);
    console.log(`  export MAILTRAP_ACCOUNT_ID=${emulator.accountId}`);
    console.log(`  export MAILTRAP_API_TOKEN=${emulator.credential}`);
    console.log("");
    console.log("State is in memory only. Press Ctrl+C to stop.");

    let stopping = false;
    const shutdown = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        console.log(`${signal}: stopping the emulator`);
        emulator.stop().then(
            () => process.exit(0),
            (err: Error) => {
                console.error(`error while stopping: ${err.message}`);
                process.exit(1);
            },
        );
    };
    process.on("SIGINT", shutdown);
    process.on("SIGTERM", shutdown);
}

if (require.main === module) {
    void main();
}
