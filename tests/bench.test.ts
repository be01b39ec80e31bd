import { formatReport, runBench } from "./bench/bench";

/** Keeps `npm run bench` working: its quick mode, asserting request counts only (never timings). */
describe("the benchmark in quick mode", () => {
    it("measures every operation at its request floor and completes a small burst without failures", async () => {
        const result = await runBench({ quick: true, burstSize: 4, iterations: 2, updateReadme: false });
        for (const [operation, { requests, floor }] of Object.entries(result.requestsPerOperation)) {
            expect({ operation, requests }).toEqual({ operation, requests: floor });
        }
        expect(Object.keys(result.requestsPerOperation)).toEqual([
            "create",
            "read",
            "preview no-op (check+diff)",
            "preview rotation (check+diff)",
            "preview rename (check+diff)",
            "rotate",
            "replace",
            "delete",
        ]);
        expect(result.burst).toMatchObject({ tokens: 4, totalRequests: 12, failures: 0, duplicates: 0, answered429: 0 });
        expect(formatReport(result)).toContain("| create | 1 | 1 |");
    });
});
