#!/usr/bin/env node
/**
 * Runs the Mailtrap API-token emulator on 127.0.0.1 until interrupted. Installed with the package
 * as the `mailtrap-emulator` command (`npx mailtrap-emulator`); in a clone, `npm run emulator`.
 *
 *   mailtrap-emulator [--port N] [--account-id N] [--credential VALUE] [--api-model today|older]
 *                     [--resource-type-names as-sent|renamed|older] [--normalise-permissions]
 *
 * Each option can come from the environment instead (a flag wins): MAILTRAP_EMULATOR_PORT,
 * MAILTRAP_EMULATOR_ACCOUNT_ID, MAILTRAP_EMULATOR_CREDENTIAL, MAILTRAP_EMULATOR_API_MODEL,
 * MAILTRAP_EMULATOR_RESOURCE_TYPE_NAMES, MAILTRAP_EMULATOR_NORMALISE_PERMISSIONS.
 */
import {
    API_MODELS,
    ApiModel,
    DEFAULT_ACCOUNT_ID,
    MailtrapEmulator,
    PermissionAnswers,
    RESOURCE_TYPE_NAMES,
    ResourceTypeNames,
} from "./server";

const DEFAULT_PORT = 8025;

const DEFAULT_API_MODEL: ApiModel = "today";

/** What each API model does, for the help text and the startup lines. */
const API_MODEL_SUMMARIES: Record<ApiModel, string> = {
    today: "today's API, as the vendor's official clients describe it",
    older: "the older rule of the vendor's reference page in the seed",
};

/** How the answers spell permission kinds, for the startup lines. */
const RESOURCE_TYPE_NAME_SUMMARIES: Record<ResourceTypeNames, string> = {
    "as-sent": "as each token's permissions were given",
    renamed: "sandbox and domain, as the vendor's description does",
    older: "inbox and sending_domain, as the npm client's types do",
};

