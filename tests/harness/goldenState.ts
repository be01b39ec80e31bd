import * as fs from "fs";
import * as path from "path";
import { EmulatorToken } from "../../provider/emulator/server";
import { repoRoot } from "./captureProgram";
import { RecordedResource } from "./engine";

/**
 * A golden state: what a released version wrote into a stack for its resources (inputs and
 * outputs with `__provider`, as installed from its packed tarball), and the tokens the account held
 * then, to seed the emulator with. Every later release must still refresh, rotate, replace and
 * delete these resources.
 */
export interface GoldenState {
    /** The package version that wrote it. */
    version: string;
    stateVersion: number;
    config: { accountId: string };
    resources: RecordedResource[];
    tokens: EmulatorToken[];
}

export const GOLDEN_STATES_DIR = path.join(repoRoot(), "tests", "fixtures", "states");

export function goldenStates(): GoldenState[] {
    return fs
        .readdirSync(GOLDEN_STATES_DIR)
        .filter((file) => file.endsWith(".json"))
        .sort()
        .map((file) => JSON.parse(fs.readFileSync(path.join(GOLDEN_STATES_DIR, file), "utf8")) as GoldenState);
}
