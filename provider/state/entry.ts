/**
 * The state entry: the one module of this package that the provider serialized into a stack's
 * state requires, as `require("pulumi-mailtrap-tokens/state")`, and the one function it calls,
 * `dispatch(method, args)`. `pulumi refresh` and `pulumi destroy` run the provider stored in state,
 * so this path and this signature are public contract and stay as they are in every release;
 * everything behind them is free to change, and a fix reaches stored resources without an update.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PlainProps, StoredOutputs } from "../lifecycle/service";
import { ApiTokenProvider } from "../provider";

/** The resource-provider methods the stored provider forwards, by name. */
export type ProviderMethod = "configure" | "check" | "diff" | "create" | "read" | "update" | "delete";

const PROCESS_KEY = "__pulumiMailtrapTokensProvider";

/** Runs one provider method of the installed package for the provider stored in state. */
export function dispatch(method: ProviderMethod, args: unknown[]): Promise<unknown> {
    const provider = processProvider();
    switch (method) {
        case "configure":
            return provider.configure(args[0] as pulumi.dynamic.ConfigureRequest);
        case "check":
            return provider.check(args[0] as PlainProps, args[1] as PlainProps);
        case "diff":
            return provider.diff(args[0] as string, args[1] as StoredOutputs, args[2] as PlainProps);
        case "create":
            return provider.create(args[0] as PlainProps);
        case "read":
            return provider.read(args[0] as string, args[1] as StoredOutputs);
        case "update":
            return provider.update(args[0] as string, args[1] as StoredOutputs, args[2] as PlainProps);
        case "delete":
            return provider.delete(args[0] as string, args[1] as StoredOutputs);
        default:
            return Promise.reject(
                new Error(`mailtrap: the installed pulumi-mailtrap-tokens does not know the provider method "${String(method)}"`),
            );
    }
}

/**
 * One provider per process, whichever stored copies call in: the host configures each stored copy
 * it loads, and they all share these settings, pacers and knowledge of which tokens are held.
 */
function processProvider(): ApiTokenProvider {
    const holder = globalThis as unknown as Record<string, ApiTokenProvider | undefined>;
    return (holder[PROCESS_KEY] ??= new ApiTokenProvider());
}
