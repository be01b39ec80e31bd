import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "./harness/captureProgram";
import { cliEnvironment, findPulumiCli } from "./support/pulumiCli";

/**
 * The README's install steps, run as a new user would run them, from the README's own code blocks:
 * each block whose fence says `readme-test` is taken in order, so the instructions and this test
 * cannot drift apart. `readme-test=pack` and `readme-test=consumer` blocks run in one bash session
 * (their `cd`s and `export`s carry on), `readme-test file=NAME` blocks are written to NAME,
 * `readme-test=background` starts its command in the background and waits for it to listen, and
 * `readme-test=pulumi` blocks run when the Pulumi CLI of `npm run test:e2e` is on this machine.
 *
 * What stands in for the world: a copy of this working tree (its tracked and new files) for
 * `git clone <repository URL>`, a local git repository of it for the git URL, a free port for 8025,
 * and a HOME of its own for `pulumi login --local` (npm keeps the real cache and user config, and
 * prefers the cache: packages come from the registry only when the cache lacks them).
 */

interface Block {
    kind: "pack" | "consumer" | "background" | "pulumi" | "file" | "git";
    file?: string;
    body: string;
}

const README = path.join(repoRoot(), "README.md");
const CLONE_LINE = "git clone <repository URL> pulumi-mailtrap-tokens";
const GIT_URL = "git+https://<host>/<owner>/pulumi-mailtrap-tokens.git#<tag or commit>";
const README_PORT = "8025";

/** The README's marked blocks, in order. */
export function readmeBlocks(text: string): Block[] {
    const blocks: Block[] = [];
    for (const match of text.matchAll(/^```\w+ readme-test(?:=(\w+))?(?: file=(\S+))?\n([\s\S]*?)^```$/gm)) {
        const [, kind, file, body] = match;
        if (file) blocks.push({ kind: "file", file, body });
        else blocks.push({ kind: kind as Block["kind"], body });
    }
    return blocks;
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** The working tree as a fresh clone would hold it: tracked and new files, nothing ignored (no node_modules, no bin). */
function copyWorkingTree(to: string): void {
    const root = repoRoot();
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" })
        .split("\0")
        .filter((file) => file && fs.existsSync(path.join(root, file)));
    for (const file of files) {
        fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
        fs.copyFileSync(path.join(root, file), path.join(to, file));
    }
}

/** One bash script from the blocks; `stopBefore` leaves out the blocks of those kinds and everything after them. */
function script(blocks: Block[], port: number, stopBefore: Block["kind"][]): string {
    const lines = [
        "set -euo pipefail",
        // The background command's output goes to a log; this waits, bounded, for it to listen.
        "readme_wait_listening() {",
        "  for _ in $(seq 1 300); do",
        '    grep -q "listening on" "$1" && return 0',
        '    kill -0 "$2" 2>/dev/null || { echo "the background command exited:" >&2; cat "$1" >&2; return 1; }',
        "    sleep 0.1",
        "  done",
        '  echo "the background command did not listen within 30 s:" >&2; cat "$1" >&2; return 1',
        "}",
    ];
    let background = 0;
    for (const block of blocks) {
        if (stopBefore.includes(block.kind)) break;
        let body = block.body.replaceAll(README_PORT, String(port));
        // README_TEST_PULUMI_VERSION runs the steps with another @pulumi/pulumi (how the oldest version accepted was checked).
        const pulumiVersion = process.env.README_TEST_PULUMI_VERSION;
        if (pulumiVersion) body = body.replaceAll("@pulumi/pulumi@3.248.0", `@pulumi/pulumi@${pulumiVersion}`);
        lines.push(`echo "::readme-test ${block.kind}${block.file ? ` ${block.file}` : ""}"`);
        if (block.kind === "file") {
            lines.push(`cat > ${JSON.stringify(block.file)} <<'README_TEST_EOF'`, body.replace(/\n$/, ""), "README_TEST_EOF");
        } else if (block.kind === "background") {
            const log = `"$README_TEST_DIR/background-${++background}.log"`;
            lines.push(`{ ${body.trim()} ; } > ${log} 2>&1 &`, `readme_wait_listening ${log} $!`);
        } else if (block.kind === "pack") {
            expect(body).toContain(CLONE_LINE);
            lines.push(body.replace(CLONE_LINE, ": the test copied the working tree to pulumi-mailtrap-tokens"));
        } else if (block.kind !== "git") {
            lines.push(body);
        }
    }
    return lines.join("\n") + "\n";
}

/** Runs a bash script in its own process group, killed (the group) when done or after `timeoutMs`. */
function runScript(file: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", [file], { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
        const killGroup = (signal: NodeJS.Signals) => {
            try {
                process.kill(-child.pid!, signal);
            } catch {
                // already gone
            }
        };
        const timer = setTimeout(() => killGroup("SIGKILL"), timeoutMs);
        child.once("error", reject);
        child.once("exit", (code) => {
            clearTimeout(timer);
            // The background emulator is still running in the group: stop it.
            killGroup("SIGTERM");
            resolve({ code, output });
        });
    });
}

