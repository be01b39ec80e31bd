import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
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
 * `__provider` as the basic example serializes it under mocks, with a credential present in config
 * and env, as in a user's program: a provider that captured either would carry it into every test's
 * state. Captured once per build: the first test file to ask runs the program (seconds of CPU) and
 * keeps the result in the temporary folder under a digest of everything the serialization reads
 * (see providerCacheFile); the others read it.
 */
export function capturedProvider(): Promise<string> {
    cachedProvider ??= (async () => {
        const cacheFile = providerCacheFile();
        if (fs.existsSync(cacheFile)) return fs.readFileSync(cacheFile, "utf8");
        const run = await runProgram(BASIC_PROGRAM, {
            config: { "mailtrap:accountId": "3229", "mailtrap:apiToken": CAPTURE_CREDENTIAL },
            env: { MAILTRAP_API_TOKEN: CAPTURE_CREDENTIAL },
        });
        const provider = serializedProvider(run.resources);
        if (provider.includes(CAPTURE_CREDENTIAL)) {
            throw new Error("the serialized provider captured the credential present at capture time");
        }
        // Written whole, then renamed: a file running beside this one reads all of it or none.
        const partial = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(partial, provider);
        fs.renameSync(partial, cacheFile);
        return provider;
    })();
    return cachedProvider;
}

/**
 * Where capturedProvider keeps the provider: named by a digest of what the serialized text depends
 * on, the compiled provider and capture program (bin/provider, the program and its runner), the
 * @pulumi/pulumi that serializes them, this Node.js and the repository's folder; a build that
 * changes any of them captures anew.
 */
function providerCacheFile(): string {
    const root = repoRoot();
    const digest = crypto.createHash("sha256");
    const pulumiManifest = require.resolve("@pulumi/pulumi/package.json", { paths: [root] });
    digest.update(`${process.version}\0${root}\0${pulumiManifest}\0${fs.readFileSync(pulumiManifest, "utf8")}\0${CAPTURE_CREDENTIAL}\0`);
    const providerDir = path.join(root, "bin", "provider");
    const compiled = (fs.readdirSync(providerDir, { recursive: true }) as string[])
        .filter((file) => file.endsWith(".js") || file.endsWith(".json"))
        .map((file) => path.join(providerDir, file))
        .sort();
    for (const file of [...compiled, BASIC_PROGRAM, path.join(root, "bin", "tests", "harness", "programRunner.js")]) {
        digest
            .update(`${path.relative(root, file)}\0`)
            .update(fs.readFileSync(file))
            .update("\0");
    }
    return path.join(os.tmpdir(), `mailtrap-tokens-provider-${digest.digest("hex").slice(0, 32)}.txt`);
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
