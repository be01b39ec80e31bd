/**
 * The plugin the native scenarios run: the self-contained executable scripts/build-plugins.sh
 * builds (what a user installs), or, with `MAILTRAP_E2E_PLUGIN=node` or when none was built
 * outside CI, a two-line script running the installed package's `bin/provider/native/main.js`
 * with this process's Node.
 */
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { E2EContext } from "./context";

export type PluginPlatform = "linux-amd64" | "linux-arm64" | "darwin-amd64" | "darwin-arm64" | "windows-amd64";
export type PluginKind = "binary" | "node";

/** The archive scripts/build-plugins.sh made for a platform: `pulumi-resource-mailtrap-v<version>-<platform>.tar.gz`. */
export function pluginArchive(context: E2EContext, version: string, platform: PluginPlatform = "linux-amd64"): string | undefined {
    if (!context.pluginArchivesDir) return undefined;
    const archive = path.join(context.pluginArchivesDir, `pulumi-resource-mailtrap-v${version}-${platform}.tar.gz`);
    return fs.existsSync(archive) ? archive : undefined;
}

/** Which plugin the scenarios run: the built executable unless MAILTRAP_E2E_PLUGIN=node asks for Node (or none was built). */
export function pluginKind(context: E2EContext, version: string): PluginKind {
    return process.env.MAILTRAP_E2E_PLUGIN === "node" || !pluginArchive(context, version) ? "node" : "binary";
}

/** Unpacks a plugin archive into `dir` (made if absent); returns the path of its executable, `name` (the windows one: `.exe`). */
export function unpackPlugin(archive: string, dir: string, name = "pulumi-resource-mailtrap"): string {
    fs.mkdirSync(dir, { recursive: true });
    execFileSync("tar", ["-xzf", archive, "-C", dir]);
    const executable = path.join(dir, name);
    if (!fs.existsSync(executable)) throw new Error(`${archive} holds no ${name} at its root`);
    return executable;
}

/** Writes into `dir` a pulumi-resource-mailtrap running the installed package's main.js with this process's Node. */
export function writeNodeLauncher(context: E2EContext, dir: string): string {
    const main = path.join(context.packageDir, "node_modules", "pulumi-mailtrap-tokens", "bin", "provider", "native", "main.js");
    if (!fs.existsSync(main)) throw new Error(`the installed package has no ${main}`);
    fs.mkdirSync(dir, { recursive: true });
    const executable = path.join(dir, "pulumi-resource-mailtrap");
    fs.writeFileSync(executable, `#!/bin/sh\nexec "${process.execPath}" "${main}" "$@"\n`, { mode: 0o755 });
    return executable;
}

/**
 * Writes into `dir` the plugin of `kind`: the linux-amd64 executable unpacked, or the Node
 * launcher. Returns the executable's path.
 */
export function writePlugin(context: E2EContext, version: string, kind: PluginKind, dir: string): string {
    if (kind === "node") return writeNodeLauncher(context, dir);
    const archive = pluginArchive(context, version);
    if (!archive) throw new Error("no self-contained plugin was built (tests/e2e/run.ts runs scripts/build-plugins.sh)");
    return unpackPlugin(archive, dir);
}

/**
 * Starts `command` as the engine does (its address as the argument; here one nothing listens on)
 * and resolves with the milliseconds until it printed its port line, then stops it.
 */
export function timeToPortLine(command: string, args: string[] = [], timeoutMs = 60_000): Promise<number> {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = spawn(command, [...args, "127.0.0.1:1"], { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`${command} printed no port line within ${timeoutMs} ms: ${stderr.trim()}`));
        }, timeoutMs);
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.stdout.on("data", (chunk: Buffer) => {
            stdout += chunk.toString();
            if (!stdout.includes("\n")) return;
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            clearTimeout(timer);
            child.kill("SIGKILL");
            if (/^\d+\n/.test(stdout)) resolve(ms);
            else reject(new Error(`${command} printed ${JSON.stringify(stdout)} first, not a port`));
        });
        child.on("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
    });
}

/**
 * A plugin archive as `pulumi plugin install --file` takes it: the built linux-amd64 one, or (kind
 * "node") one made in `workDir` holding the Node launcher.
 */
export function installableArchive(context: E2EContext, version: string, kind: PluginKind, workDir: string): string {
    if (kind === "binary") {
        const archive = pluginArchive(context, version);
        if (!archive) throw new Error("no self-contained plugin was built (tests/e2e/run.ts runs scripts/build-plugins.sh)");
        return archive;
    }
    const dir = fs.mkdtempSync(path.join(workDir, "node-plugin-"));
    writeNodeLauncher(context, dir);
    const archive = path.join(dir, `pulumi-resource-mailtrap-v${version}-linux-amd64.tar.gz`);
    execFileSync("tar", ["-czf", archive, "-C", dir, "pulumi-resource-mailtrap"]);
    return archive;
}
