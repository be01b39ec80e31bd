/**
 * `npm run bench`: what the provider costs, measured through Pulumi's dynamic-provider host
 * against the emulator, each figure in the same run as its reference.
 *
 *   node bin/tests/bench/bench.js [--quick] [--n 500] [--iterations 25] [--json <path>] [--no-readme]
 *
 * --quick: small N, no rate limit, no packed install, docs/benchmarks.md untouched (the test suite runs it).
 * --no-readme: leaves docs/benchmarks.md untouched.
 */
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import { MailtrapEmulator } from "../../provider/emulator/server";
import { runProgram, serializedProvider } from "../harness/captureProgram";
import { Engine } from "../harness/engine";
import { installPackedPackage, writeUserProgram } from "../harness/packedInstall";
import { ProviderHost } from "../harness/providerHost";
import { capturedProvider } from "../harness/stack";
import { measureBurst } from "./burst";
import { TOKEN_INPUTS } from "./inputs";
import { hostRssMiB, nullProvider } from "./measure";
import { measureOverhead } from "./overhead";
import { formatReport, writeFiguresSection } from "./report";
import { measureRequests } from "./requests";
import { BenchOptions, BenchResult, parseArgs } from "./result";

export { formatReport } from "./report";
export { parseArgs } from "./result";
export type { BenchOptions, BenchResult } from "./result";

export async function runBench(options: BenchOptions): Promise<BenchResult> {
    const emulator = new MailtrapEmulator({ rateLimit: null });
    const baseUrl = await emulator.start(0);
    const config = {
        "mailtrap:apiToken": emulator.credential,
        "mailtrap:accountId": String(emulator.accountId),
        "mailtrap:baseUrl": baseUrl,
    };
    // Measured with the provider as a user gets it (installed from the packed tarball, its modules
    // required rather than inlined); quick mode uses this repository's build.
    const project = options.quick ? undefined : installPackedPackage();
    const repoProvider = await capturedProvider();
    const provider = project
        ? serializedProvider((await runProgram(writeUserProgram(project), { config: { "mailtrap:accountId": "3229" } })).resources)
        : repoProvider;
    const hostOptions = { callTimeoutMs: 600_000, cwd: project?.dir };
    const agent = new http.Agent({ keepAlive: true });

    // One host with the provider's default pacing (for start-up and the burst), one without it, so
    // that per-operation times show the provider's own cost rather than its deliberate spacing.
    const hostStarted = process.hrtime.bigint();
    const pacedHost = await ProviderHost.start(hostOptions);
    const host = await ProviderHost.start(hostOptions);
    try {
        await pacedHost.configure(config);
        const pacedEngine = new Engine(pacedHost, provider);
        const first = (await pacedEngine.register("startup", TOKEN_INPUTS)).resource!;
        const hostToFirstCreateMs = Number(process.hrtime.bigint() - hostStarted) / 1e6;
        await pacedEngine.destroy(first);
        await host.configure({ ...config, "mailtrap:requestsPer10Seconds": "0" });
        const engine = new Engine(host, provider);

        const { requestsPerOperation, createdOutputs } = await measureRequests(emulator, engine);
        const nullEngine = new Engine(host, nullProvider(provider, createdOutputs));
        const overheadMs = await measureOverhead({ emulator, baseUrl, agent, engine, nullEngine, iterations: options.iterations });
        const { burst, outputsBytes } = await measureBurst(emulator, pacedEngine, options);

        const result: BenchResult = {
            machine: { cores: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.arch()}` },
            command: `npm run bench${options.quick ? " -- --quick" : ""}`,
            requestsPerOperation,
            overheadMs,
            burst,
            state: {
                providerBytesRepo: Buffer.byteLength(repoProvider),
                providerBytesInstalled: project ? Buffer.byteLength(provider) : null,
                outputsBytes,
            },
            startup: { hostToFirstCreateMs, hostRssAfterBurstMiB: hostRssMiB(pacedHost.pid) },
        };
        return result;
    } finally {
        agent.destroy();
        await host.stop();
        await pacedHost.stop();
        await emulator.stop();
        project?.remove();
    }
}

async function main(): Promise<void> {
    const options = parseArgs(process.argv.slice(2));
    const result = await runBench(options);
    const report = formatReport(result);
    console.log(report);
    if (options.jsonPath) {
        fs.writeFileSync(options.jsonPath, `${JSON.stringify(result, null, 2)}\n`);
        console.log(`\nFigures written to ${options.jsonPath}`);
    }
    if (options.updateReadme) {
        writeFiguresSection(report);
        console.log("docs/benchmarks.md figures section updated");
    }
}

if (require.main === module) {
    main().catch((error: Error) => {
        console.error(`bench failed: ${error.message}`);
        process.exit(1);
    });
}
