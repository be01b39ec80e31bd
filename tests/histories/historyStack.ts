/**
 * One stack with one ApiToken, driven in this process as the engine drives the dynamic provider:
 * each `up`, preview, refresh and destroy is a fresh provider process (a new ApiTokenProvider and a
 * new process state), against the project's emulator on 127.0.0.1, with the provider's clock and
 * the emulator's moved together. Used by the random histories and their regression specs.
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

export class HistoryStack {
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

    private constructor(readonly emulator: MailtrapEmulator) {}

    static async start(apiModel: ApiModel): Promise<HistoryStack> {
        // MAILTRAP_TEST_ACCOUNT=none and MAILTRAP_TEST_PERMISSION_ANSWERS=renamed run the histories without an account, and with permissions answered respelled, reordered and retyped.
        const emulator = new MailtrapEmulator({ apiModel, rateLimit: null, ...PERMISSION_ANSWERS });
        await emulator.start();
        const stack = new HistoryStack(emulator);
        emulator.setNow(T0);
        return stack;
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

    private async adoptInSameProcess(provider: ApiTokenProvider, declaration: Declaration, adoptTokenId: number): Promise<StepResult> {
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

    /** Runs one provider process: a new provider, its own process state, its console lines collected. */
    private async asProcess<T>(step: (provider: ApiTokenProvider) => Promise<T>): Promise<StepResult & { adoption?: T }> {
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
        (provider as unknown as { client: MailtrapClient }).client = new MailtrapClient({
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
            const adoption = await step(provider);
            return { ok: true, adoption };
        } catch (error) {
            return { ok: false, error: error as Error };
        } finally {
            console.log = log;
            delete process.env.MAILTRAP_PROVIDER_NOW;
        }
    }
}

async function checked(
    provider: ApiTokenProvider,
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
