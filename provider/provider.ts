import type * as pulumi from "@pulumi/pulumi";
import { MailtrapClient } from "./client/client";
import { OperationContext } from "./lifecycle/context";
import { createApiToken } from "./lifecycle/create";
import { diffApiToken } from "./lifecycle/diff";
import { noteExistingResource } from "./lifecycle/ownership";
import { describeResource } from "./lifecycle/tokenState";
import { readApiToken } from "./lifecycle/read";
import { deleteApiToken } from "./lifecycle/remove";
import { rotateApiToken } from "./lifecycle/rotate";
import { upgradeState } from "./lifecycle/stateVersion";
import { StepFailedAfterIssue } from "./lifecycle/stepFailure";
import { asApiTokenInputs, checkApiTokenInputs } from "./lifecycle/validation";
import { ProviderSettings, SettingProblem, resolveSettings } from "./settings";
import { ApiTokenState } from "./types";

/**
 * The Pulumi lifecycle of `ApiToken`. This object is serialized into every resource's state, so
 * it holds no configuration until `configure` runs in the provider process, and its methods only
 * hand over to the modules that do the work.
 */
export class ApiTokenProvider implements pulumi.dynamic.ResourceProvider {
    private settings?: ProviderSettings;
    private problems: SettingProblem[] = [];
    private client?: MailtrapClient;

    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        const lookup = (key: string): string | undefined => {
            try {
                return req.config.get(key);
            } catch {
                // The host reads config it was never given as an error; env fallbacks still apply.
                return undefined;
            }
        };
        const { settings, problems } = resolveSettings(lookup, process.env);
        this.settings = settings;
        this.problems = problems;
    }

    async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
        const settings = this.currentSettings();
        const { inputs, failures } = checkApiTokenInputs(olds ?? {}, news, {
            defaultAccountId: settings.accountId,
            now: settings.now(),
        });
        const configFailures = this.problems.map((p) => ({ property: p.key, reason: p.reason }));
        return { inputs, failures: [...failures.map(atTopLevel), ...configFailures] };
    }

    async diff(_id: string, stored: ApiTokenState, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
        const olds = upgradeState(stored);
        // The engine asks every resource's diff: this is how the process learns which tokens and
        // resources the stack holds.
        const conflict = noteExistingResource(
            news,
            olds.accountId,
            [olds.tokenId, ...(olds.previousTokens ?? []).map((p) => p.tokenId)],
            olds.adoptTokenId,
        );
        if (conflict) {
            throw new Error(heldTwice(news, olds, conflict));
        }
        const result = diffApiToken(olds, news, this.currentSettings().now());
        result.notices.forEach((line) => console.log(line));
        return { changes: result.changes, replaces: result.replaces, deleteBeforeReplace: false };
    }

    async create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
        const state = await recordingIssued(inputs, undefined, () => createApiToken(this.context(), asApiTokenInputs(inputs)));
        return { id: String(state.tokenId), outs: state };
    }

    async read(id: string, props?: Partial<ApiTokenState>): Promise<pulumi.dynamic.ReadResult> {
        const result = await readApiToken(this.context(), id, upgradeState(props ?? {}), this.currentSettings().accountId);
        return result ? { id: result.id, props: result.state, inputs: result.inputs } : {};
    }

    async update(id: string, olds: ApiTokenState, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
        return {
            outs: await recordingIssued(news, id, () => rotateApiToken(this.context(), upgradeState(olds), asApiTokenInputs(news))),
        };
    }

    async delete(id: string, props: Partial<ApiTokenState>): Promise<void> {
        await deleteApiToken(this.context(), id, upgradeState(props));
    }

    private currentSettings(): ProviderSettings {
        if (!this.settings) {
            // Called without configure (as in unit tests): read the environment.
            const { settings, problems } = resolveSettings(() => undefined, process.env);
            this.settings = settings;
            this.problems = problems;
        }
        return this.settings;
    }

    /** What an API operation needs; fails here, before any request, when settings are unusable. */
    private context(): OperationContext {
        const settings = this.currentSettings();
        if (this.problems.length > 0) {
            throw new Error(`mailtrap: invalid configuration: ${this.problems.map((p) => `${p.key} ${p.reason}`).join("; ")}`);
        }
        if (!settings.apiToken) {
            throw new Error(
                "mailtrap: no API token configured: run `pulumi config set --secret mailtrap:apiToken <token>` or set MAILTRAP_API_TOKEN",
            );
        }
        this.client ??= new MailtrapClient({
            baseUrl: settings.baseUrl,
            apiToken: settings.apiToken,
            requestTimeoutMs: settings.requestTimeoutMs,
            retry: settings.retry,
            rateLimit: settings.rateLimit,
            onRetry: (line) => console.log(line),
        });
        return { client: this.client, now: settings.now(), notify: (line) => console.log(line) };
    }
}

/** Two resources must never hold one token: destroying either would delete the other's credential. */
function heldTwice(news: Record<string, unknown>, olds: ApiTokenState, conflict: { tokenId: number; holder: { name?: string } }): string {
    const holder = conflict.holder.name ? `ApiToken "${conflict.holder.name}"` : "another ApiToken";
    return `mailtrap: ${describeResource(typeof news.__resourceName === "string" ? news.__resourceName : undefined, olds.name, olds.tokenId)} holds token ${conflict.tokenId}, which ${holder} adopted in this update: two resources must not hold one token. Drop adoptTokenId from ${holder} and remove it from the stack without deleting the token (pulumi state delete <its URN>).`;
}

/**
 * Runs a create or update; when it fails after it issued a token, the error carries the resource's
 * id and the outputs that hold the token, which the engine records as a partially created or
 * updated resource. The dynamic-provider host adds `__provider` to outputs only on success, so it
 * is added here, or the resource's next refresh or destroy could not load its provider.
 */
async function recordingIssued(
    inputs: Record<string, unknown>,
    id: string | undefined,
    step: () => Promise<ApiTokenState>,
): Promise<ApiTokenState> {
    try {
        return await step();
    } catch (error) {
        if (!(error instanceof StepFailedAfterIssue)) {
            throw error;
        }
        throw Object.assign(new Error(error.message, { cause: error }), {
            id: id ?? String(error.state.tokenId),
            // The engine shows an init failure's reasons, not its message.
            reasons: [error.message],
            properties: { ...error.state, ...(inputs.__provider !== undefined ? { __provider: inputs.__provider } : {}) },
        });
    }
}

/**
 * The engine looks up only top-level properties to show a failure's value (a nested one prints as
 * "value {<nil>}"), so a failure inside `resources` is reported on `resources`, its path leading
 * the reason: "resources[0].resourceType must be one of …".
 */
function atTopLevel(failure: { property: string; reason: string }): { property: string; reason: string } {
    const top = /^[^.[]+/.exec(failure.property)?.[0] ?? failure.property;
    return top === failure.property ? failure : { property: top, reason: `${failure.property} ${failure.reason}` };
}
