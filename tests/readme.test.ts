import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "./harness/captureProgram";
import {
    Block,
    COMMAND_LANGS,
    DOCS_DIR,
    README,
    SCRIPT_PRELUDE,
    backgroundLines,
    copyWorkingTree,
    docsPages,
    freePort,
    markdownBlocks,
    pluginPlatform,
    readmeBlocks,
    runScript,
} from "./readme/blocks";
import { cliEnvironment, findPulumiCli } from "./support/pulumiCli";

/**
 * The README's install steps and the commands of `docs/*.md`, run as a new user would run them,
 * from their own code blocks, so the instructions and this test cannot drift apart (the fence
 * markers are listed in docs/testing.md). The README's blocks run in order in one bash session:
 * `pack` and `consumer` blocks (their `cd`s and `export`s carry on), `file=NAME` blocks written to
 * NAME, `background` started in the background and awaited until it listens, `pulumi` blocks when
 * the Pulumi CLI of `npm run test:e2e` is on this machine, `clone` blocks in the clone once the
 * `pack` block built it, `plugin` blocks there with the CLI. The `git` block runs in a test of its
 * own; `not-run` blocks carry their reason. Each docs page's runnable blocks then run in a session
 * of their own, beside the README's clone and project.
 *
 * What stands in for the world: a copy of this working tree (its tracked and new files) for
 * `git clone <repository URL>`, a local git repository of it for the git URL, a free port for 8025,
 * this machine's `<os>-<arch>` for `linux-amd64`, and a HOME of its own for `pulumi login --local`
 * (npm keeps the real cache and user config, and prefers the cache: packages come from the
 * registry only when the cache lacks them). README_TEST_PULUMI_VERSION runs the steps with another
 * `@pulumi/pulumi` in place of the one step 2 picks for this Node.js (its `pulumi_sdk=` line).
 */

const CLONE_LINE = "git clone <repository URL> pulumi-mailtrap-tokens";
const GIT_URL = "git+https://<host>/<owner>/pulumi-mailtrap-tokens.git#<tag or commit>";
const README_PORT = "8025";
const README_PLATFORM = "linux-amd64";
const CLONE_DIR = "pulumi-mailtrap-tokens";
const PROJECT_DIR = "mailtrap-tokens";
/** package.json's version: the one the README's commands name. */
const version = (JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8")) as { version: string }).version;

export { readmeBlocks } from "./readme/blocks";

/** Step 2's line that picks the `@pulumi/pulumi` version for the Node.js it runs on. */
const PULUMI_SDK_LINE = /^pulumi_sdk=.*$/m;
/** What step 2 installs here: README_TEST_PULUMI_VERSION, else the newest tested for this Node.js. */
const expectedPulumiVersion =
    process.env.README_TEST_PULUMI_VERSION ?? (Number(process.versions.node.split(".")[0]) >= 22 ? "3.276.0" : "3.248.0");

/** The substitutions every block gets: the port, the platform, the `@pulumi/pulumi` version under test. */
function substitute(body: string, port: number): string {
    let result = body.replaceAll(README_PORT, String(port)).replaceAll(README_PLATFORM, pluginPlatform());
    const pulumiVersion = process.env.README_TEST_PULUMI_VERSION;
    if (pulumiVersion) result = result.replace(PULUMI_SDK_LINE, `pulumi_sdk=${pulumiVersion}`);
    return result;
}

/** Lines that run `body` in a subshell in `dir` (under the test's directory). */
function inDir(dir: string, body: string): string[] {
    return [`(`, `cd "$README_TEST_DIR/${dir}"`, body.replace(/\n$/, ""), `)`];
}

/** The README's session as one bash script; `skip` leaves out the blocks of those kinds. */
function readmeScript(blocks: Block[], port: number, skip: Block["kind"][]): string {
    // `clone` blocks need the clone the `pack` block builds: one before it runs right after it.
    const packIndex = blocks.findIndex((b) => b.kind === "pack");
    const early = blocks.filter((b, i) => b.kind === "clone" && i < packIndex);
    const ordered = blocks.filter((b) => !early.includes(b)).flatMap((b) => (b.kind === "pack" ? [b, ...early] : [b]));
    const lines = [...SCRIPT_PRELUDE];
    let background = 0;
    for (const block of ordered) {
        if (skip.includes(block.kind) || block.kind === "git" || block.kind === "not-run") continue;
        const body = substitute(block.body, port);
        lines.push(`echo "::readme-test ${block.kind}${block.file ? ` ${block.file}` : ""}"`);
        if (block.kind === "file") {
            lines.push(`cat > ${JSON.stringify(block.file)} <<'README_TEST_EOF'`, body.replace(/\n$/, ""), "README_TEST_EOF");
        } else if (block.kind === "background") {
            lines.push(...backgroundLines(body, `"$README_TEST_DIR/background-${++background}.log"`));
        } else if (block.kind === "pack") {
            expect(body).toContain(CLONE_LINE);
            lines.push(body.replace(CLONE_LINE, `: the test copied the working tree to ${CLONE_DIR}`));
        } else if (block.kind === "clone" || block.kind === "plugin") {
            lines.push(...inDir(CLONE_DIR, body));
        } else {
            lines.push(body);
        }
    }
    return lines.join("\n") + "\n";
}

/** A docs page's runnable blocks as one bash script, each in the folder it names. */
async function docsScript(page: string, blocks: Block[], skip: Block["kind"][]): Promise<string> {
    const lines = [...SCRIPT_PRELUDE];
    for (const [index, block] of blocks.entries()) {
        if (skip.includes(block.kind) || block.kind === "not-run") continue;
        // Each background command gets a port of its own: they run side by side until the script ends.
        const body = substitute(block.body, await freePort());
        lines.push(`echo "::readme-test ${page} ${block.kind} line ${block.line}"`);
        if (block.kind === "background") {
            lines.push(`cd "$README_TEST_DIR/${block.dir === "clone" ? CLONE_DIR : PROJECT_DIR}"`);
            lines.push(...backgroundLines(body, `"$README_TEST_DIR/docs-${page}-${index}.log"`));
        } else if (block.kind === "clone" || block.kind === "plugin") {
            lines.push(...inDir(CLONE_DIR, body));
        } else if (block.kind === "consumer" || block.kind === "pulumi") {
            lines.push(...inDir(PROJECT_DIR, body));
        } else {
            throw new Error(`${page} line ${block.line}: readme-test=${block.kind} is for the README only`);
        }
    }
    return lines.join("\n") + "\n";
}

const npmCache = execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).trim();
const npmUserConfig = execFileSync("npm", ["config", "get", "userconfig"], { encoding: "utf8" }).trim();
const cliDir = findPulumiCli();

