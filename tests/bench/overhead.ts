/**
 * Benchmark, second part: each operation through the host, against the same request sent raw, and
 * against the same steps with a do-nothing provider (what the host costs by itself). The three are
 * interleaved so that warm-up and machine noise fall on all of them alike.
 */
import * as http from "http";
import { MailtrapEmulator } from "../../provider/emulator/server";
import { Engine, RecordedResource } from "../harness/engine";
import { TOKEN_INPUTS } from "./inputs";
import { median, rawRequest, timed } from "./measure";
import { BenchResult } from "./result";

export interface OverheadSetup {
    emulator: MailtrapEmulator;
    baseUrl: string;
    agent: http.Agent;
    /** The provider under test, through a host with pacing off. */
    engine: Engine;
    /** The do-nothing provider, through the same host. */
    nullEngine: Engine;
    iterations: number;
}

export async function measureOverhead({
    emulator,
    baseUrl,
    agent,
    engine,
    nullEngine,
    iterations,
}: OverheadSetup): Promise<BenchResult["overheadMs"]> {
    const samples: Record<string, { host: number[]; raw: number[]; floor: number[] }> = {};
    const sample = (name: string) => (samples[name] ??= { host: [], raw: [], floor: [] });
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
    for (let i = 0; i < iterations; i++) {
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
    return overheadMs;
}
