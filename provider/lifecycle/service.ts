/**
 * The token service: an `ApiToken`'s lifecycle over plain values, for either face. The dynamic
 * provider (provider/provider.ts) and the native plugin (provider/native/service.ts) each translate
 * their own wire into these requests and these results back; neither knows the other, and this
 * module knows neither. What the service adds to the lifecycle's steps: the settings (read when the
 * face is configured, never captured), the one API client of the process, the upgrade of a stored
 * state, and the rules both faces share (a check failure named at the top level, a token held by two
 * resources refused, the lines a diff explains).
 */
import { MailtrapClient } from "../client/client";
import { ProviderSettings, resolveSettings, SettingProblem } from "../settings";
import { ApiTokenState } from "../types";
import { OperationContext, ResourceRef } from "./context";
import { createApiToken } from "./create";
import { diffApiToken } from "./diff";
import { noteExistingResource } from "./ownership";
import { readApiToken } from "./read";
import { deleteApiToken } from "./remove";
import { rotateApiToken } from "./rotate";
import { upgradeState } from "./stateVersion";
import { StepFailedAfterIssue } from "./stepFailure";
import { describeResource } from "./tokenState";
import { asApiTokenInputs, CheckFailure, checkApiTokenInputs } from "./validation";

export type { ResourceRef } from "./context";

/** Properties as a face hands them over: plain values, secrets already unwrapped. */
export type PlainProps = Record<string, unknown>;

/** Stored outputs as a face hands them over, of any earlier state version (the service upgrades them). */
export type StoredOutputs = Partial<ApiTokenState>;

/** Check: the old inputs (empty for a new resource) and the new ones. */
export interface CheckRequest {
    olds: PlainProps;
    news: PlainProps;
}

export interface CheckResult {
    /** The inputs to record: the account resolved from the settings. */
    inputs: PlainProps;
    /** One per problem, each on a top-level property (see {@link atTopLevel}); the settings' problems too. */
    failures: CheckFailure[];
}

/** Diff: the stored outputs and the new (checked) inputs. */
export interface DiffRequest extends ResourceRef {
    id: string;
    olds: StoredOutputs;
    news: PlainProps;
}

export interface DiffResult {
    changes: boolean;
    /** The inputs whose change replaces the token. */
    replaces: string[];
    deleteBeforeReplace: boolean;
}

/** Create: the checked inputs. */
export interface CreateRequest extends ResourceRef {
    inputs: PlainProps;
}

export interface CreateResult {
    id: string;
    state: ApiTokenState;
}

/** Read (refresh, import, `ApiToken.get`): the stored outputs, or none when only the id is known. */
export interface ReadRequest extends ResourceRef {
    id: string;
    state: StoredOutputs;
}

/** What a read found; undefined when the token is gone. */
export interface ReadResult {
    id: string;
    state: ApiTokenState;
    /** The inputs the outputs echo, for the engine's next diff. */
    inputs: PlainProps;
}

/** Update: the stored outputs and the new (checked) inputs. */
export interface UpdateRequest extends ResourceRef {
    id: string;
    olds: StoredOutputs;
    news: PlainProps;
}

export interface UpdateResult {
    state: ApiTokenState;
}

/** Delete: the stored outputs. */
export interface DeleteRequest extends ResourceRef {
    id: string;
    state: StoredOutputs;
}

/**
 * A create or update that failed after it issued a token: the resource's id and the outputs that
 * hold every token issued, which the face hands the engine as a partially created or updated
 * resource (each face in its own wire), so the next `up`, refresh or destroy finds the token.
 */
export class FailedAfterIssue extends Error {
    constructor(
        message: string,
        readonly id: string,
        readonly state: ApiTokenState,
        options?: { cause?: unknown },
    ) {
        super(message, options);
        this.name = "FailedAfterIssue";
    }
}

/** Where the face sends the lines the service tells the user (one line each, no secrets). */
export type Notify = (line: string) => void;

/**
 * One per provider process (the faces keep one each). It holds no configuration until `configure`
 * (or the first operation, which reads the environment): the settings come from the face's config
 * lookup at run time.
 */
export class TokenService {
    private settings?: ProviderSettings;
    private problems: SettingProblem[] = [];
    private client?: MailtrapClient;

    /** @param notify where the lines for the user go: the face's own sink. */
    constructor(private readonly notify: Notify) {}

    /** Reads the settings: `lookup` answers stack config by full key ("mailtrap:apiToken"); the environment fills in. */
    configure(lookup: (key: string) => string | undefined): void {
        const { settings, problems } = resolveSettings(lookup, process.env);
        this.settings = settings;
        this.problems = problems;
    }

