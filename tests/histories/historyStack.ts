/**
 * One stack with one ApiToken, driven as the engine drives the dynamic provider: each `up`,
 * preview, refresh and destroy is a fresh provider process, against the project's emulator on
 * 127.0.0.1, with the provider's clock and the emulator's moved together. The engine's steps are
 * written once (EngineStack); the provider process is either this one (HistoryStack: a new
 * ApiTokenProvider and a new process state per step) or Pulumi's dynamic-provider host over gRPC
 * (HostHistoryStack, hostHistoryStack.ts). Used by the random histories and their regression specs.
 */
import { MailtrapClient } from "../../provider/client/client";
import { MailtrapEmulator } from "../../provider/emulator/server";
import type { ApiModel } from "../../provider/emulator/types";
import { ApiTokenProvider } from "../../provider/provider";
import { ApiTokenPermission, ApiTokenState } from "../../provider/types";
import { PERMISSION_ANSWERS, WITHOUT_ACCOUNT } from "../harness/apiModel";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const T0 = Date.parse("2031-03-01T09:00:00.000Z");
export const TOKEN_NAME = "ci-sending";
export const RESOURCE = "token";

/** What the program declares for the token. */
export interface Declaration {
    resources: ApiTokenPermission[];
    rotate?: string;
    expiresAt?: string;
    expiresInDays?: number;
    rotateAfterDays?: number;
}

export type StepResult = { ok: true } | { ok: false; error: Error };

const PROCESS_STATE_KEY = "__pulumiMailtrapTokensProcessState";

/** The dynamic provider's methods as one provider process answers them (ApiTokenProvider's shape). */
export interface ProviderProcess {
    check(
        olds: Record<string, unknown>,
        news: Record<string, unknown>,
    ): Promise<{ inputs?: Record<string, unknown>; failures?: { property: string; reason: string }[] }>;
    diff(id: string, olds: ApiTokenState, news: Record<string, unknown>): Promise<{ changes?: boolean; replaces?: string[] }>;
    /** A partial create fails with an error carrying `id` and `properties`, as the engine receives it. */
    create(inputs: Record<string, unknown>): Promise<{ id: string; outs?: unknown }>;
    /** No `id` in the answer: the resource is gone. */
    read(id: string, props?: ApiTokenState): Promise<{ id?: string; props?: unknown }>;
    /** A partial update fails with an error carrying `id` and `properties`. */
    update(id: string, olds: ApiTokenState, news: Record<string, unknown>): Promise<{ outs?: unknown }>;
    delete(id: string, props: ApiTokenState): Promise<void>;
}

/** What the random histories drive and observe: the stack, its emulator, and what the provider printed. */
export interface HistoryStackLike {
    readonly emulator: MailtrapEmulator;
    /** The provider's and the emulator's clock. */
    readonly now: number;
    /** The resource's outputs as the engine records them; undefined once gone from the stack. */
    readonly state?: ApiTokenState;
    readonly pendingDeletes: readonly { id: string; state: ApiTokenState }[];
    readonly expiring: ReadonlySet<number>;
    readonly notices: readonly string[];
    up(declaration: Declaration, adopter?: { adoptTokenId: number; first?: boolean }): Promise<StepResult & { adoption?: StepResult }>;
    preview(declaration: Declaration): Promise<{ changes: boolean; replaces: string[] }>;
    refresh(): Promise<StepResult>;
    destroy(): Promise<StepResult>;
    advance(ms: number): void;
    stop(): Promise<void>;
}

/**
 * The engine's steps for one stack, whichever provider process answers them: check, diff, then
 * create, update or create-before-delete replace (checked again with no olds first); a partial
 * create or update recorded; a replaced resource whose delete failed kept and deleted at the next up.
 */
export abstract class EngineStack implements HistoryStackLike {
    now = T0;
    /** The resource's outputs and id as the engine records them; undefined once gone from the stack. */
    state?: ApiTokenState;
    id?: string;
    private inputs?: Record<string, unknown>;
    /** Replaced resources whose delete failed: the engine keeps them and deletes them at the next up. */
    readonly pendingDeletes: { id: string; state: ApiTokenState }[] = [];
    /** Reset tokens in their grace that a delete (destroy or replacement) left to expire, as documented. */
    readonly expiring = new Set<number>();
    /** Every line the provider printed, for the user. */
    readonly notices: string[] = [];

    protected constructor(readonly emulator: MailtrapEmulator) {}

