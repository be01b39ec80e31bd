/**
 * `npm run test:e2e`: the end-to-end suite, the real Pulumi CLI against the Mailtrap emulator.
 *
 * 1. Gets the CLI: the folder in PULUMI_E2E_CLI_DIR when set (it must hold `pulumi`,
 *    `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`), else the one
 *    `.ci/build-pulumi-cli.sh` builds from pinned versions and caches (a `pulumi` already on PATH is
 *    not used, so every run tests the same engine). Without Go and outside CI it skips in one line;
 *    in CI (`CI=true`) a missing CLI is a failure. The Python and YAML language hosts come the same
 *    way, from `.ci/build-pulumi-{python,yaml}-host.sh`; without one its scenarios skip, or in CI
 *    the run fails.
 * 2. Packs the package and installs the tarball into a fresh project, as a user would; builds the
 *    self-contained plugin for linux-amd64 and linux-arm64 (scripts/build-plugins.sh), which the
 *    native scenarios run (`MAILTRAP_E2E_PLUGIN=node`: through Node instead).
 * 3. Runs jest on tests/e2e/*.e2e.ts (arguments are passed on: `npm run test:e2e -- -t rotation`).
 * 4. Prints what the scenarios recorded for the README: the real preview text of each kind of
 *    change and the timing figures (kept in the report folder it names).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "../harness/captureProgram";
import { installPackedPackage } from "../harness/packedInstall";
import { CONTEXT_ENV, E2EContext, inCi, REPORT_DIR } from "./support/context";

const CLI_FILES = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"];
const HOW_TO_GET_THE_CLI =
    "install Go >= 1.26 (then this command builds the pinned CLI once, into ~/.cache/pulumi-mailtrap-tokens), " +
    "or set PULUMI_E2E_CLI_DIR to a folder holding pulumi, pulumi-language-nodejs and pulumi-resource-pulumi-nodejs";

function hasGo(): boolean {
    return spawnSync("go", ["version"], { stdio: "ignore" }).status === 0;
}

/** The CLI folder, or a reason there is none. */
function resolveCli(root: string): { dir: string } | { missing: string; goMissing: boolean } {
    const given = process.env.PULUMI_E2E_CLI_DIR;
    if (given) {
        const absent = CLI_FILES.filter((file) => !fs.existsSync(path.join(given, file)));
        return absent.length === 0
            ? { dir: path.resolve(given) }
            : { missing: `PULUMI_E2E_CLI_DIR=${given} lacks ${absent.join(", ")}`, goMissing: false };
    }
    // The script reuses its cache first, so a CLI built earlier is found without Go. With Go, its
    // progress shows (a first build takes minutes); without, only this runner's one line does.
    const goInstalled = hasGo();
    const started = Date.now();
    const build = spawnSync("bash", [path.join(root, ".ci", "build-pulumi-cli.sh")], {
        cwd: root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", goInstalled ? "inherit" : "pipe"],
        timeout: 60 * 60_000,
    });
    const dir = (build.stdout ?? "").trim().split("\n").pop() ?? "";
    if (build.status !== 0 || !dir) {
        return goInstalled
            ? { missing: `.ci/build-pulumi-cli.sh failed (exit ${build.status ?? build.signal})`, goMissing: false }
            : { missing: "Go is not installed, so the Pulumi CLI cannot be built", goMissing: true };
    }
    console.log(`test:e2e: Pulumi CLI in ${dir} (${((Date.now() - started) / 1000).toFixed(1)} s to build or find)`);
    return { dir };
}

/** A language host's folder from its `.ci/build-pulumi-<name>-host.sh` (cached like the CLI), or why there is none. */
function resolveHost(root: string, name: "python" | "yaml"): { dir: string } | { missing: string } {
    const script = `.ci/build-pulumi-${name}-host.sh`;
    const started = Date.now();
    const build = spawnSync("bash", [path.join(root, script)], {
        cwd: root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 45 * 60_000,
    });
    const dir = (build.stdout ?? "").trim().split("\n").pop() ?? "";
    if (build.status !== 0 || !dir) {
        const reason = (build.stderr ?? "").trim().split("\n").slice(-2).join("; ");
        return { missing: `${script} failed (exit ${build.status ?? build.signal}): ${reason}` };
    }
    console.log(`test:e2e: ${HOSTS[name]} language host in ${dir} (${((Date.now() - started) / 1000).toFixed(1)} s to build or find)`);
    return { dir };
}

const HOSTS = { python: "Python", yaml: "YAML" } as const;

/**
 * The self-contained plugin for this machine and for linux-arm64 (its qemu smoke), from
 * scripts/build-plugins.sh; or the folder MAILTRAP_E2E_PLUGIN_ARCHIVES names when it holds both
 * for this version (CI builds them once, `npm run build-plugins`, for every lane).
 */
