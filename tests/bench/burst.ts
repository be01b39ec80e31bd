/** Benchmark, third part: N creates, then N rotations, then N deletes, all in flight at once through one host. */
import { MailtrapEmulator } from "../../provider/emulator/server";
import { Engine, RecordedResource } from "../harness/engine";
import { RATE_LIMIT, TOKEN_INPUTS } from "./inputs";
import { timed } from "./measure";
import { BenchOptions, BenchResult } from "./result";

/** Runs the burst with the emulator's rate limit on (none in quick mode); also gives the size of one resource's outputs. */
export async function measureBurst(
    emulator: MailtrapEmulator,
    pacedEngine: Engine,
    options: BenchOptions,
): Promise<{ burst: BenchResult["burst"]; outputsBytes: number }> {
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
    const created = await phase("create", async (i) => (await pacedEngine.register(name(i), { ...TOKEN_INPUTS, name: name(i) })).resource);
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
    const burst: BenchResult["burst"] = {
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
    };
    return { burst, outputsBytes };
}
