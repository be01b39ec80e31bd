/** The benchmark's measuring tools: a timer, a median, the raw request to compare with, a do-nothing provider, a process's memory. */
import * as fs from "fs";
import * as http from "http";
import { PropertyMap } from "../harness/providerHost";

/**
 * A provider that does nothing but answer with state shaped like the real one's, padded to the
 * real provider's size: the same steps through the host with it give the host's own floor (gRPC,
 * property conversion) for the same payloads.
 */
export function nullProvider(sizeOf: string, sampleOutputs: PropertyMap): string {
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

export function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export async function timed<T>(action: () => Promise<T>): Promise<{ result: T; ms: number }> {
    const start = process.hrtime.bigint();
    const result = await action();
    return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** The same request the provider makes, sent with plain node http over a keep-alive connection. */
export function rawRequest(
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

export function hostRssMiB(pid: number): number | null {
    try {
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        const kb = /VmRSS:\s+(\d+) kB/.exec(status);
        return kb ? Math.round(Number(kb[1]) / 102.4) / 10 : null;
    } catch {
        return null;
    }
}