const npmCache = execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).trim();
const npmUserConfig = execFileSync("npm", ["config", "get", "userconfig"], { encoding: "utf8" }).trim();
const cliDir = findPulumiCli();

describe("the README's install steps", () => {
    const blocks = readmeBlocks(fs.readFileSync(README, "utf8"));
    let work: string;

    beforeAll(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "readme-test-"));
    });
    afterAll(() => {
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

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

    it("are marked in the README: the pack, the project's files, the emulator and the Pulumi commands", () => {
        expect(blocks.map((b) => (b.kind === "file" ? `file ${b.file}` : b.kind))).toEqual([
            "pack",
            "consumer",
            "file Pulumi.yaml",
            "file tsconfig.json",
            "file index.ts",
            "consumer",
            "background",
            "consumer",
            "pulumi",
            "git",
        ]);
        const version = (JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8")) as { version: string }).version;
        expect(blocks[1].body).toContain(`pulumi-mailtrap-tokens-${version}.tgz`);
        expect(blocks.find((b) => b.kind === "background")!.body).toMatch(/^npx mailtrap-emulator --credential \S+ --account-id 3229/);
    });

    it("install, type-check and run a fresh project against the emulator", async () => {
        fs.mkdirSync(path.join(work, "home"), { recursive: true });
        copyWorkingTree(path.join(work, "pulumi-mailtrap-tokens"));
        const port = await freePort();
        const file = path.join(work, "readme.sh");
        fs.writeFileSync(file, script(blocks, port, cliDir ? ["git"] : ["pulumi", "git"]));
        const { code, output } = await runScript(file, work, environment(), 600_000);
        if (code !== 0) throw new Error(`the README's steps failed (exit ${code}):\n${output}`);

        const project = path.join(work, "mailtrap-tokens");
        const installed = JSON.parse(fs.readFileSync(path.join(project, "node_modules", "pulumi-mailtrap-tokens", "package.json"), "utf8"));
        expect(installed.bin).toMatchObject({ "mailtrap-emulator": "bin/provider/emulator/cli.js" });
        const sdk = JSON.parse(fs.readFileSync(path.join(project, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"));
        expect(sdk.version).toBe(process.env.README_TEST_PULUMI_VERSION ?? "3.248.0");
        // One copy of the SDK: the package uses the project's.
        expect(fs.existsSync(path.join(project, "node_modules", "pulumi-mailtrap-tokens", "node_modules", "@pulumi", "pulumi"))).toBe(
            false,
        );
        expect(output).toContain("::readme-test background");
        if (!cliDir) {
            process.stderr.write(
                "readme.test: no Pulumi CLI on this machine (see `npm run test:e2e`): the README's pulumi block was not run\n",
            );
            return;
        }
        // pulumi up created the token, listed the account, and destroy deleted it.
        expect(output).toMatch(/\+ {1,4}pulumi-nodejs:dynamic\/mailtrap:ApiToken +ci +created/);
        expect(output).toMatch(/"ci-dev"/);
        expect(output).toMatch(/- {1,4}pulumi-nodejs:dynamic\/mailtrap:ApiToken +ci +deleted/);
    }, 660_000);

    it("install from a git URL, which builds the package with its prepare script", async () => {
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
        const consumer = path.join(work, "git-consumer");
        fs.mkdirSync(consumer);
        fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "git-consumer", private: true }));
        const file = path.join(work, "git.sh");
        fs.writeFileSync(file, `set -euo pipefail\n${gitBlock.body.replace(GIT_URL, `git+file://${repo}#${commit}`)}\n`);
        const { code, output } = await runScript(file, consumer, environment(), 600_000);
        if (code !== 0) throw new Error(`the README's git install failed (exit ${code}):\n${output}`);
        const installed = path.join(consumer, "node_modules", "pulumi-mailtrap-tokens");
        expect(fs.existsSync(path.join(installed, "bin", "provider", "index.js"))).toBe(true);
        expect(fs.existsSync(path.join(installed, "bin", "tests"))).toBe(false);
        const exported = execFileSync(process.execPath, ["-e", 'console.log(Object.keys(require("pulumi-mailtrap-tokens")).join(","))'], {
            cwd: consumer,
            encoding: "utf8",
        });
        expect(exported.trim().split(",")).toEqual(expect.arrayContaining(["ApiToken", "getApiTokens", "getApiTokensOutput"]));
    }, 660_000);
});
