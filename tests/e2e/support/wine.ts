/**
 * Running the windows-amd64 plugin on this Linux machine under Wine (Debian's `wine` and `wine64`,
 * which .ci/run installs): a launcher script the engine starts as `pulumi-resource-mailtrap`, with
 * its own WINEPREFIX.
 *
 * Bun's Windows executable imports `ProcessPrng` from bcryptprimitives.dll, which every Windows 10
 * and later ships but Wine 8.0 (Debian 12) lacks. Where the installed Wine has no such DLL, a
 * forwarder is put beside the executable (Windows looks there first): a DLL with no code whose one
 * export is `ProcessPrng = advapi32.SystemFunction036` (RtlGenRandom, also "fill a buffer with
 * random bytes"), linked by binutils' `ld`, which writes PE files. The executable itself is as built.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { whichOn } from "./noNodePath";

const WINE_DLL_DIRS = ["/usr/lib/x86_64-linux-gnu/wine/x86_64-windows", "/usr/lib/wine/x86_64-windows"];

/** What this machine lacks to run the plugin under Wine (empty when nothing). */
export function wineMissing(): string[] {
    const onPath = (name: string) => Boolean(whichOn(process.env.PATH ?? "", name));
    return [
        onPath("wine") ? "" : "wine (apt-get install wine wine64)",
        onPath("as") && onPath("ld") ? "" : "as and ld (apt-get install binutils)",
    ].filter(Boolean);
}

/** Whether the installed Wine ships bcryptprimitives.dll (Wine 9 and later do). */
function wineHasBcryptPrimitives(): boolean {
    return WINE_DLL_DIRS.some((dir) => fs.existsSync(path.join(dir, "bcryptprimitives.dll")));
}

/** Puts the bcryptprimitives.dll forwarder beside `executable` when Wine lacks the DLL; says whether it did. */
export function addBcryptPrimitivesForwarder(executable: string, workDir: string): boolean {
    if (wineHasBcryptPrimitives()) return false;
    fs.mkdirSync(workDir, { recursive: true });
    const def = path.join(workDir, "bcryptprimitives.def");
    const empty = path.join(workDir, "empty.s");
    const object = path.join(workDir, "empty.o");
    fs.writeFileSync(def, "LIBRARY bcryptprimitives.dll\nEXPORTS\n  ProcessPrng = advapi32.SystemFunction036\n");
    fs.writeFileSync(empty, "");
    execFileSync("as", ["--64", "-o", object, empty]);
    const dll = path.join(path.dirname(executable), "bcryptprimitives.dll");
    execFileSync("ld", ["-m", "i386pep", "--dll", "-e", "0", "--subsystem", "windows", "-o", dll, def, object]);
    return true;
}

/** The environment Wine runs under: its own prefix, no debug channels, no Mono or Gecko install prompts. */
export function wineEnv(prefix: string): Record<string, string> {
    return { WINEPREFIX: prefix, WINEDEBUG: "-all", WINEDLLOVERRIDES: "mscoree,mshtml=" };
}

/** Writes `dir/pulumi-resource-mailtrap`, a script running `executable` under Wine with {@link wineEnv}. */
export function writeWineLauncher(executable: string, prefix: string, dir: string): string {
    fs.mkdirSync(dir, { recursive: true });
    const launcher = path.join(dir, "pulumi-resource-mailtrap");
    const exports = Object.entries(wineEnv(prefix))
        .map(([key, value]) => `export ${key}="${value}"`)
        .join("\n");
    fs.writeFileSync(launcher, `#!/bin/sh\n${exports}\nexec wine "${executable}" "$@"\n`, { mode: 0o755 });
    return launcher;
}

/** Stops the prefix's wineserver (it lingers a few seconds after its last process). */
export function stopWineServer(prefix: string): void {
    if (!fs.existsSync(prefix)) return;
    try {
        execFileSync("wineserver", ["-k"], { env: { ...process.env, ...wineEnv(prefix) }, stdio: "ignore", timeout: 30_000 });
    } catch {
        // none was running
    }
}
