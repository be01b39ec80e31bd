import * as pulumi from "@pulumi/pulumi";
import { GetApiTokensArgs, listApiTokens } from "./apiTokenList";
import { ApiTokenInfo } from "./types";

export type { GetApiTokensArgs } from "./apiTokenList";

/** {@link GetApiTokensArgs} as Pulumi inputs: plain values, outputs (a secret credential from config, say) or promises. */
export interface GetApiTokensOutputArgs {
    /** The account to list; defaults to `mailtrap:accountId` (or `MAILTRAP_ACCOUNT_ID`), else the API token's own account. */
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
    // The runtime's raw lookup: it reads secret config without a warning and works outside a program.
    return listApiTokens(args, (key) => pulumi.runtime.getConfig(key));
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
