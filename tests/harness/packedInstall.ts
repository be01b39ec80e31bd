import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "./captureProgram";

/** A fresh project with the packed package installed, as a user would have it. */
export interface UserProject {
    dir: string;
    tarball: string;
    /** What `npm install` printed (warnings included): the tarball must add no warning of ours. */
    installLog: string;
    remove(): void;
}

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * MAILTRAP_PACKED_TARBALL: a tarball `npm pack` made of this build (scripts/test-on-node.sh packs
 * once per run) used instead of packing again. MAILTRAP_PACKED_PROJECT: a folder in which the
 * project is installed once, copied for every caller (a copy takes a second, an install of the
 * tarball with the SDK several), so the suites run on one Node version share one packed install.
 */
const TARBALL_ENV = "MAILTRAP_PACKED_TARBALL";
const PROJECT_ENV = "MAILTRAP_PACKED_PROJECT";
const INSTALL_LOG = "npm-install.log";
// A lock, because `npm pack` rewrites package.json while it packs (scripts/pack-manifest.sh) and
// jest runs test files that pack in parallel; a lock older than this is from a killed run.
const STALE_LOCK_MS = 180_000;

function sleep(ms: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `body` holding the lock folder `lock` (mkdir is atomic, across processes too). */
function withLock<T>(lock: string, body: () => T): T {
    const started = Date.now();
    for (;;) {
        try {
            fs.mkdirSync(lock);
            break;
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
            const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
            if (age > STALE_LOCK_MS) fs.rmSync(lock, { recursive: true, force: true });
            else if (Date.now() - started > 2 * STALE_LOCK_MS)
                throw new Error(`${lock} stayed locked for ${2 * STALE_LOCK_MS} ms`, { cause: error });
            else sleep(200);
        }
    }
    try {
        return body();
    } finally {
        fs.rmSync(lock, { recursive: true, force: true });
    }
}

/** `npm pack` of the repository into `dir`, or the tarball MAILTRAP_PACKED_TARBALL names. */
function packInto(root: string, dir: string): string {
    const given = process.env[TARBALL_ENV];
    if (given) {
        if (!fs.existsSync(given)) throw new Error(`${TARBALL_ENV}=${given} does not exist`);
        const tarball = path.join(dir, path.basename(given));
        fs.copyFileSync(given, tarball);
        return tarball;
    }
    const packed = withLock(path.join(root, ".pack.lock"), () =>
        execFileSync(NPM, ["pack", "--silent", "--pack-destination", dir], { cwd: root, encoding: "utf8" }),
    );
    return path.join(dir, packed.trim().split("\n").pop()!);
}

/** Packs (or takes the given tarball) and installs it into `dir`, next to the repository's `@pulumi/pulumi`. */
function install(root: string, dir: string): { tarball: string; installLog: string } {
    const tarball = packInto(root, dir);
    const pulumiManifest = path.join(root, "node_modules", "@pulumi", "pulumi", "package.json");
    const pulumiVersion = (JSON.parse(fs.readFileSync(pulumiManifest, "utf8")) as { version: string }).version;
    fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify({
            name: "user-project",
            private: true,
            dependencies: { "@pulumi/pulumi": pulumiVersion, "pulumi-mailtrap-tokens": `file:${tarball}` },
        }),
    );
    // Warnings are kept (npm's default log level): the install-warnings test reads them.
    const result = spawnSync(NPM, ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
        cwd: dir,
        encoding: "utf8",
        stdio: "pipe",
        timeout: 240_000,
    });
    const installLog = `${result.stdout ?? ""}${result.stderr ?? ""}`;
    if (result.status !== 0) {
        throw new Error(`npm install of the packed package failed (${result.status ?? result.signal ?? result.error}):\n${installLog}`);
    }
    fs.writeFileSync(path.join(dir, INSTALL_LOG), installLog);
    return { tarball, installLog };
}

/**
 * Packs the repository (its build must be current) and installs the tarball into a new temporary
 * project, next to the same `@pulumi/pulumi` version the repository uses; with
 * MAILTRAP_PACKED_PROJECT set, installs it there the first time and gives each caller a copy.
 */
export function installPackedPackage(): UserProject {
    const root = repoRoot();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailtrap-tokens-user-"));
    const remove = () => fs.rmSync(dir, { recursive: true, force: true });
    const shared = process.env[PROJECT_ENV];
    if (!shared) {
        return { dir, ...install(root, dir), remove };
    }
    // The shared install is made once; each caller gets a copy of it, because some change the
    // installed package (goldenStates.test.ts moves its files as a later release would).
    fs.mkdirSync(shared, { recursive: true });
    const log = path.join(shared, INSTALL_LOG);
    withLock(`${shared}.lock`, () => {
        if (!fs.existsSync(log)) install(root, shared);
    });
    execFileSync("cp", ["-a", `${shared}/.`, dir]);
    const tarball = fs.readdirSync(dir).find((file) => file.endsWith(".tgz"))!;
    return { dir, tarball: path.join(dir, tarball), installLog: fs.readFileSync(log, "utf8"), remove };
}

/** A one-token program using the installed package, compiled to `index.js` in the project. */
export function writeUserProgram(project: UserProject): string {
    fs.writeFileSync(
        path.join(project.dir, "index.ts"),
        [
            'import { ApiToken, ApiTokenArgs, ApiTokenInfo, getApiTokens } from "pulumi-mailtrap-tokens";',
            'const args: ApiTokenArgs = { name: "from-the-package", resources: [{ resourceType: "inbox", resourceId: 7, accessLevel: "viewer" }], rotate: 1 };',
            'const token = new ApiToken("user-token", args);',
            "export const tokenId = token.tokenId;",
            "export const listing: (a?: { accountId?: number }) => Promise<ApiTokenInfo[]> = getApiTokens;",
        ].join("\n"),
    );
    fs.writeFileSync(
        path.join(project.dir, "tsconfig.json"),
        JSON.stringify({
            compilerOptions: { strict: true, target: "ES2020", module: "commonjs", esModuleInterop: true, skipLibCheck: true, types: [] },
            files: ["index.ts"],
        }),
    );
    const tsc = path.join(repoRoot(), "node_modules", "typescript", "bin", "tsc");
    execFileSync(process.execPath, [tsc, "-p", project.dir], { cwd: project.dir, stdio: "pipe" });
    return path.join(project.dir, "index.js");
}
