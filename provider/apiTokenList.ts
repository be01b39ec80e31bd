/**
 * The listing behind `getApiTokens`, with no Pulumi SDK: the dynamic package passes the program's
 * config (provider/getApiTokens.ts), the native plugin its provider's (provider/native/service.ts),
 * so the plugin's bundle and its invoke path never load `@pulumi/pulumi`.
 */
import { MailtrapClient } from "./client/client";
import { checkBaseUrl, resolveSettings, SETTINGS } from "./settings";
import { ApiTokenInfo } from "./types";

export interface GetApiTokensArgs {
    /** The account to list; defaults to `mailtrap:accountId` (or `MAILTRAP_ACCOUNT_ID`), else the API token's own account. */
    accountId?: number;
    /** The credential; defaults to `mailtrap:apiToken` (or `MAILTRAP_API_TOKEN`). */
    apiToken?: string;
    /** The API's base URL; defaults to `mailtrap:baseUrl`, `MAILTRAP_BASE_URL`, or https://mailtrap.io. */
    baseUrl?: string;
}

/**
 * Lists the account's API tokens (one GET); `fromConfig` reads a setting by its key
 * (`mailtrap:accountId`) where an argument is not given, then `env`'s variables.
 */
export async function listApiTokens(
    args: GetApiTokensArgs,
    fromConfig: (key: string) => string | undefined,
    env: NodeJS.ProcessEnv = process.env,
): Promise<ApiTokenInfo[]> {
    const argumentProblems = checkArguments(args);
    if (argumentProblems.length > 0) {
        throw new Error(`mailtrap: getApiTokens: ${argumentProblems.join("; ")}`);
    }
    const overrides: Record<string, string | undefined> = {
        [SETTINGS.apiToken.key]: args.apiToken,
        [SETTINGS.accountId.key]: args.accountId === undefined || args.accountId === null ? undefined : String(args.accountId),
        [SETTINGS.baseUrl.key]: args.baseUrl,
    };
    const { settings, problems } = resolveSettings((key) => overrides[key] ?? fromConfig(key), env);
    if (problems.length > 0) {
        // Arguments were checked above, so a problem here comes from stack config or the environment: say which.
        const origin = (key: string) => {
            const setting = Object.values(SETTINGS).find((s) => s.key === key);
            return setting && !present(fromConfig(key)) && present(env[setting.env]) ? `${setting.env} (environment)` : key;
        };
        throw new Error(`mailtrap: getApiTokens: ${problems.map((p) => `${origin(p.key)} ${p.reason}`).join("; ")}`);
    }
    if (!settings.apiToken) {
        throw new Error("mailtrap: getApiTokens: no API token: pass apiToken, set mailtrap:apiToken, or set MAILTRAP_API_TOKEN");
    }
    const client = new MailtrapClient({
        baseUrl: settings.baseUrl,
        apiToken: settings.apiToken,
        requestTimeoutMs: settings.requestTimeoutMs,
        retry: settings.retry,
        rateLimit: settings.rateLimit,
    });
    return client.listTokens(settings.accountId);
}

/**
 * Problems of the arguments themselves, each naming the argument (`baseUrl`), not the config key
 * it stands in for. An empty argument counts as not given, as an empty setting does.
 */
function checkArguments(args: GetApiTokensArgs): string[] {
    const problems: string[] = [];
    const given = (value: unknown) => value !== undefined && value !== null && !(typeof value === "string" && value.trim() === "");
    if (given(args.accountId) && !(Number.isSafeInteger(Number(args.accountId)) && Number(args.accountId) > 0)) {
        problems.push(`argument accountId must be a positive whole number, got ${JSON.stringify(args.accountId)}`);
    }
    if (given(args.baseUrl)) {
        const problem =
            typeof args.baseUrl === "string" ? checkBaseUrl(args.baseUrl.trim()) : `must be a string, got ${typeof args.baseUrl}`;
        if (problem) {
            problems.push(`argument baseUrl ${problem}`);
        }
    }
    if (given(args.apiToken) && typeof args.apiToken !== "string") {
        problems.push(`argument apiToken must be a string, got ${typeof args.apiToken}`);
    }
    return problems;
}

function present(value: string | undefined): boolean {
    return value !== undefined && value.trim() !== "";
}
