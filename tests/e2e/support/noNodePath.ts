/**
 * A PATH under which neither the `pulumi` process nor anything it starts can find `node` (nor a
 * pulumi-resource-mailtrap): a folder of links to just the executables a scenario needs, plus
 * whole folders it names (a venv's bin: a venv's python must run from its own folder to find its
 * pyvenv.cfg). This machine has /usr/bin/node, so the ordinary PATH cannot be used.
 */
import * as fs from "fs";
import * as path from "path";

/** Executables a folder on PATH must not hold. */
const FORBIDDEN = ["node", "nodejs", "pulumi-resource-mailtrap"];

/**
 * Makes `dir` (new) with a link per executable (a name → its absolute path, or an absolute path
 * linked under its own name) and returns the PATH: that folder, then `wholeDirs`. Throws when any
 * of them can run `node`, or a linked executable is missing.
 */
export function noNodePath(dir: string, executables: (string | [name: string, target: string])[], wholeDirs: string[] = []): string {
    fs.mkdirSync(dir, { recursive: true });
    for (const entry of executables) {
        const [name, target] = typeof entry === "string" ? [path.basename(entry), entry] : entry;
        if (!path.isAbsolute(target) || !fs.existsSync(target)) throw new Error(`noNodePath: no executable ${target}`);
        if (FORBIDDEN.includes(name)) throw new Error(`noNodePath: ${name} may not be on this PATH`);
        fs.symlinkSync(target, path.join(dir, name));
    }
    const dirs = [dir, ...wholeDirs];
    const found = dirs.flatMap((folder) => FORBIDDEN.map((name) => path.join(folder, name))).filter((file) => fs.existsSync(file));
    if (found.length > 0) throw new Error(`noNodePath: ${found.join(", ")} would be on PATH`);
    return dirs.join(path.delimiter);
}

/** Where `name` resolves under `pathValue` (as a shell's `command -v` would), or undefined. */
export function whichOn(pathValue: string, name: string): string | undefined {
    for (const folder of pathValue.split(path.delimiter).filter(Boolean)) {
        const file = path.join(folder, name);
        try {
            fs.accessSync(file, fs.constants.X_OK);
            return file;
        } catch {
            // not here
        }
    }
    return undefined;
}

/**
 * How a process started with `env` could find `node`: PATH resolving it, or a variable whose value
 * (one path or a PATH-like list) names an executable called node or nodejs. Empty when it cannot.
 */
export function nodeFindableIn(env: NodeJS.ProcessEnv): string[] {
    const found: string[] = [];
    const onPath = whichOn(env.PATH ?? "", "node") ?? whichOn(env.PATH ?? "", "nodejs");
    if (onPath) found.push(`PATH resolves ${onPath}`);
    for (const [key, value] of Object.entries(env)) {
        const named = (value ?? "").split(path.delimiter).filter((part) => ["node", "nodejs"].includes(path.basename(part)));
        if (named.length > 0) found.push(`${key}=${value}`);
    }
    return found;
}
