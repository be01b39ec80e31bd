import * as fs from "fs";
import * as path from "path";
import { EmulatorToken } from "../../provider/emulator/server";
import { repoRoot } from "./captureProgram";

/**
 * A golden stack: what a released version left in a real Pulumi stack, kept as a user would have
 * it. `stack-v<N>.export.json` is the `pulumi stack export` output (secrets encrypted under
 * `passphrase`); `stack-v<N>.json` holds the rest: the stack's config file (its salt and the
 * encrypted credential), the program, and the tokens the account held, to seed the emulator with.
 * The passphrase and credential are test values, committed on purpose.
 */
export interface GoldenStack {
    /** The package version that wrote it. */
    version: string;
    stateVersion: number;
    project: string;
    stack: string;
    passphrase: string;
    accountId: number;
    credential: string;
    /** The emulator's and the provider's clock while recording (MAILTRAP_PROVIDER_NOW). */
    recordedAt: string;
    /** `Pulumi.<stack>.yaml`, without `mailtrap:baseUrl` (each run sets its emulator's). */
    stackConfig: string;
    /** index.js: three tokens, their rotation triggers read from config (default "1"). */
    program: string;
    tokens: EmulatorToken[];
}

export const GOLDEN_STACKS_DIR = path.join(repoRoot(), "tests", "fixtures", "stacks");

/** What every golden stack is recorded with. */
export const GOLDEN_STACK = {
    project: "mailtrap-golden",
    stack: "golden",
    passphrase: "golden stack passphrase, a test value",
    accountId: 3229,
    credential: "golden0000000000000000000000000000",
    recordedAt: "2026-11-28T00:00:00.000Z",
} as const;

/** Each golden stack with its export, oldest first. */
export function goldenStacks(): { golden: GoldenStack; exportFile: string }[] {
    return fs
        .readdirSync(GOLDEN_STACKS_DIR)
        .filter((file) => /^stack-v\d+\.json$/.test(file))
        .sort()
        .map((file) => ({
            golden: JSON.parse(fs.readFileSync(path.join(GOLDEN_STACKS_DIR, file), "utf8")) as GoldenStack,
            exportFile: path.join(GOLDEN_STACKS_DIR, file.replace(/\.json$/, ".export.json")),
        }));
}

/** The program a golden stack is recorded with: a plain token, one rotated by trigger, one with a rolling expiry. */
export function goldenStackProgram(): string {
    return `const pulumi = require("@pulumi/pulumi");
const { ApiToken } = require("pulumi-mailtrap-tokens");
const config = new pulumi.Config();
const resources = [{ resourceType: "project", resourceId: 42, accessLevel: "viewer" }];

const plain = new ApiToken("plain", { name: "golden", resources, rotateAfterDays: 90, rotate: config.get("plainRotate") ?? "1" });
const rotated = new ApiToken("rotated", { name: "golden-rotated", resources, rotate: config.get("rotatedRotate") ?? "1" });
const rolling = new ApiToken("rolling", { name: "golden-rolling", resources, expiresInDays: 90, rotate: config.get("rollingRotate") ?? "1" });

exports.tokenIds = { plain: plain.tokenId, rotated: rotated.tokenId, rolling: rolling.tokenId };
`;
}
