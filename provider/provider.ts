import type * as pulumi from "@pulumi/pulumi";
import { FailedAfterIssue, PlainProps, ResourceRef, StoredOutputs, TokenService } from "./lifecycle/service";
import { ApiTokenState } from "./types";

/**
 * What the dynamic-provider wire adds to a resource's inputs, beside the user's: `__provider`, the
 * serialized provider (set by the engine); `__resourceName`, the Pulumi resource's name, and
 * `__resourceKey`, its parent's URN with its name, both set by the `ApiToken` class (apiToken.ts),
 * since a dynamic provider is told neither. (A plain array: module-level Sets do not survive
 * serialization.)
 */
const WIRE_KEYS: readonly string[] = ["__provider", "__resourceName", "__resourceKey"];

/**
 * The dynamic face of the token service (lifecycle/service.ts): the `pulumi.dynamic.ResourceProvider`
 * that the stored provider's state entry calls (state/entry.ts). It translates the dynamic wire
 * only: the config request, the hidden inputs naming the resource, `__provider` on a partial
 * failure, and lines to the console, which the dynamic-provider host shows the user. One per
 * process, created when the entry is first called, never at serialization: it holds no
 * configuration until `configure` runs in the provider process.
 */
export class ApiTokenProvider implements pulumi.dynamic.ResourceProvider {
    private readonly tokens = new TokenService((line) => console.log(line));

    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        this.tokens.configure((key: string): string | undefined => {
            try {
                return req.config.get(key);
            } catch {
                // The host reads config it was never given as an error; env fallbacks still apply.
                return undefined;
            }
        });
    }

    async check(olds: PlainProps, news: PlainProps): Promise<pulumi.dynamic.CheckResult> {
        const { inputs, failures } = await this.tokens.check({ olds: olds ?? {}, news: userInputs(news) });
        // The hidden inputs stay recorded: the engine hands them back to diff, create and update.
        return { inputs: { ...inputs, ...wireInputs(news) }, failures };
    }

    async diff(id: string, olds: StoredOutputs, news: PlainProps): Promise<pulumi.dynamic.DiffResult> {
        return this.tokens.diff({ ...resourceOf(news), id, olds, news: userInputs(news) });
    }

    async create(inputs: PlainProps): Promise<pulumi.dynamic.CreateResult> {
        const { id, state } = await withProvider(inputs, this.tokens.create({ ...resourceOf(inputs), inputs: userInputs(inputs) }));
        return { id, outs: state };
    }

    async read(id: string, props?: StoredOutputs): Promise<pulumi.dynamic.ReadResult> {
        const result = await this.tokens.read({ id, state: props ?? {} });
        return result ? { id: result.id, props: result.state, inputs: result.inputs } : {};
    }

    async update(id: string, olds: StoredOutputs, news: PlainProps): Promise<pulumi.dynamic.UpdateResult> {
        const { state } = await withProvider(news, this.tokens.update({ ...resourceOf(news), id, olds, news: userInputs(news) }));
        return { outs: state };
    }

    async delete(id: string, props: StoredOutputs): Promise<void> {
        await this.tokens.delete({ id, state: props });
    }
}

/** The resource, as the `ApiToken` class names it in the inputs. */
function resourceOf(inputs: PlainProps): ResourceRef {
    const text = (value: unknown) => (typeof value === "string" ? value : undefined);
    return { name: text(inputs.__resourceName), key: text(inputs.__resourceKey) };
}

/** The inputs without what the dynamic wire added. */
function userInputs(inputs: PlainProps): PlainProps {
    return Object.fromEntries(Object.entries(inputs).filter(([key]) => !WIRE_KEYS.includes(key)));
}

/** Only what the dynamic wire added. */
function wireInputs(inputs: PlainProps): PlainProps {
    return Object.fromEntries(Object.entries(inputs).filter(([key]) => WIRE_KEYS.includes(key)));
}

/**
 * A create or update that failed after it issued a token fails with an Error carrying the
 * resource's `id`, the outputs as `properties` and the message as `reasons`: the dynamic-provider
 * host turns it into an init failure, which the engine records as a partially created or updated
 * resource (and shows by its reasons, not its message). The host adds `__provider` to outputs only
 * on success, so it is added here, or the resource's next refresh or destroy could not load its
 * provider.
 */
async function withProvider<T>(inputs: PlainProps, step: Promise<T>): Promise<T> {
    try {
        return await step;
    } catch (error) {
        if (!(error instanceof FailedAfterIssue)) {
            throw error;
        }
        const properties: ApiTokenState & { __provider?: unknown } = { ...error.state };
        if (inputs.__provider !== undefined) {
            properties.__provider = inputs.__provider;
        }
        throw Object.assign(new Error(error.message, { cause: error.cause }), { id: error.id, reasons: [error.message], properties });
    }
}
