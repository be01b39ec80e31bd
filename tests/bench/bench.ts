/**
 * `npm run bench`: what the provider costs, measured through Pulumi's dynamic-provider host
 * against the emulator, each figure in the same run as its reference.
 *
 *   node bin/tests/bench/bench.js [--quick] [--n 500] [--iterations 25] [--json <path>] [--no-readme]
 *
 * --quick: small N, no rate limit, no packed install, README untouched (the test suite runs it).
 */
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { MailtrapEmulator } from "../../provider/emulator/server";
import { repoRoot, runProgram, serializedProvider } from "../harness/captureProgram";
import { Engine, RecordedResource } from "../harness/engine";
import { installPackedPackage, writeUserProgram } from "../harness/packedInstall";
import { PropertyMap, ProviderHost } from "../harness/providerHost";
import { capturedProvider } from "../harness/stack";

export interface BenchOptions {
    quick: boolean;
    burstSize: number;
    iterations: number;
    jsonPath?: string;
    updateReadme: boolean;
}

export interface BenchResult {
    machine: { cores: number; node: string; platform: string };
    command: string;
    requestsPerOperation: Record<string, { requests: number; floor: number }>;
    /** Medians: the engine's step through the host, the raw request, the host with a do-nothing provider. */
    overheadMs: Record<
        string,
        { hostMedianMs: number; rawMedianMs: number; hostFloorMs: number; overheadMs: number; providerOverheadMs: number; ratio: number }
    >;
    burst: {
        tokens: number;
        rateLimit: string | null;
        phases: Record<string, { wallMs: number; requests: number; answered429: number; failures: number }>;
        totalRequests: number;
        wallMs: number;
        floorMs: number | null;
        vsFloor: number | null;
        failures: number;
        duplicates: number;
        answered429: number;
    };
    state: { providerBytesRepo: number; providerBytesInstalled: number | null; outputsBytes: number };
    startup: { hostToFirstCreateMs: number; hostRssAfterBurstMiB: number | null };
}

const RATE_LIMIT = { requests: 150, windowMs: 10_000 };
const TOKEN_INPUTS: PropertyMap = {
    name: "bench",
    resources: [{ resourceType: "project", resourceId: 1, accessLevel: "viewer" }],
    rotate: "1",
};

/**
 * A provider that does nothing but answer with state shaped like the real one's, padded to the
 * real provider's size: the same steps through the host with it give the host's own floor (gRPC,
 * property conversion) for the same payloads.
 */
function nullProvider(sizeOf: string, sampleOutputs: PropertyMap): string {
    const sample = JSON.stringify({ ...sampleOutputs, __provider: undefined });
    const code = [
        "exports.handler = function () { return {",
        "  check: async (olds, news) => ({ inputs: news }),",
        "  diff: async () => ({ changes: true }),",
        `  create: async (inputs) => ({ id: "1", outs: Object.assign({}, inputs, ${sample}) }),`,
        "  read: async (id, props) => ({ id, props, inputs: props }),",
        `  update: async (id, olds, news) => ({ outs: Object.assign({}, news, ${sample}) }),`,
        "  delete: async () => undefined,",
        "}; };",
    ].join("\n");
    return `${code}\n// ${"x".repeat(Math.max(0, Buffer.byteLength(sizeOf) - code.length - 4))}`;
}

