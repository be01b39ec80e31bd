/**
 * `npm run test:histories -- --runs N --seed S [--model today|older] [--seconds T] [--through process|host]`:
 * random histories beyond the fixed seeds `npm test` runs, under both API models unless one is
 * named. Prints the seed, the histories and steps run and the time taken; exits 1 with the shrunk
 * history when an invariant breaks. With --seconds, runs batches of N until that much time has
 * passed. With `--through host`, every step goes through Pulumi's dynamic-provider host (a new
 * host process per step, over gRPC: seconds per history where in-process takes milliseconds).
 */
import { API_MODELS, ApiModel } from "../../provider/emulator/types";
import { HistoryStack } from "./historyStack";
import { HostHistoryStack } from "./hostHistoryStack";
import { runHistories, StartStack } from "./model";

const THROUGH: Record<string, StartStack> = { process: HistoryStack.start, host: HostHistoryStack.start };

function option(name: string): string | undefined {
    const index = process.argv.indexOf(`--${name}`);
    return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
    const runs = Number(option("runs") ?? 1000);
    const seed = Number(option("seed") ?? Date.now() % 2_147_483_647);
    const seconds = option("seconds") === undefined ? undefined : Number(option("seconds"));
    const models = option("model") ? [option("model") as ApiModel] : API_MODELS;
    const through = option("through") ?? "process";
    const start = THROUGH[through];
    if (!start) throw new Error(`--through must be one of ${Object.keys(THROUGH).join(", ")}, got "${through}"`);
    const started = Date.now();
    for (const apiModel of models) {
        let histories = 0;
        let steps = 0;
        let batchSeed = seed;
        const modelStarted = Date.now();
        do {
            console.log(`histories: ${apiModel} API model, ${runs} histories from seed ${batchSeed}, through ${through}`);
            steps += (await runHistories({ apiModel, runs, seed: batchSeed, start })).steps;
            histories += runs;
            batchSeed++;
        } while (seconds !== undefined && Date.now() - started < (seconds * 1000 * (models.indexOf(apiModel) + 1)) / models.length);
        console.log(
            `histories: ${apiModel} through ${through}: ${histories} histories, ${steps} steps, no invariant broken, ${((Date.now() - modelStarted) / 1000).toFixed(1)} s (seeds ${seed}..${batchSeed - 1})`,
        );
    }
}

main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
});