    /**
     * The emulator under the given API model, no rate limit, its clock at T0. MAILTRAP_TEST_PERMISSION_ANSWERS=renamed
     * (with MAILTRAP_TEST_ACCOUNT=none, no account) runs the histories with permissions answered respelled, reordered and retyped.
     */
    protected static async emulatorAt(apiModel: ApiModel): Promise<MailtrapEmulator> {
        const emulator = new MailtrapEmulator({ apiModel, rateLimit: null, ...PERMISSION_ANSWERS });
        await emulator.start();
        emulator.setNow(T0);
        return emulator;
    }

    async stop(): Promise<void> {
        await this.emulator.stop();
    }

    advance(ms: number): void {
        this.now += ms;
        this.emulator.setNow(this.now);
    }

    /**
     * `pulumi up` of the declaration; with `adopter`, a second resource adopting a token in the same
     * process, registered after the stack's resource (or, with `first`, before it).
     */
    async up(
        declaration: Declaration,
        adopter?: { adoptTokenId: number; first?: boolean },
    ): Promise<StepResult & { adoption?: StepResult }> {
        return this.asProcess(async (provider) => {
            const adoptedFirst = adopter?.first ? await this.adoptInSameProcess(provider, declaration, adopter.adoptTokenId) : undefined;
            while (this.pendingDeletes.length > 0) {
                await provider.delete(this.pendingDeletes[0].id, this.pendingDeletes[0].state);
                this.leftToExpire(this.pendingDeletes.shift()!.state);
            }
            const news = this.programInputs(declaration);
            if (!this.state) {
                const inputs = await checked(provider, {}, news);
                const created = await recordPartial(provider.create(inputs), (error) => {
                    this.state = error.properties;
                    this.id = error.id;
                    this.inputs = inputs;
                });
                this.state = created.outs as ApiTokenState;
                this.id = created.id;
                this.inputs = inputs;
            } else {
                const inputs = await checked(provider, this.inputs ?? {}, news);
                const diff = await provider.diff(this.id!, this.state, inputs);
                if (diff.replaces && diff.replaces.length > 0) {
                    // The engine checks again with no olds before a replacement, creates, then deletes the old one.
                    const fresh = await checked(provider, {}, news);
                    const created = await provider.create(fresh);
                    const [oldId, oldState] = [this.id!, this.state];
                    this.state = created.outs as ApiTokenState;
                    this.id = created.id;
                    this.inputs = fresh;
                    this.pendingDeletes.push({ id: oldId, state: oldState });
                    await provider.delete(oldId, oldState);
                    this.pendingDeletes.pop();
                    this.leftToExpire(oldState);
                } else if (diff.changes) {
                    const updated = await recordPartial(provider.update(this.id!, this.state, inputs), (error) => {
                        this.state = error.properties;
                    });
                    this.state = updated.outs as ApiTokenState;
                    this.inputs = inputs;
                } else {
                    this.inputs = inputs;
                }
            }
            if (adopter) {
                return adoptedFirst ?? this.adoptInSameProcess(provider, declaration, adopter.adoptTokenId);
            }
            return undefined;
        });
    }

    /** A preview in a fresh process: check and diff, no API call. */
    async preview(declaration: Declaration): Promise<{ changes: boolean; replaces: string[] }> {
        let result = { changes: false, replaces: [] as string[] };
        const outcome = await this.asProcess(async (provider) => {
            const news = this.programInputs(declaration);
            const inputs = await checked(provider, this.inputs ?? {}, news);
            const diff = await provider.diff(this.id!, this.state!, inputs);
            result = { changes: diff.changes === true, replaces: diff.replaces ?? [] };
            return undefined;
        });
        if (!outcome.ok) {
            throw outcome.error;
        }
        return result;
    }

    /** `pulumi refresh`: one read; a token gone leaves the stack. */
    async refresh(): Promise<StepResult> {
        return this.asProcess(async (provider) => {
            const read = await provider.read(this.id!, this.state);
            if (read.id === undefined) {
                this.state = undefined;
                this.id = undefined;
                this.inputs = undefined;
            } else {
                this.state = read.props as ApiTokenState;
            }
            return undefined;
        });
    }

    /** `pulumi destroy`. */
    async destroy(): Promise<StepResult> {
        return this.asProcess(async (provider) => {
            await provider.delete(this.id!, this.state!);
            this.leftToExpire(this.state!);
            this.state = undefined;
            this.id = undefined;
            this.inputs = undefined;
            return undefined;
        });
    }

