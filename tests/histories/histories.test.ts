/**
 * Random histories under both API models, from fixed seeds (so `npm test` is repeatable); more runs
 * and other seeds with `npm run test:histories -- --runs N --seed S`. See model.ts for the invariants.
 */
import { API_MODELS } from "../../provider/emulator/types";
import { runHistories } from "./model";

const RUNS = Number(process.env.MAILTRAP_HISTORIES_RUNS ?? 150);
const SEED = Number(process.env.MAILTRAP_HISTORIES_SEED ?? 20261207);

describe.each(API_MODELS)("random histories under the %s API model", (apiModel) => {
    it(`keep every invariant over ${RUNS} histories from seed ${SEED}`, async () => {
        const { steps } = await runHistories({ apiModel, runs: RUNS, seed: SEED });
        expect(steps).toBeGreaterThan(RUNS);
    }, 300_000);
});
