/** What a benchmark run is asked to do (from its command line) and the figures it gives. */
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