function buildPluginArchives(root: string, out: string): { dir: string } | { missing: string } {
    const given = process.env.MAILTRAP_E2E_PLUGIN_ARCHIVES;
    if (given) {
        const version = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
        const wanted = ["linux-amd64", "linux-arm64"].map((platform) => `pulumi-resource-mailtrap-v${version}-${platform}.tar.gz`);
        const absent = wanted.filter((file) => !fs.existsSync(path.join(given, file)));
        if (absent.length === 0) {
            console.log(`test:e2e: the self-contained plugin from ${given} (MAILTRAP_E2E_PLUGIN_ARCHIVES)`);
            return { dir: path.resolve(given) };
        }
        return { missing: `MAILTRAP_E2E_PLUGIN_ARCHIVES=${given} lacks ${absent.join(", ")}` };
    }
    const started = Date.now();
    const build = spawnSync(
        "bash",
        [path.join(root, "scripts", "build-plugins.sh"), "--out", out, "--platform", "linux-amd64", "--platform", "linux-arm64"],
        {
            cwd: root,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
            timeout: 15 * 60_000,
        },
    );
    if (build.status !== 0) {
        const reason = (build.stderr ?? "").trim().split("\n").slice(-2).join("; ");
        return { missing: `scripts/build-plugins.sh failed (exit ${build.status ?? build.signal}): ${reason}` };
    }
    console.log(
        `test:e2e: built the self-contained plugin for linux-amd64 and linux-arm64 in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return { dir: out };
}

function main(): number {
    const root = repoRoot();
    const cli = resolveCli(root);
    if ("missing" in cli) {
        if (!inCi() && cli.goMissing) {
            console.log(`test:e2e skipped: no Pulumi CLI (${cli.missing}); to run it, ${HOW_TO_GET_THE_CLI}`);
            return 0;
        }
        console.error(`test:e2e failed: no Pulumi CLI: ${cli.missing}; ${HOW_TO_GET_THE_CLI}`);
        return 1;
    }
    const hostDirs: Partial<Record<keyof typeof HOSTS, string>> = {};
    for (const name of Object.keys(HOSTS) as (keyof typeof HOSTS)[]) {
        const host = resolveHost(root, name);
        if ("dir" in host) {
            hostDirs[name] = host.dir;
        } else if (inCi()) {
            console.error(`test:e2e failed: no ${HOSTS[name]} language host: ${host.missing}`);
            return 1;
        } else {
            console.log(`test:e2e: the ${HOSTS[name]} scenarios will skip: ${host.missing}`);
        }
    }

    fs.rmSync(REPORT_DIR, { recursive: true, force: true });
    fs.mkdirSync(REPORT_DIR, { recursive: true });
    const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), "mailtrap-tokens-e2e-"));
    const plugins = buildPluginArchives(root, path.join(workRoot, "plugin-archives"));
    if ("missing" in plugins) {
        if (inCi()) {
            console.error(`test:e2e failed: no self-contained plugin: ${plugins.missing}`);
            return 1;
        }
        console.log(`test:e2e: the native scenarios will run the plugin through Node: ${plugins.missing}`);
    }
    const installStarted = Date.now();
    const project = installPackedPackage();
    console.log(`test:e2e: packed and installed the package in ${((Date.now() - installStarted) / 1000).toFixed(1)} s`);
    const context: E2EContext = {
        cliDir: cli.dir,
        packageDir: project.dir,
        workRoot,
        reportDir: REPORT_DIR,
        pythonHostDir: hostDirs.python,
        yamlHostDir: hostDirs.yaml,
        pluginArchivesDir: "dir" in plugins ? plugins.dir : undefined,
    };
    const contextFile = path.join(workRoot, "context.json");
    fs.writeFileSync(contextFile, JSON.stringify(context, null, 2));

    const started = Date.now();
    const jest = spawnSync(
        process.execPath,
        [
            path.join(root, "node_modules", "jest", "bin", "jest.js"),
            "--config",
            path.join(root, "tests", "e2e", "jest.config.js"),
            ...process.argv.slice(2),
        ],
        { cwd: root, stdio: "inherit", env: { ...process.env, [CONTEXT_ENV]: contextFile } },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);

    for (const file of fs.readdirSync(REPORT_DIR).sort()) {
        console.log(`\n===== ${path.join(REPORT_DIR, file)} =====\n${fs.readFileSync(path.join(REPORT_DIR, file), "utf8").trimEnd()}`);
    }
    console.log(`\ntest:e2e: jest ran for ${seconds} s; what the scenarios recorded is in ${REPORT_DIR}`);

    if (process.env.PULUMI_E2E_KEEP) {
        console.log(`test:e2e: kept ${workRoot} and ${project.dir} (PULUMI_E2E_KEEP)`);
    } else {
        fs.rmSync(workRoot, { recursive: true, force: true });
        project.remove();
    }
    return jest.status ?? 1;
}

process.exitCode = main();