export function parseArgs(argv: string[]): BenchOptions {
    const value = (flag: string) => {
        const index = argv.indexOf(flag);
        return index >= 0 ? argv[index + 1] : undefined;
    };
    const quick = argv.includes("--quick");
    return {
        quick,
        burstSize: Number(value("--n") ?? (quick ? 5 : 500)),
        iterations: Number(value("--iterations") ?? (quick ? 3 : 25)),
        jsonPath: value("--json"),
        updateReadme: !quick && !argv.includes("--no-readme"),
    };
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function timed<T>(action: () => Promise<T>): Promise<{ result: T; ms: number }> {
    const start = process.hrtime.bigint();
    const result = await action();
    return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** The same request the provider makes, sent with plain node http over a keep-alive connection. */
function rawRequest(
    agent: http.Agent,
    baseUrl: string,
    credential: string,
    method: string,
    urlPath: string,
    body?: unknown,
): Promise<number> {
    const url = new URL(urlPath, baseUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
        const request = http.request(
            url,
            {
                method,
                agent,
                headers: {
                    "Api-Token": credential,
                    Accept: "application/json",
                    ...(payload ? { "Content-Type": "application/json" } : {}),
                },
            },
            (response) => {
                response.resume();
                response.on("end", () => resolve(response.statusCode ?? 0));
            },
        );
        request.on("error", reject);
        request.end(payload);
    });
}

function hostRssMiB(pid: number): number | null {
    try {
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        const kb = /VmRSS:\s+(\d+) kB/.exec(status);
        return kb ? Math.round(Number(kb[1]) / 102.4) / 10 : null;
    } catch {
        return null;
    }
}

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

        const counted = async <T>(action: () => Promise<T>) => {
            const before = emulator.requests.length;
            const result = await action();
            return { result, requests: emulator.requests.length - before };
        };

        // Requests per operation, against their floors.
        const requestsPerOperation: BenchResult["requestsPerOperation"] = {};
        const create = await counted(() => engine.register("ops", TOKEN_INPUTS));
        requestsPerOperation.create = { requests: create.requests, floor: 1 };
        let resource = create.result.resource!;
        requestsPerOperation.read = { requests: (await counted(() => engine.refresh(resource))).requests, floor: 1 };
        const previews: Array<[string, PropertyMap]> = [
            ["preview no-op (check+diff)", TOKEN_INPUTS],
            ["preview rotation (check+diff)", { ...TOKEN_INPUTS, rotate: "2" }],
            ["preview rename (check+diff)", { ...TOKEN_INPUTS, name: "bench-renamed" }],
        ];
        for (const [label, inputs] of previews) {
            requestsPerOperation[label] = {
                requests: (await counted(() => engine.register("ops", inputs, resource, { preview: true }))).requests,
                floor: 0,
            };
        }
        const rotate = await counted(() => engine.register("ops", { ...TOKEN_INPUTS, rotate: "2" }, resource));
        requestsPerOperation.rotate = { requests: rotate.requests, floor: 1 };
        resource = rotate.result.resource!;
        const replace = await counted(() => engine.register("ops", { ...TOKEN_INPUTS, rotate: "2", name: "bench-renamed" }, resource));
        requestsPerOperation.replace = { requests: replace.requests, floor: 2 };
        resource = replace.result.resource!;
        requestsPerOperation.delete = { requests: (await counted(() => engine.destroy(resource))).requests, floor: 1 };

        // Overhead: each operation through the host, against the same request sent raw, and against
        // the same steps with a do-nothing provider (what the host costs by itself). The three are
        // interleaved so that warm-up and machine noise fall on all of them alike.
        const samples: Record<string, { host: number[]; raw: number[]; floor: number[] }> = {};
        const sample = (name: string) => (samples[name] ??= { host: [], raw: [], floor: [] });
        const nullEngine = new Engine(host, nullProvider(provider, create.result.resource!.outputs));
        const stepTimes = async (driver: Engine, name: string, into: "host" | "floor") => {
            const inputs = { ...TOKEN_INPUTS, name };
            const made = await timed(() => driver.register(name, inputs));
            sample("create")[into].push(made.ms);
            let live: RecordedResource = made.result.resource!;
            sample("read")[into].push((await timed(() => driver.refresh(live))).ms);
            sample("check+diff")[into].push((await timed(() => driver.register(name, inputs, live, { preview: true }))).ms);
            const rotated = await timed(() => driver.register(name, { ...inputs, rotate: "2" }, live));
            sample("rotate")[into].push(rotated.ms);
            live = rotated.result.resource!;
            sample("delete")[into].push((await timed(() => driver.destroy(live))).ms);
        };
        const tokensPath = `/api/accounts/${emulator.accountId}/api_tokens`;
        const createBody = { name: "raw", resources: [{ resource_type: "project", resource_id: 1, access_level: 10 }], expires_at: null };
        const raw = (method: string, urlPath: string, body?: unknown) =>
            timed(() => rawRequest(agent, baseUrl, emulator.credential, method, urlPath, body)).then((t) => t.ms);
        const newestTokenId = () => Math.max(...emulator.listTokens(emulator.accountId).map((t) => t.id));
        for (let i = 0; i < options.iterations; i++) {
            await stepTimes(engine, `overhead-${i}`, "host");
            await stepTimes(nullEngine, `floor-${i}`, "floor");
            sample("create").raw.push(await raw("POST", tokensPath, createBody));
            const rawId = newestTokenId();
            sample("read").raw.push(await raw("GET", `${tokensPath}/${rawId}`));
            sample("rotate").raw.push(await raw("POST", `${tokensPath}/${rawId}/reset`));
            sample("delete").raw.push(await raw("DELETE", `${tokensPath}/${newestTokenId()}`));
            sample("check+diff").raw.push(0);
        }
        const overheadMs: BenchResult["overheadMs"] = {};
        for (const [name, times] of Object.entries(samples)) {
            const hostMedianMs = median(times.host);
            const rawMedianMs = median(times.raw);
            const hostFloorMs = median(times.floor);
            overheadMs[name] = {
                hostMedianMs,
                rawMedianMs,
                hostFloorMs,
                overheadMs: hostMedianMs - rawMedianMs,
                providerOverheadMs: hostMedianMs - rawMedianMs - hostFloorMs,
                ratio: rawMedianMs > 0 ? hostMedianMs / rawMedianMs : 0,
            };
        }

        // Burst: N creates, then N rotations, then N deletes, all in flight at once through one host.
        const limit = options.quick ? null : RATE_LIMIT;
        emulator.setRateLimit(limit);
        const phases: BenchResult["burst"]["phases"] = {};
        let failures = 0;
        const burstStart = emulator.requests.length;
        const phase = async (name: string, action: (i: number) => Promise<RecordedResource | undefined | void>) => {
            const before = emulator.requests.length;
            const { result, ms } = await timed(() => Promise.allSettled(Array.from({ length: options.burstSize }, (_, i) => action(i))));
            const failed = result.filter((r) => r.status === "rejected").length;
            failures += failed;
            const requests = emulator.requests.slice(before);
            phases[name] = {
                wallMs: ms,
                requests: requests.length,
                answered429: requests.filter((r) => r.status === 429).length,
                failures: failed,
            };
            return result.map((r) => (r.status === "fulfilled" ? r.value : undefined));
        };
        const name = (i: number) => `burst-${i}`;
        const created = await phase(
            "create",
            async (i) => (await pacedEngine.register(name(i), { ...TOKEN_INPUTS, name: name(i) })).resource,
        );
        const names = emulator
            .listTokens(emulator.accountId)
            .map((t) => t.name)
            .filter((n) => n.startsWith("burst-"));
        const duplicates = names.length - new Set(names).size;
        const rotated = await phase("rotate", async (i) =>
            created[i]
                ? (await pacedEngine.register(name(i), { ...TOKEN_INPUTS, name: name(i), rotate: "2" }, created[i] as RecordedResource))
                      .resource
                : undefined,
        );
        await phase("delete", async (i) => (rotated[i] ? pacedEngine.destroy(rotated[i] as RecordedResource) : undefined));
        const burstRequests = emulator.requests.slice(burstStart);
        const wallMs = Object.values(phases).reduce((sum, p) => sum + p.wallMs, 0);
        const floorMs = limit ? (burstRequests.length / limit.requests) * limit.windowMs : null;

        const outputsBytes = Buffer.byteLength(
            JSON.stringify({ ...(rotated.find(Boolean) as RecordedResource | undefined)?.outputs, __provider: undefined }),
        );
        const result: BenchResult = {
            machine: { cores: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.arch()}` },
            command: `npm run bench${options.quick ? " -- --quick" : ""}`,
            requestsPerOperation,
            overheadMs,
            burst: {
                tokens: options.burstSize,
                rateLimit: limit ? `${limit.requests} per ${limit.windowMs / 1000} s` : null,
                phases,
                totalRequests: burstRequests.length,
                wallMs,
                floorMs,
                vsFloor: floorMs ? wallMs / floorMs : null,
                failures,
                duplicates,
                answered429: burstRequests.filter((r) => r.status === 429).length,
            },
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

export function formatReport(result: BenchResult): string {
    const ms = (value: number) => `${value.toFixed(2)} ms`;
    const lines: string[] = [];
    lines.push(
        `Machine: ${result.machine.cores} cores, Node ${result.machine.node}, ${result.machine.platform}. Command: \`${result.command}\`.`,
    );
    lines.push("");
    lines.push("| requests per operation | measured | floor |", "|---|---|---|");
    for (const [name, { requests, floor }] of Object.entries(result.requestsPerOperation)) {
        lines.push(`| ${name} | ${requests} | ${floor} |`);
    }
    lines.push("");
    lines.push(
        `Provider under test: ${result.state.providerBytesInstalled ? "installed from the packed tarball" : "this repository's build (quick mode)"}.`,
    );
    lines.push(
        "Per-operation times come from a host with pacing off (`mailtrap:requestsPer10Seconds` 0); each is the engine's full step (check, diff, then the operation).",
        "",
    );
    lines.push(
        "Overhead = through the host minus raw HTTP; of that, the host itself (the same steps with a do-nothing provider of the same size) and the provider's share (the rest).",
        "",
        "| operation (median) | through the host | raw HTTP | overhead | ratio | host alone | provider's share |",
        "|---|---|---|---|---|---|---|",
    );
    for (const [name, o] of Object.entries(result.overheadMs)) {
        lines.push(
            `| ${name} | ${ms(o.hostMedianMs)} | ${o.rawMedianMs ? ms(o.rawMedianMs) : "no request"} | ${ms(o.overheadMs)} | ${o.ratio ? `${o.ratio.toFixed(1)}x` : "-"} | ${ms(o.hostFloorMs)} | ${ms(o.providerOverheadMs)} |`,
        );
    }
    const b = result.burst;
    lines.push("");
    lines.push(`Burst: ${b.tokens} tokens created, rotated, deleted through one host; emulator limit: ${b.rateLimit ?? "none"}.`);
    lines.push("", "| phase | wall time | requests | answered 429 | failures |", "|---|---|---|---|---|");
    for (const [name, p] of Object.entries(b.phases)) {
        lines.push(`| ${name} | ${(p.wallMs / 1000).toFixed(1)} s | ${p.requests} | ${p.answered429} | ${p.failures} |`);
    }
    lines.push(
        `| all | ${(b.wallMs / 1000).toFixed(1)} s | ${b.totalRequests} | ${b.answered429} | ${b.failures} |`,
        "",
        b.floorMs
            ? `Floor (requests / rate): ${(b.floorMs / 1000).toFixed(1)} s; measured / floor: ${b.vsFloor!.toFixed(3)}. Duplicates: ${b.duplicates}.`
            : `No rate limit (quick mode). Duplicates: ${b.duplicates}.`,
        "",
        `State: \`__provider\` ${result.state.providerBytesInstalled ?? "(not measured)"} bytes per resource as installed from the packed tarball (${result.state.providerBytesRepo} bytes from this repository, where local modules are inlined); one resource's outputs ${result.state.outputsBytes} bytes.`,
        `Start-up: host start to first completed create ${ms(result.startup.hostToFirstCreateMs)}; host RSS after the burst ${result.startup.hostRssAfterBurstMiB ?? "?"} MiB.`,
    );
    return lines.join("\n");
}

const README_START = "<!-- bench:start -->";
const README_END = "<!-- bench:end -->";

function writeReadmeSection(report: string): void {
    const readme = path.join(repoRoot(), "README.md");
    const text = fs.readFileSync(readme, "utf8");
    const start = text.indexOf(README_START);
    const end = text.indexOf(README_END);
    if (start < 0 || end < start) {
        throw new Error(`README.md has no ${README_START} ... ${README_END} section`);
    }
    const generated = `${README_START}\n<!-- generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}; do not edit by hand -->\n${report}\n`;
    fs.writeFileSync(readme, text.slice(0, start) + generated + text.slice(end));
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
        writeReadmeSection(report);
        console.log("README.md benchmark section updated");
    }
}

if (require.main === module) {
    main().catch((error: Error) => {
        console.error(`bench failed: ${error.message}`);
        process.exit(1);
    });
}