    async check(request: CheckRequest): Promise<CheckResult> {
        const settings = this.currentSettings();
        const { inputs, failures } = checkApiTokenInputs(request.olds, request.news, {
            defaultAccountId: settings.accountId,
            now: settings.now(),
        });
        const configFailures = this.problems.map((p) => ({ property: p.key, reason: p.reason }));
        return { inputs, failures: [...failures.map(atTopLevel), ...configFailures] };
    }

    async diff(request: DiffRequest): Promise<DiffResult> {
        const olds = storedState(request.olds);
        const resource = refOf(request);
        // The engine asks every resource's diff: this is how the process learns which tokens and
        // resources the stack holds.
        const conflict = noteExistingResource(
            resource,
            olds.accountId,
            [olds.tokenId, ...(olds.previousTokens ?? []).map((p) => p.tokenId)],
            olds.adoptTokenId,
        );
        if (conflict) {
            throw new Error(heldTwice(resource, olds, conflict));
        }
        const result = diffApiToken(olds, request.news, this.currentSettings().now(), resource);
        result.notices.forEach((line) => this.notify(line));
        return { changes: result.changes, replaces: result.replaces, deleteBeforeReplace: false };
    }

    async create(request: CreateRequest): Promise<CreateResult> {
        const ctx = this.context(refOf(request));
        const state = await failingWithIssued(undefined, () => createApiToken(ctx, asApiTokenInputs(request.inputs)));
        return { id: String(state.tokenId), state };
    }

    async read(request: ReadRequest): Promise<ReadResult | undefined> {
        const ctx = this.context(refOf(request));
        return readApiToken(ctx, request.id, storedState(request.state), this.currentSettings().accountId);
    }

    async update(request: UpdateRequest): Promise<UpdateResult> {
        const ctx = this.context(refOf(request));
        const olds = storedState(request.olds);
        return { state: await failingWithIssued(request.id, () => rotateApiToken(ctx, olds, asApiTokenInputs(request.news))) };
    }

    async delete(request: DeleteRequest): Promise<void> {
        await deleteApiToken(this.context(refOf(request)), request.id, storedState(request.state));
    }

    private currentSettings(): ProviderSettings {
        if (!this.settings) {
            // Called without configure (as in unit tests): read the environment.
            this.configure(() => undefined);
        }
        return this.settings!;
    }

    /** What an API operation needs; fails here, before any request, when settings are unusable. */
    private context(resource: ResourceRef): OperationContext {
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
            onRetry: (line) => this.notify(line),
        });
        return { client: this.client, now: settings.now(), notify: this.notify, resource };
    }
}

/** The resource a request is about, with only the fields a ResourceRef has. */
function refOf(request: ResourceRef): ResourceRef {
    return { name: request.name, key: request.key };
}

/** Stored outputs in the shape this release works with (each face hands them over as plain values). */
function storedState(props: StoredOutputs): StoredOutputs {
    return upgradeState(props);
}

/** Two resources must never hold one token: destroying either would delete the other's credential. */
function heldTwice(resource: ResourceRef, olds: Partial<ApiTokenState>, conflict: { tokenId: number; holder: { name?: string } }): string {
    const holder = conflict.holder.name ? `ApiToken "${conflict.holder.name}"` : "another ApiToken";
    return `mailtrap: ${describeResource(resource.name, olds.name, olds.tokenId)} holds token ${conflict.tokenId}, which ${holder} adopted in this update: two resources must not hold one token. Drop adoptTokenId from ${holder} and remove it from the stack without deleting the token (pulumi state delete <its URN>).`;
}

/**
 * Runs a create or update; when it fails after it issued a token, the failure carries the
 * resource's id (the issued token's, for a create) and the outputs that hold the token.
 */
async function failingWithIssued(id: string | undefined, step: () => Promise<ApiTokenState>): Promise<ApiTokenState> {
    try {
        return await step();
    } catch (error) {
        if (!(error instanceof StepFailedAfterIssue)) {
            throw error;
        }
        throw new FailedAfterIssue(error.message, id ?? String(error.state.tokenId), error.state, { cause: error });
    }
}

/**
 * The engine looks up only top-level properties to show a failure's value (a nested one prints as
 * "value {<nil>}"), so a failure inside `resources` is reported on `resources`, its path leading
 * the reason: "resources[0].resourceType must be one of …".
 */
function atTopLevel(failure: CheckFailure): CheckFailure {
    const top = /^[^.[]+/.exec(failure.property)?.[0] ?? failure.property;
    return top === failure.property ? failure : { property: top, reason: `${failure.property} ${failure.reason}` };
}