export const USAGE = [
    "usage: mailtrap-emulator [--port N] [--account-id N] [--credential VALUE] [--api-model today|older]",
    "                         [--resource-type-names as-sent|renamed|older] [--normalise-permissions]",
    `  --port N            port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)   env MAILTRAP_EMULATOR_PORT`,
    `  --account-id N      the account that exists (default ${DEFAULT_ACCOUNT_ID})           env MAILTRAP_EMULATOR_ACCOUNT_ID`,
    "  --credential VALUE  its admin API token (default: random, printed)   env MAILTRAP_EMULATOR_CREDENTIAL",
    `  --api-model MODEL   the API's expiry rules: today or older (default ${DEFAULT_API_MODEL})   env MAILTRAP_EMULATOR_API_MODEL`,
    "  --resource-type-names NAMES  how answers spell permission kinds: as-sent, renamed or older (default as-sent)",
    "                      env MAILTRAP_EMULATOR_RESOURCE_TYPE_NAMES",
    "  --normalise-permissions  answer permissions in another order (reversed) and with every resource_id a string",
    "                      (default off)   env MAILTRAP_EMULATOR_NORMALISE_PERMISSIONS=1",
    "",
    "Routes: both families, on one store.",
    "  /api/accounts/{account_id}/api_tokens, …/{id}, …/{id}/reset   as npm mailtrap 4.10.0 and PyPI mailtrap 2.11.0 call them",
    "  /api/api_tokens, /api/api_tokens/{id}, /api/api_tokens/{id}/reset   as the vendor's OpenAPI description",
    "          (../shared/vendor/mailtrap-openapi/account-management.openapi.yml), mailtrap-go and Terraform do.",
    "  Without an account in the path, the account is the credential's own: so a client needs no account id.",
    "  An extra credential (a test's, on several accounts, as an organization-level token) lists and finds",
    "  tokens in all of them there, and cannot create (403): no one account is meant.",
    "",
    "Resource type names: the vendor renamed inbox to sandbox and sending_domain to domain (2026-05-15).",
    "  Requests may use either spelling. as-sent answers a permission as it was given; renamed answers",
    "  sandbox and domain (the vendor's description); older answers inbox and sending_domain (npm mailtrap's types).",
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

interface CliOptions extends PermissionAnswers {
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
    const envNames = fromEnv("MAILTRAP_EMULATOR_RESOURCE_TYPE_NAMES");
    const envNormalise = fromEnv("MAILTRAP_EMULATOR_NORMALISE_PERMISSIONS");
    const options: CliOptions = {
        port: envPort === undefined ? DEFAULT_PORT : parseInteger(envPort, "MAILTRAP_EMULATOR_PORT", 0, 65535),
        accountId: envAccount === undefined ? DEFAULT_ACCOUNT_ID : parseInteger(envAccount, "MAILTRAP_EMULATOR_ACCOUNT_ID", 1),
        credential: fromEnv("MAILTRAP_EMULATOR_CREDENTIAL"),
        apiModel: envApiModel === undefined ? DEFAULT_API_MODEL : parseApiModel(envApiModel, "MAILTRAP_EMULATOR_API_MODEL"),
    };
    // Set only when given: unset, the emulator's defaults apply.
    if (envNames !== undefined) options.resourceTypeNames = parseResourceTypeNames(envNames, "MAILTRAP_EMULATOR_RESOURCE_TYPE_NAMES");
    if (envNormalise !== undefined) options.normalisePermissions = parseSwitch(envNormalise, "MAILTRAP_EMULATOR_NORMALISE_PERMISSIONS");
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
            case "--resource-type-names":
                options.resourceTypeNames = parseResourceTypeNames(value(), "--resource-type-names");
                break;
            case "--normalise-permissions":
                // A switch: on by itself; `=false` (or 0, no) turns it off, e.g. over the environment's.
                options.normalisePermissions = inline === undefined ? true : parseSwitch(inline, "--normalise-permissions");
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

function parseResourceTypeNames(text: string, what: string): ResourceTypeNames {
    const names = text.trim() as ResourceTypeNames;
    if (!RESOURCE_TYPE_NAMES.includes(names)) throw new Error(`${what} must be one of ${RESOURCE_TYPE_NAMES.join(", ")}, got "${text}"`);
    return names;
}

function parseSwitch(text: string, what: string): boolean {
    const word = text.trim().toLowerCase();
    if (["1", "true", "yes", "on"].includes(word)) return true;
    if (["0", "false", "no", "off"].includes(word)) return false;
    throw new Error(`${what} must be 1, true, yes or on (or 0, false, no, off), got "${text}"`);
}

/**
 * What the command prints once it listens: the settings to use, and that the account id is
 * optional (the account-less routes serve the credential's own account). Exactly three `export`
 * lines: scripts read them.
 */
export function startupLines(emulator: MailtrapEmulator, apiModel: ApiModel): string[] {
    const { baseUrl, accountId, credential } = emulator;
    const answers = emulator.permissionAnswers;
    const shape = answers.normalisePermissions ? "normalised (reversed, ids as strings)" : "as stored";
    return [
        `Mailtrap API-token emulator listening on ${baseUrl}`,
        `base URL:   ${baseUrl}`,
        `account id: ${accountId} (optional: without one, /api/api_tokens… serve the credential's own account, this one)`,
        `credential: ${credential}`,
        `API model:  ${apiModel} (${API_MODEL_SUMMARIES[apiModel]}; --help says more)`,
        `routes:     ${baseUrl}/api/accounts/${accountId}/api_tokens… and ${baseUrl}/api/api_tokens…`,
        `answers:    resource types ${answers.resourceTypeNames} (${RESOURCE_TYPE_NAME_SUMMARIES[answers.resourceTypeNames]}); permissions ${shape}`,
        "",
        "Point a Pulumi stack at it:",
        `  pulumi config set mailtrap:baseUrl ${baseUrl}`,
        `  pulumi config set --secret mailtrap:apiToken ${credential}`,
        `  pulumi config set mailtrap:accountId ${accountId}   # optional`,
        "or the environment:",
        `  export MAILTRAP_BASE_URL=${baseUrl}`,
        `  export MAILTRAP_API_TOKEN=${credential}`,
        `  export MAILTRAP_ACCOUNT_ID=${accountId}`,
        "The account id is optional: without mailtrap:accountId and MAILTRAP_ACCOUNT_ID, the provider uses the",
        "account-less routes (/api/api_tokens…), which act on the credential's own account.",
        "",
        "State is in memory only. Press Ctrl+C to stop.",
    ];
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

    const emulator = new MailtrapEmulator({
        accountId: options.accountId,
        credential: options.credential,
        apiModel: options.apiModel,
        resourceTypeNames: options.resourceTypeNames,
        normalisePermissions: options.normalisePermissions,
    });
    try {
        await emulator.start(options.port);
    } catch (err) {
        console.error(`cannot start the emulator on 127.0.0.1:${options.port}: ${(err as Error).message}`);
        process.exit(1);
    }

    console.log(startupLines(emulator, options.apiModel).join("\n"));

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