    private leftToExpire(state: ApiTokenState): void {
        for (const previous of state.previousTokens ?? []) {
            if (previous.retiredBy === "expiry") this.expiring.add(previous.tokenId);
        }
    }

    private async adoptInSameProcess(provider: ProviderProcess, declaration: Declaration, adoptTokenId: number): Promise<StepResult> {
        try {
            const inputs = await checked(
                provider,
                {},
                { ...this.programInputs(declaration), adoptTokenId, __resourceName: "adopter", __resourceKey: "adopter" },
            );
            await provider.create(inputs);
            return { ok: true };
        } catch (error) {
            return { ok: false, error: error as Error };
        }
    }

    private programInputs(declaration: Declaration): Record<string, unknown> {
        return { name: TOKEN_NAME, ...declaration, __resourceName: RESOURCE, __resourceKey: RESOURCE };
    }

    /** Runs one step in a fresh provider process; a step that throws is a failed step. */
    private async asProcess<T>(step: (provider: ProviderProcess) => Promise<T>): Promise<StepResult & { adoption?: T }> {
        try {
            const adoption = await this.inProviderProcess(step);
            return { ok: true, adoption };
        } catch (error) {
            return { ok: false, error: error as Error };
        }
    }

    /** Starts a fresh provider process with the stack's clock, runs `step` in it, and adds what it printed to `notices`. */
    protected abstract inProviderProcess<T>(step: (provider: ProviderProcess) => Promise<T>): Promise<T>;
}

/** The engine's steps, each a fresh provider process in this process: a new ApiTokenProvider and a new process state. */
export class HistoryStack extends EngineStack {
    static async start(apiModel: ApiModel): Promise<HistoryStack> {
        return new HistoryStack(await EngineStack.emulatorAt(apiModel));
    }

    /** Runs one provider process: a new provider, its own process state, its console lines collected. */
    protected async inProviderProcess<T>(step: (provider: ProviderProcess) => Promise<T>): Promise<T> {
        const global = globalThis as unknown as Record<string, { httpAgent?: { destroy(): void } } | undefined>;
        global[PROCESS_STATE_KEY]?.httpAgent?.destroy();
        delete global[PROCESS_STATE_KEY];
        const provider = new ApiTokenProvider();
        process.env.MAILTRAP_PROVIDER_NOW = new Date(this.now).toISOString();
        const config: Record<string, string> = {
            "mailtrap:apiToken": this.emulator.credential,
            ...(WITHOUT_ACCOUNT ? {} : { "mailtrap:accountId": String(this.emulator.accountId) }),
            "mailtrap:baseUrl": this.emulator.baseUrl,
        };
        await provider.configure({ config: { get: (key: string) => config[key] } } as never);
        // A client that retries at once: the histories are about outcomes, the retry timing has its own specs.
        // It replaces the process's one client, which the provider's token service keeps (fails loudly if that moves).
        const service = (provider as unknown as { tokens?: { client?: MailtrapClient } }).tokens;
        if (!service) throw new Error("historyStack: the dynamic provider no longer keeps its token service as `tokens`");
        service.client = new MailtrapClient({
            baseUrl: this.emulator.baseUrl,
            apiToken: this.emulator.credential,
            retry: { maxRetries: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0, operationBudgetMs: 60_000 },
            rateLimit: null,
            sleep: async () => undefined,
        });
        const log = console.log;
        console.log = (line: unknown) => {
            this.notices.push(String(line));
        };
        try {
            return await step(provider);
        } finally {
            console.log = log;
            delete process.env.MAILTRAP_PROVIDER_NOW;
        }
    }
}

async function checked(
    provider: ProviderProcess,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
): Promise<Record<string, unknown>> {
    const { inputs, failures } = await provider.check(olds, news);
    if (failures && failures.length > 0) {
        throw new Error(`check failed: ${failures.map((f) => `${f.property} ${f.reason}`).join("; ")}`);
    }
    return inputs as Record<string, unknown>;
}

/** An error with `id` and `properties` is a partial create or update: the engine records its state, then fails. */
async function recordPartial<T>(step: Promise<T>, record: (error: { id: string; properties: ApiTokenState }) => void): Promise<T> {
    try {
        return await step;
    } catch (error) {
        const partial = error as { id?: string; properties?: ApiTokenState };
        if (partial.id !== undefined && partial.properties !== undefined) {
            record(partial as { id: string; properties: ApiTokenState });
        }
        throw error;
    }
}
