/** Benchmark, first part: the API requests each operation makes through the host, against their floors. */
import { MailtrapEmulator } from "../../provider/emulator/server";
import { Engine } from "../harness/engine";
import { PropertyMap } from "../harness/providerHost";
import { TOKEN_INPUTS } from "./inputs";
import { BenchResult } from "./result";

/** Drives one token through every operation; also gives the outputs of its create, a sample of the provider's state. */
export async function measureRequests(
    emulator: MailtrapEmulator,
    engine: Engine,
): Promise<{ requestsPerOperation: BenchResult["requestsPerOperation"]; createdOutputs: PropertyMap }> {
    const counted = async <T>(action: () => Promise<T>) => {
        const before = emulator.requests.length;
        const result = await action();
        return { result, requests: emulator.requests.length - before };
    };

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
    return { requestsPerOperation, createdOutputs: create.result.resource!.outputs };
}
