import * as pulumi from "@pulumi/pulumi";
import { MailtrapClient } from "./client/client";
import { checkBaseUrl, resolveSettings, SETTINGS } from "./settings";
import { ApiTokenInfo } from "./types";

export interface GetApiTokensArgs {
    /** The account to list; defaults to `mailtrap:accountId` (or `MAILTRAP_ACCOUNT_ID`). */
    accountId?: number;
    /** The credential; defaults to `mailtrap:apiToken` (or `MAILTRAP_API_TOKEN`). */
    apiToken?: string;
    /** The API's base URL; defaults to `mailtrap:baseUrl`, `MAILTRAP_BASE_URL`, or https://mailtrap.io. */
    baseUrl?: string;
}

/** {@link GetApiTokensArgs} as Pulumi inputs: plain values, outputs (a secret credential from config, say) or promises. */
export interface GetApiTokensOutputArgs {
    /** The account to list; defaults to `mailtrap:accountId` (or `MAILTRAP_ACCOUNT_ID`). */
    accountId?: pulumi.Input<number>;
    /** The credential; defaults to `mailtrap:apiToken` (or `MAILTRAP_API_TOKEN`). A secret stays one: the result is then secret too. */
    apiToken?: pulumi.Input<string>;
    /** The API's base URL; defaults to `mailtrap:baseUrl`, `MAILTRAP_BASE_URL`, or https://mailtrap.io. */
    baseUrl?: pulumi.Input<string>;
}

/** Options of {@link getApiTokensOutput}. */
export interface GetApiTokensOutputOptions {
    /** Resources to wait for (their creation or update) before the list is read, as with an invoke's `dependsOn`. */
    dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource>;
}

/** Lists the account's API tokens (one GET). Never returns a token value: the API does not show them again. */
export async function getApiTokens(args: GetApiTokensArgs = {}): Promise<ApiTokenInfo[]> {
    const argumentProblems = checkArguments(args);
    if (argumentProblems.length > 0) {
        throw new Error(`mailtrap: getApiTokens: ${argumentProblems.join("; ")}`);
    }
    const overrides: Record<string, string | undefined> = {
        [SETTINGS.apiToken.key]: args.apiToken,
        [SETTINGS.accountId.key]: args.accountId === undefined || args.accountId === null ? undefined : String(args.accountId),
        [SETTINGS.baseUrl.key]: args.baseUrl,
    };
    // The runtime's raw lookup: it reads secret config without a warning and works outside a program.
    const fromConfig = (key: string) => pulumi.runtime.getConfig(key);
    const { settings, problems } = resolveSettings((key) => overrides[key] ?? fromConfig(key), process.env);
    if (problems.length > 0) {
        // Arguments were checked above, so a problem here comes from stack config or the environment: say which.
        const origin = (key: string) => {
            const setting = Object.values(SETTINGS).find((s) => s.key === key);
            return setting && !present(fromConfig(key)) && present(process.env[setting.env]) ? `${setting.env} (environment)` : key;
        };
        throw new Error(`mailtrap: getApiTokens: ${problems.map((p) => `${origin(p.key)} ${p.reason}`).join("; ")}`);
    }
    if (!settings.apiToken) {
        throw new Error("mailtrap: getApiTokens: no API token: pass apiToken, set mailtrap:apiToken, or set MAILTRAP_API_TOKEN");
    }
    if (settings.accountId === undefined) {
        throw new Error("mailtrap: getApiTokens: no account: pass accountId, set mailtrap:accountId, or set MAILTRAP_ACCOUNT_ID");
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
 * {@link getApiTokens} in the form of generated Pulumi packages' functions: arguments are inputs
 * and the result is an output, so `apiToken: config.requireSecret("auditToken")` or an account id
 * from another resource can be passed as they are. The list holds no token value. As with any
 * Pulumi output, the result is secret when an argument is (a secret `apiToken`), and plain
 * otherwise; it is read when its arguments (and `dependsOn`) are known, at preview too.
 */
export function getApiTokensOutput(args: GetApiTokensOutputArgs = {}, opts: GetApiTokensOutputOptions = {}): pulumi.Output<ApiTokenInfo[]> {
    const waitFor =
        opts.dependsOn === undefined
            ? pulumi.output([])
            : pulumi
                  .output(opts.dependsOn)
                  .apply((deps) =>
                      pulumi.all(
                          (Array.isArray(deps) ? deps : [deps]).map((resource: pulumi.Resource) =>
                              pulumi.CustomResource.isInstance(resource) ? resource.id : resource.urn,
                          ),
                      ),
                  );
    return pulumi
        .all([pulumi.output(args.accountId), pulumi.output(args.apiToken), pulumi.output(args.baseUrl), waitFor])
        .apply(([accountId, apiToken, baseUrl]) => getApiTokens({ accountId, apiToken, baseUrl }));
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
