import * as pulumi from "@pulumi/pulumi";
import { MailtrapClient } from "./client/client";
import { resolveSettings } from "./settings";
import { ApiTokenInfo } from "./types";

export interface GetApiTokensArgs {
    /** The account to list; defaults to `mailtrap:accountId` (or `MAILTRAP_ACCOUNT_ID`). */
    accountId?: number;
    /** The credential; defaults to `mailtrap:apiToken` (or `MAILTRAP_API_TOKEN`). */
    apiToken?: string;
    /** The API's base URL; defaults to `mailtrap:baseUrl`, `MAILTRAP_BASE_URL`, or https://mailtrap.io. */
    baseUrl?: string;
}

/** Lists the account's API tokens (one GET). Never returns a token value: the API does not show them again. */
export async function getApiTokens(args: GetApiTokensArgs = {}): Promise<ApiTokenInfo[]> {
    const overrides: Record<string, string | undefined> = {
        "mailtrap:apiToken": args.apiToken,
        "mailtrap:accountId": args.accountId === undefined ? undefined : String(args.accountId),
        "mailtrap:baseUrl": args.baseUrl,
    };
    const { settings, problems } = resolveSettings(
        // The runtime's raw lookup: it reads secret config without a warning and works outside a program.
        (key) => overrides[key] ?? pulumi.runtime.getConfig(key),
        process.env,
    );
    if (problems.length > 0) {
        throw new Error(`mailtrap: getApiTokens: ${problems.map((p) => `${p.key} ${p.reason}`).join("; ")}`);
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