describe("the README's install steps and the docs' commands", () => {
    const blocks = readmeBlocks(fs.readFileSync(README, "utf8"));
    let work: string;
    let readmeRan = false;

    /**
     * The git URL install needs nothing of the README's session but step 2's variables: the session's
     * test starts it, and it runs beside the session (both mostly wait on npm and tsc) until its own
     * test awaits it. Started by whichever of the two runs first.
     */
    let gitInstall: Promise<{ code: number | null; output: string; consumer: string }> | undefined;
    const startGitInstall = () => {
        if (!gitInstall) {
            gitInstall = installFromGitUrl();
            // Awaited, and its failure reported, by its test; afterAll waits for it too.
            gitInstall.catch(() => undefined);
        }
        return gitInstall;
    };

    beforeAll(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "readme-test-"));
        fs.mkdirSync(path.join(work, "home"), { recursive: true });
    });
    afterAll(async () => {
        await gitInstall?.catch(() => undefined);
        if (work) fs.rmSync(work, { recursive: true, force: true });
    }, 660_000);

    const environment = (extra: Record<string, string> = {}) => ({
        ...cliEnvironment(cliDir ?? "", path.join(work, "pulumi-home"), extra),
        HOME: path.join(work, "home"),
        README_TEST_DIR: work,
        npm_config_cache: npmCache,
        npm_config_userconfig: npmUserConfig,
        npm_config_prefer_offline: "true",
        npm_config_audit: "false",
        npm_config_fund: "false",
        npm_config_update_notifier: "false",
    });

    /** The README's git block run in a project of its own, with step 2's variables, against a git repository of the working tree. */
    async function installFromGitUrl(): Promise<{ code: number | null; output: string; consumer: string }> {
        // A git repository of the working tree stands in for the hosted one.
        const repo = path.join(work, "git-repo");
        fs.mkdirSync(repo);
        copyWorkingTree(repo);
        const git = (...args: string[]) =>
            execFileSync("git", ["-c", "user.name=readme test", "-c", "user.email=readme@test.invalid", ...args], {
                cwd: repo,
                encoding: "utf8",
            });
        git("init", "--quiet");
        git("add", "--all");
        git("commit", "--quiet", "--no-verify", "-m", "the working tree");
        const commit = git("rev-parse", "HEAD").trim();

        const gitBlock = blocks.find((b) => b.kind === "git")!;
        expect(gitBlock.body).toContain(GIT_URL);
        // Run in step 2's project, with its `pulumi_sdk` (and `node_major`).
        const consumerBlock = blocks.find((b) => b.kind === "consumer" && PULUMI_SDK_LINE.test(b.body))!;
        const step2Variables = substitute(consumerBlock.body, 0)
            .split("\n")
            .filter((line) => /^(node_major|pulumi_sdk)=/.test(line))
            .join("\n");
        expect(gitBlock.body).toContain('"@pulumi/pulumi@$pulumi_sdk"');
        const consumer = path.join(work, "git-consumer");
        fs.mkdirSync(consumer);
        fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "git-consumer", private: true }));
        const file = path.join(work, "git.sh");
        fs.writeFileSync(
            file,
            `set -euo pipefail\n${step2Variables}\n${substitute(gitBlock.body, 0).replace(GIT_URL, `git+file://${repo}#${commit}`)}\n`,
        );
        return { ...(await runScript(file, consumer, environment(), 600_000)), consumer };
    }

    it("are marked in the README: the demo, the tests, the pack, the project's files, the emulator, the Pulumi commands and the plugin", () => {
        expect(blocks.map((b) => (b.kind === "file" ? `file ${b.file}` : b.kind))).toEqual([
            "clone",
            "not-run",
            "pack",
            "consumer",
            "file Pulumi.yaml",
            "file tsconfig.json",
            "file index.ts",
            "consumer",
            "background",
            "consumer",
            "pulumi",
            "pulumi",
            "pulumi",
            "not-run",
            "git",
            "plugin",
            "not-run",
        ]);
        const step2 = blocks.find((b) => b.kind === "consumer")!;
        expect(step2.body).toContain(`pulumi-mailtrap-tokens-${version}.tgz`);
        // Step 2 picks `@pulumi/pulumi` and `@types/node` for the Node.js it runs on: no version to change by hand.
        expect(step2.body).toMatch(PULUMI_SDK_LINE);
        expect(step2.body).toContain('"@pulumi/pulumi@$pulumi_sdk"');
        expect(step2.body).toContain('"@types/node@$node_major"');
        expect(blocks[0].body.trim()).toBe("npm run demo");
        // The tests, beside the demo (not run here: this test is one of them; docs.test.ts ties them to .ci/run).
        expect(blocks[1].body.trim()).toBe("npm ci && npm test");
        expect(blocks.find((b) => b.kind === "background")!.body).toMatch(/^npx mailtrap-emulator --credential \S+ --account-id 3229/);
        expect(blocks.find((b) => b.kind === "plugin")!.body).toContain(`pulumi-resource-mailtrap-v${version}-${README_PLATFORM}.tar.gz`);
    });

    it("mark every command block of the README and docs: run, or not run with a reason", () => {
        const problems: string[] = [];
        for (const [name, file] of [["README.md", README], ...docsPages().map((page) => [`docs/${page}`, path.join(DOCS_DIR, page)])]) {
            for (const block of markdownBlocks(fs.readFileSync(file, "utf8"))) {
                if (COMMAND_LANGS.includes(block.lang) && !block.kind) problems.push(`${name} line ${block.line}: no readme-test marker`);
                if (block.kind === "not-run" && !block.reason?.trim())
                    problems.push(`${name} line ${block.line}: not-run without reason="…"`);
                if (name !== "README.md" && block.kind === "background" && !block.dir)
                    problems.push(`${name} line ${block.line}: background without dir=`);
            }
        }
        expect(problems).toEqual([]);
    });

    it("install, type-check, run, rotate and destroy a fresh project against the emulator; the demo; the plugin", async () => {
        void startGitInstall();
        copyWorkingTree(path.join(work, CLONE_DIR));
        const port = await freePort();
        const file = path.join(work, "readme.sh");
        fs.writeFileSync(file, readmeScript(blocks, port, cliDir ? [] : ["pulumi", "plugin"]));
        const { code, output } = await runScript(file, work, environment(), 900_000);
        if (code !== 0) throw new Error(`the README's steps failed (exit ${code}):\n${output}`);
        readmeRan = true;

        const project = path.join(work, PROJECT_DIR);
        const installed = JSON.parse(fs.readFileSync(path.join(project, "node_modules", "pulumi-mailtrap-tokens", "package.json"), "utf8"));
        expect(installed.bin).toMatchObject({ "mailtrap-emulator": "bin/provider/emulator/cli.js" });
        const sdk = JSON.parse(fs.readFileSync(path.join(project, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"));
        expect(sdk.version).toBe(expectedPulumiVersion);
        // @types/node of this Node.js's major version, as step 2 asks for.
        const types = JSON.parse(fs.readFileSync(path.join(project, "node_modules", "@types", "node", "package.json"), "utf8"));
        expect(types.version.split(".")[0]).toBe(process.versions.node.split(".")[0]);
        // One copy of the SDK: the package uses the project's.
        expect(fs.existsSync(path.join(project, "node_modules", "pulumi-mailtrap-tokens", "node_modules", "@pulumi", "pulumi"))).toBe(
            false,
        );
        expect(output).toContain("::readme-test background");
        // The demo ran in the clone: create, rotation preview, rotation, refresh, destroy.
        expect(output).toContain("will rotate: its rotate trigger changed");
        expect(output).toMatch(/no secret appeared in the provider's output/);
        // Step 5: destroy deletes the token, not the value the rotation reset out, which expires by itself.
        expect(output).toMatch(/token \d+ \(the previous one\) is left to expire at/);
        if (!cliDir) {
            process.stderr.write(
                "readme.test: no Pulumi CLI on this machine (see `npm run test:e2e`): the README's pulumi and plugin blocks were not run\n",
            );
            return;
        }
        // pulumi up created the token, listed the account; the rotation's preview said why; destroy deleted it.
        expect(output).toMatch(/\+ {1,4}pulumi-nodejs:dynamic\/mailtrap:ApiToken +ci +created/);
        expect(output).toMatch(/"ci-dev"/);
        expect(output).toMatch(/mailtrap: ApiToken "ci" \(Mailtrap token "ci-dev" \d+\) will rotate: its rotate trigger changed/);
        expect(output).toMatch(/~ {1,4}pulumi-nodejs:dynamic\/mailtrap:ApiToken +ci +updat/);
        expect(output).toMatch(/- {1,4}pulumi-nodejs:dynamic\/mailtrap:ApiToken +ci +deleted/);
        // The plugin archive was built and installed.
        expect(output).toMatch(new RegExp(`mailtrap\\s+resource\\s+${version.replace(/\./g, "\\.")}`));
    }, 960_000);

    it("the emulator starts from any folder with `npx --prefix <project folder>`, as step 3 says", async () => {
        if (!readmeRan) throw new Error("this runs in the README's project: the README's steps did not pass");
        const readme = fs.readFileSync(README, "utf8");
        const command = /`(npx --prefix <project folder> mailtrap-emulator) …`/.exec(readme)?.[1];
        expect(command).toBeDefined();
        const elsewhere = fs.mkdtempSync(path.join(work, "elsewhere-"));
        const log = path.join(work, "elsewhere.log");
        const body = `${command!.replace("<project folder>", path.join(work, PROJECT_DIR))} --port 0 --credential local-only-credential`;
        const file = path.join(work, "elsewhere.sh");
        fs.writeFileSync(file, [...SCRIPT_PRELUDE, ...backgroundLines(body, JSON.stringify(log))].join("\n") + "\n");
        const { code, output } = await runScript(file, elsewhere, environment(), 120_000);
        if (code !== 0) throw new Error(`\`${body}\` from another folder failed (exit ${code}):\n${output}`);
        expect(fs.readFileSync(log, "utf8")).toMatch(/Mailtrap API-token emulator listening on http:\/\/127\.0\.0\.1:\d+/);
    }, 150_000);

    it.each(docsPages())(
        "docs/%s: its commands run beside the README's clone and project",
        async (page) => {
            const pageBlocks = readmeBlocks(fs.readFileSync(path.join(DOCS_DIR, page), "utf8"));
            const skip: Block["kind"][] = cliDir ? [] : ["pulumi", "plugin"];
            const runnable = pageBlocks.filter((b) => b.kind !== "not-run" && !skip.includes(b.kind));
            if (runnable.length === 0) return;
            if (!readmeRan) throw new Error(`docs/${page} runs beside the README's clone and project: the README's steps did not pass`);
            const file = path.join(work, `docs-${page}.sh`);
            fs.writeFileSync(file, await docsScript(page, pageBlocks, skip));
            const { code, output } = await runScript(file, work, environment(), 300_000);
            if (code !== 0) throw new Error(`docs/${page}: its commands failed (exit ${code}):\n${output}`);
            for (const block of runnable) expect(output).toContain(`::readme-test ${page} ${block.kind} line ${block.line}`);
        },
        320_000,
    );

    it("install from a git URL, which builds the package with its prepare script", async () => {
        const { code, output, consumer } = await startGitInstall();
        if (code !== 0) throw new Error(`the README's git install failed (exit ${code}):\n${output}`);
        const installed = path.join(consumer, "node_modules", "pulumi-mailtrap-tokens");
        expect(fs.existsSync(path.join(installed, "bin", "provider", "index.js"))).toBe(true);
        expect(fs.existsSync(path.join(installed, "bin", "tests"))).toBe(false);
        const exported = execFileSync(process.execPath, ["-e", 'console.log(Object.keys(require("pulumi-mailtrap-tokens")).join(","))'], {
            cwd: consumer,
            encoding: "utf8",
        });
        expect(exported.trim().split(",")).toEqual(expect.arrayContaining(["ApiToken", "getApiTokens", "getApiTokensOutput"]));
        const sdk = JSON.parse(fs.readFileSync(path.join(consumer, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"));
        expect(sdk.version).toBe(expectedPulumiVersion);
    }, 660_000);
});
