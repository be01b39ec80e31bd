import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "../harness/captureProgram";

/**
 * The code blocks of the README and of `docs/*.md`, as `tests/readme.test.ts` runs them. A block's
 * fence says how (`docs/testing.md` lists the kinds): ```` ```sh readme-test=<kind> ````, with
 * `file=NAME` (a file to write), `dir=project|clone` (where a docs block runs) or
 * `reason="…"` (why a `not-run` block is not run).
 */
export type BlockKind = "pack" | "consumer" | "background" | "pulumi" | "file" | "git" | "clone" | "plugin" | "not-run";

export interface Block {
    /** The fence's language (sh, ts, yaml, text, …). */
    lang: string;
    /** The readme-test kind; undefined for an unmarked block. */
    kind?: BlockKind;
    file?: string;
    dir?: "project" | "clone";
    reason?: string;
    body: string;
    /** 1-based line of the opening fence. */
    line: number;
}

const KINDS: BlockKind[] = ["pack", "consumer", "background", "pulumi", "file", "git", "clone", "plugin", "not-run"];
/** Languages whose blocks are commands a user runs: each must carry a readme-test marker. */
export const COMMAND_LANGS = ["sh", "bash", "shell", "console", "zsh"];

export const README = path.join(repoRoot(), "README.md");
export const DOCS_DIR = path.join(repoRoot(), "docs");

/** Every fenced block of a Markdown text (fences at the start of a line), in order. */
export function markdownBlocks(text: string): Block[] {
    const blocks: Block[] = [];
    for (const match of text.matchAll(/^```(\w*)([^\n]*)\n([\s\S]*?)^```$/gm)) {
        const [, lang, info, body] = match;
        const line = text.slice(0, match.index).split("\n").length;
        const block: Block = { lang, body, line };
        const marker = /(?:^|\s)readme-test(?:=([\w-]+))?(?=\s|$)/.exec(info);
        if (marker) {
            const file = /\sfile=(\S+)/.exec(info)?.[1];
            const kind = file ? "file" : (marker[1] as BlockKind | undefined);
            if (!kind || !KINDS.includes(kind)) throw new Error(`line ${line}: unknown readme-test kind in "${info.trim()}"`);
            block.kind = kind;
            block.file = file;
            const dir = /\sdir=(\w+)/.exec(info)?.[1];
            if (dir !== undefined && dir !== "project" && dir !== "clone") throw new Error(`line ${line}: dir must be project or clone`);
            block.dir = dir;
            block.reason = /\sreason="([^"]*)"/.exec(info)?.[1];
        }
        blocks.push(block);
    }
    return blocks;
}

/** The README's marked blocks, in order. */
export function readmeBlocks(text: string): Block[] {
    return markdownBlocks(text).filter((block) => block.kind);
}

/** The docs pages, `docs/*.md`, by file name. */
export function docsPages(): string[] {
    return fs.existsSync(DOCS_DIR)
        ? fs
              .readdirSync(DOCS_DIR)
              .filter((name) => name.endsWith(".md"))
              .sort()
        : [];
}

export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** The `<os>-<arch>` of the plugin archive's name, as scripts/pack-plugin.sh writes it. */
export function pluginPlatform(): string {
    const osName = os.platform() === "win32" ? "windows" : os.platform();
    const arch = os.arch() === "x64" ? "amd64" : os.arch();
    return `${osName}-${arch}`;
}

/** The working tree as a fresh clone would hold it: tracked and new files, nothing ignored (no node_modules, no bin). */
export function copyWorkingTree(to: string): void {
    const root = repoRoot();
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" })
        .split("\0")
        // Files only: an untracked nested repository (a scenario's own, under a TMPDIR inside the clone, as
        // scripts/test-on-node.sh sets it) is listed as a folder; nothing under the destination itself.
        .filter((file) => file && fs.existsSync(path.join(root, file)) && fs.statSync(path.join(root, file)).isFile())
        .filter((file) => !path.resolve(root, file).startsWith(path.resolve(to) + path.sep))
        .filter((file) => !path.resolve(root, file).startsWith(path.resolve(os.tmpdir()) + path.sep));
    for (const file of files) {
        fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
        fs.copyFileSync(path.join(root, file), path.join(to, file));
    }
}

/** The start of every generated script: strict bash and a bounded wait for a background command to listen. */
export const SCRIPT_PRELUDE = [
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

/** Lines that start `body` in the background, its output to `log`, and wait for it to listen. */
export function backgroundLines(body: string, log: string): string[] {
    return [`{ ${body.trim()} ; } > ${log} 2>&1 &`, `readme_wait_listening ${log} $!`];
}

/** Runs a bash script in its own process group, killed (the group) when done or after `timeoutMs`. */
export function runScript(
    file: string,
    cwd: string,
    env: NodeJS.ProcessEnv,
    timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
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
            // Background commands (the emulator) are still running in the group: stop them.
            killGroup("SIGTERM");
            resolve({ code, output });
        });
    });
}

/** Figures (a number with a unit of time or size, or a test count) outside `<!-- figures:NAME -->…<!-- /figures -->` sections. */
export function strayFigures(text: string): string[] {
    // A section's lines are blanked, not removed, so line numbers stay right.
    const outside = text.replace(/<!-- figures:[\w-]+ -->[\s\S]*?<!-- \/figures -->/g, (section) => section.replace(/[^\n]/g, ""));
    const found: string[] = [];
    const pattern = /(?<![\w.-])\d+(?:[.,]\d+)?\s?(?:ms|s|secs?|seconds?|min|mins|minutes?|KB|KiB|MB|MiB|GB|GiB|bytes?|tests?)\b/g;
    for (const [index, line] of outside.split("\n").entries()) {
        for (const match of line.matchAll(pattern)) found.push(`line ${index + 1}: ${match[0]} (${line.trim()})`);
    }
    return found;
}
