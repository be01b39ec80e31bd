import * as path from "path";
import { EmulatorOptions, MailtrapEmulator } from "../../provider/emulator/server";
import { API_MODEL, PERMISSION_ANSWERS, WITHOUT_ACCOUNT } from "./apiModel";
import { repoRoot, runProgram, serializedProvider } from "./captureProgram";
import { Engine } from "./engine";
import { ProviderHost, ProviderHostOptions } from "./providerHost";

/**
 * The program whose serialized provider the tests drive: one token as examples/basic declares it
 * (tests/programs/captureToken.ts), compiled. Not the example itself, which requires its project id
 * in config; the provider serialized is the same whichever program declares the token.
 */
export const BASIC_PROGRAM = path.join(repoRoot(), "bin", "tests", "programs", "captureToken.js");

/** examples/basic, compiled: the demo runs it, with its required config. */
export const BASIC_EXAMPLE = path.join(repoRoot(), "bin", "examples", "basic", "index.js");

let cachedProvider: Promise<string> | undefined;

/** A credential present, in stack config and in the environment, whenever a provider is captured. */
export const CAPTURE_CREDENTIAL = "capture0credential0000000000000000";

/**
 * `__provider` as the basic example serializes it under mocks (captured once per test file), with
 * a credential present in config and env, as in a user's program: a provider that captured either
 * would carry it into every test's state.
 */
export function capturedProvider(): Promise<string> {
    cachedProvider ??= runProgram(BASIC_PROGRAM, {
        config: { "mailtrap:accountId": "3229", "mailtrap:apiToken": CAPTURE_CREDENTIAL },
        env: { MAILTRAP_API_TOKEN: CAPTURE_CREDENTIAL },
    }).then((run) => {
        const provider = serializedProvider(run.resources);
        if (provider.includes(CAPTURE_CREDENTIAL)) {
            throw new Error("the serialized provider captured the credential present at capture time");
        }
        return provider;
    });
    return cachedProvider;
}

/** An emulator, a provider host configured against it, and an engine driving the host. */
export interface TestStack {
    emulator: MailtrapEmulator;
    host: ProviderHost;
    engine: Engine;
    config: Record<string, string>;
    stop(): Promise<void>;
}

export async function startStack(
    options: { emulator?: EmulatorOptions; config?: Record<string, string>; hostEnv?: ProviderHostOptions["env"] } = {},
): Promise<TestStack> {
    const emulator = new MailtrapEmulator({ apiModel: API_MODEL, ...PERMISSION_ANSWERS, ...options.emulator });
    const baseUrl = await emulator.start(0);
    const host = await ProviderHost.start({
        env: { MAILTRAP_API_TOKEN: undefined, MAILTRAP_ACCOUNT_ID: undefined, MAILTRAP_BASE_URL: undefined, ...options.hostEnv },
    });
    const config = {
        "mailtrap:apiToken": emulator.credential,
        ...(WITHOUT_ACCOUNT ? {} : { "mailtrap:accountId": String(emulator.accountId) }),
        "mailtrap:baseUrl": baseUrl,
        ...options.config,
    };
    await host.configure(config);
    const engine = new Engine(host, await capturedProvider());
    return {
        emulator,
        host,
        engine,
        config,
        stop: async () => {
            await host.stop();
            await emulator.stop();
        },
    };
}
