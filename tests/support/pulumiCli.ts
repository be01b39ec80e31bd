import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "../harness/captureProgram";

/** What a folder must hold to run Pulumi programs with dynamic providers, offline. */
const CLI_FILES = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"];

/**
 * The folder of the Pulumi CLI that `npm run test:e2e` uses, when it is on this machine:
 * PULUMI_E2E_CLI_DIR, else PULUMI_CLI_CACHE, else what `.ci/build-pulumi-cli.sh` cached under
 * ~/.cache/pulumi-mailtrap-tokens (the pinned version first). Never builds or downloads one.
 */
export function findPulumiCli(): string | undefined {
    const candidates: string[] = [];
    for (const variable of ["PULUMI_E2E_CLI_DIR", "PULUMI_CLI_CACHE"]) {
        const value = process.env[variable];
        if (value) candidates.push(value);
    }
    const cache = path.join(os.homedir(), ".cache", "pulumi-mailtrap-tokens");
    if (fs.existsSync(cache)) {
        const pinned = pinnedCliVersion();
        const dirs = fs.readdirSync(cache).filter((name) => name.startsWith("cli-"));
        dirs.sort((a, b) => Number(b.startsWith(`cli-${pinned}-`)) - Number(a.startsWith(`cli-${pinned}-`)));
        candidates.push(...dirs.map((name) => path.join(cache, name)));
    }
    return candidates.find((dir) => CLI_FILES.every((file) => fs.existsSync(path.join(dir, file))));
}

/** The CLI version `.ci/build-pulumi-cli.sh` pins (e.g. "v3.274.1"), or undefined. */
export function pinnedCliVersion(): string | undefined {
    const script = path.join(repoRoot(), ".ci", "build-pulumi-cli.sh");
    return fs.existsSync(script) ? /^CLI_VERSION="?([^"\s]+)"?/m.exec(fs.readFileSync(script, "utf8"))?.[1] : undefined;
}

/**
 * An environment for the CLI in which nothing of the caller's own Pulumi or Mailtrap setup takes
 * part: its own PULUMI_HOME, no update check, no plugin download, the CLI first on PATH.
 */
export function cliEnvironment(cliDir: string, home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
        if (!/^(PULUMI_|MAILTRAP_)/.test(key)) env[key] = value;
    }
    return {
        ...env,
        PATH: `${cliDir}${path.delimiter}${process.env.PATH ?? ""}`,
        PULUMI_HOME: home,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        ...extra,
    };
}
