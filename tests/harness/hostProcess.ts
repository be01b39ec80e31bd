/**
 * Pulumi's dynamic-provider host as a child process: spawned from the repo root with the given
 * environment, its port read from its first stdout line, everything it prints after that kept, and
 * killed if the test process exits while it still runs.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface HostProcessOptions {
    /** Merged over process.env; `undefined` removes the variable. */
    env?: Record<string, string | undefined>;
    /** The host's working directory; defaults to the repo root. */
    cwd?: string;
    startTimeoutMs: number;
}

export interface HostProcess {
    child: ChildProcess;
    /** The port the host's gRPC server listens on. */
    port: number;
    /** Everything the host printed on stdout and stderr after its port line, as it arrives. */
    outputChunks: string[];
    /** Resolves once the process has exited. */
    exited: Promise<void>;
    /** Resolves once the process has exited and its stdout and stderr have ended: everything it printed is in `outputChunks`. */
    closed: Promise<void>;
}

const liveHostProcesses = new Set<ChildProcess>();
let exitHookRegistered = false;

function registerExitHook(): void {
    if (exitHookRegistered) {
        return;
    }
    exitHookRegistered = true;
    process.on("exit", () => {
        for (const child of liveHostProcesses) {
            child.kill("SIGKILL");
        }
    });
}

function findRepoRoot(): string {
    let dir = __dirname;
    for (;;) {
        const manifest = path.join(dir, "package.json");
        if (fs.existsSync(manifest)) {
            const parsed = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string };
            if (parsed.name === "pulumi-mailtrap-tokens") {
                return dir;
            }
        }
        const parent = path.dirname(dir);
        if (parent === dir) {
            throw new Error(`no package.json named pulumi-mailtrap-tokens above ${__dirname}`);
        }
        dir = parent;
    }
}

function mergeEnv(overrides: Record<string, string | undefined> | undefined): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [key, value] of Object.entries(overrides ?? {})) {
        if (value === undefined) {
            delete env[key];
        } else {
            env[key] = value;
        }
    }
    return env;
}

/** Starts the host and resolves once it has printed its port; a host that fails to is killed, and the error says why. */
export async function spawnHostProcess(options: HostProcessOptions): Promise<HostProcess> {
    registerExitHook();
    const repoRoot = findRepoRoot();
    const hostScript = require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js", { paths: [repoRoot] });
    const startTimeoutMs = options.startTimeoutMs;
    // The host only needs some engine address argument; it never dials it for CRUD calls.
    const child = spawn(process.execPath, [hostScript, "127.0.0.1:0"], {
        cwd: options.cwd ?? repoRoot,
        env: mergeEnv(options.env),
        stdio: ["ignore", "pipe", "pipe"],
    });
    liveHostProcesses.add(child);
    const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
            resolve();
            return;
        }
        child.once("exit", () => resolve());
    }).then(() => {
        liveHostProcesses.delete(child);
    });

    const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
    const outputChunks: string[] = [];
    let startupStdout = "";
    let startupStderr = "";
    let port: number | undefined;
    child.stderr!.setEncoding("utf8");
    child.stdout!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
        if (port === undefined) {
            startupStderr += chunk;
        } else {
            outputChunks.push(chunk);
        }
    });

    try {
        port = await new Promise<number>((resolve, reject) => {
            const timer = setTimeout(
                () => reject(new Error(`provider host printed no port within ${startTimeoutMs} ms; stderr: ${startupStderr}`)),
                startTimeoutMs,
            );
            const onData = (chunk: string): void => {
                startupStdout += chunk;
                const newline = startupStdout.indexOf("\n");
                if (newline < 0) {
                    return;
                }
                const portLine = startupStdout.slice(0, newline).trim();
                const rest = startupStdout.slice(newline + 1);
                clearTimeout(timer);
                child.stdout!.off("data", onData);
                child.off("exit", onExit);
                if (!/^\d+$/.test(portLine)) {
                    reject(new Error(`provider host printed "${portLine}" instead of a port; stderr: ${startupStderr}`));
                    return;
                }
                if (rest) {
                    outputChunks.push(rest);
                }
                resolve(Number(portLine));
            };
            const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
                clearTimeout(timer);
                reject(new Error(`provider host exited (code ${code}, signal ${signal}) before printing a port; stderr: ${startupStderr}`));
            };
            child.stdout!.on("data", onData);
            child.once("exit", onExit);
            child.once("error", (error) => {
                clearTimeout(timer);
                reject(error);
            });
        });
    } catch (error) {
        child.kill("SIGKILL");
        await exited;
        throw error;
    }
    if (startupStderr) {
        outputChunks.unshift(startupStderr);
    }
    child.stdout!.on("data", (chunk: string) => outputChunks.push(chunk));
    return { child, port, outputChunks, exited, closed };
}
