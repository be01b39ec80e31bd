import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** What `npm run test:e2e` (tests/e2e/run.ts) prepares before jest starts. */
export interface E2EContext {
    /** Holds pulumi, pulumi-language-nodejs and pulumi-resource-pulumi-nodejs; put first on PATH. */
    cliDir: string;
    /** A project with the packed package and @pulumi/pulumi installed (its node_modules is shared). */
    packageDir: string;
    /** Where the scenarios make their projects, backends and PULUMI_HOMEs; removed afterwards. */
    workRoot: string;
    /** Kept after the run: the recorded preview texts and timings. */
    reportDir: string;
    /**
     * From .ci/build-pulumi-python-host.sh: pulumi-language-python and its exec script, and `venv/`
     * with the Pulumi Python SDK. Absent when it could not be built outside CI (Python scenarios skip).
     */
    pythonHostDir?: string;
    /** From .ci/build-pulumi-yaml-host.sh: pulumi-language-yaml. Absent when it could not be built outside CI (YAML scenarios skip). */
    yamlHostDir?: string;
    /**
     * From scripts/build-plugins.sh: the self-contained plugin's archives for linux-amd64 and
     * linux-arm64 (tests/e2e/support/pluginBinary.ts). Absent when they could not be built outside
     * CI: the native scenarios then run the plugin through Node.
     */
    pluginArchivesDir?: string;
}

export const CONTEXT_ENV = "MAILTRAP_E2E_CONTEXT";
export const REPORT_DIR = path.join(os.tmpdir(), "pulumi-mailtrap-tokens-e2e-report");

export function e2eContext(): E2EContext {
    const file = process.env[CONTEXT_ENV];
    if (!file) {
        throw new Error(`${CONTEXT_ENV} is not set: run the end-to-end suite with \`npm run test:e2e\``);
    }
    return JSON.parse(fs.readFileSync(file, "utf8")) as E2EContext;
}

/** Whether this runs in CI (`CI` set to anything but "", "false" or "0"): there a missing CLI or host fails instead of skipping. */
export function inCi(): boolean {
    const value = (process.env.CI ?? "").toLowerCase();
    return value !== "" && value !== "false" && value !== "0";
}
