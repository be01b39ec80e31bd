import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { installPackedPackage, UserProject } from "./harness/packedInstall";

/**
 * The emulator as a user of the installed package runs it: `npx mailtrap-emulator` in a project
 * where the packed tarball is installed. Started, its printed `export` lines read, a request made
 * with them, then stopped; every wait bounded, 127.0.0.1 only.
 */

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

interface Running {
    child: ChildProcess;
    output: () => string;
    exports: Record<string, string>;
}

/** Starts `npx mailtrap-emulator …` in its own process group and waits for its export lines. */
async function start(project: UserProject, args: string[], env: Record<string, string> = {}): Promise<Running> {
    const child = spawn("npx", ["--no-install", "mailtrap-emulator", ...args], {
        cwd: project.dir,
        env: {
            ...process.env,
            MAILTRAP_EMULATOR_PORT: "",
            MAILTRAP_EMULATOR_ACCOUNT_ID: "",
            MAILTRAP_EMULATOR_CREDENTIAL: "",
            MAILTRAP_EMULATOR_API_MODEL: "",
            ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
    });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const exports = await new Promise<Record<string, string>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no export lines within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
        const check = () => {
            const lines = [...output.matchAll(/^\s*export (MAILTRAP_\w+)=(\S+)$/gm)];
            if (lines.length === 3) {
                clearTimeout(timer);
                resolve(Object.fromEntries(lines.map((m) => [m[1], m[2]])));
            }
        };
        child.stdout!.on("data", check);
        child.once("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`the emulator exited (code ${code}) before printing its settings:\n${output}`));
        });
    });
    return { child, output: () => output, exports };
}

/** SIGTERM to the process group (npx and the node it started), then a bounded wait for the exit. */
async function stop(running: Running): Promise<void> {
    if (running.child.exitCode !== null || running.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.child.once("close", () => resolve()));
    process.kill(-running.child.pid!, "SIGTERM");
    const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), STOP_TIMEOUT_MS).unref());
    const result = await Promise.race([exited, timeout]);
    if (result === "timeout") {
        process.kill(-running.child.pid!, "SIGKILL");
        throw new Error(`the emulator did not stop within ${STOP_TIMEOUT_MS} ms`);
    }
}

async function listTokens(exports: Record<string, string>): Promise<{ status: number; body: unknown }> {
    return request(exports, "GET", "");
}

/** A request to `…/api_tokens{suffix}` with the printed settings, bounded in time. */
async function request(
    exports: Record<string, string>,
    method: string,
    suffix: string,
    body?: unknown,
): Promise<{ status: number; body: any }> {
    const response = await fetch(`${exports.MAILTRAP_BASE_URL}/api/accounts/${exports.MAILTRAP_ACCOUNT_ID}/api_tokens${suffix}`, {
        method,
        headers: { "Api-Token": exports.MAILTRAP_API_TOKEN, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: await response.json() };
}

describe("mailtrap-emulator, installed from the packed tarball", () => {
    let project: UserProject;
    const running: Running[] = [];

    beforeAll(() => {
        project = installPackedPackage();
    }, 300_000);

    afterAll(async () => {
        for (const r of running) await stop(r).catch(() => undefined);
        project?.remove();
    });

    it("is linked into node_modules/.bin and runs through its shebang", () => {
        const bin = path.join(project.dir, "node_modules", ".bin", "mailtrap-emulator");
        expect(fs.existsSync(bin)).toBe(true);
        const help = spawnSync(bin, ["--help"], { cwd: project.dir, encoding: "utf8", timeout: 20_000 });
        expect(help.status).toBe(0);
        expect(help.stdout).toMatch(
            /^usage: mailtrap-emulator \[--port N\] \[--account-id N\] \[--credential VALUE\] \[--api-model today\|older\]/,
        );
        expect(help.stdout).toContain("MAILTRAP_EMULATOR_CREDENTIAL");
        expect(help.stdout).toContain("MAILTRAP_EMULATOR_API_MODEL");
    });

    it("`npx mailtrap-emulator --credential X --account-id 3229` serves that account on 127.0.0.1 and prints the settings to use", async () => {
        const emulator = await start(project, ["--credential", "X", "--account-id", "3229", "--port", "0"]);
        running.push(emulator);
        expect(emulator.exports).toMatchObject({ MAILTRAP_ACCOUNT_ID: "3229", MAILTRAP_API_TOKEN: "X" });
        expect(emulator.exports.MAILTRAP_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(emulator.output()).toContain(`pulumi config set mailtrap:baseUrl ${emulator.exports.MAILTRAP_BASE_URL}`);

        const listed = await listTokens(emulator.exports);
        expect(listed.status).toBe(200);
        expect(listed.body).toEqual([expect.objectContaining({ name: "Emulator admin" })]);
        expect((await listTokens({ ...emulator.exports, MAILTRAP_API_TOKEN: "wrong" })).status).toBe(401);

        await stop(emulator);
        // npx ends by the signal; the emulator it ran stopped cleanly and closed its port.
        expect(emulator.output()).toContain("SIGTERM: stopping the emulator");
        await expect(listTokens(emulator.exports)).rejects.toThrow();
    });

    it("takes its options from MAILTRAP_EMULATOR_* when no flag is given", async () => {
        const emulator = await start(project, [], {
            MAILTRAP_EMULATOR_CREDENTIAL: "from-the-environment",
            MAILTRAP_EMULATOR_ACCOUNT_ID: "4000",
            MAILTRAP_EMULATOR_PORT: "0",
        });
        running.push(emulator);
        expect(emulator.exports).toMatchObject({ MAILTRAP_ACCOUNT_ID: "4000", MAILTRAP_API_TOKEN: "from-the-environment" });
        expect((await listTokens(emulator.exports)).status).toBe(200);
        await stop(emulator);
        await expect(listTokens(emulator.exports)).rejects.toThrow();
    });

    it("says at startup that it runs today's API model unless told otherwise", async () => {
        const emulator = await start(project, ["--port", "0"]);
        running.push(emulator);
        expect(emulator.output()).toMatch(/^API model: +today \(today's API, as the vendor's official clients describe it/m);
        await stop(emulator);
    });

    it("`--api-model older` runs the older rule: a token with an expiry cannot be reset", async () => {
        const emulator = await start(project, ["--api-model", "older", "--port", "0"]);
        running.push(emulator);
        expect(emulator.output()).toMatch(/^API model: +older \(the older rule/m);

        const dated = await request(emulator.exports, "POST", "", {
            name: "dated",
            expires_at: new Date(Date.now() + 86_400_000).toISOString(),
        });
        expect(dated.status).toBe(200);
        const reset = await request(emulator.exports, "POST", `/${dated.body.id}/reset`, { expires_at: null });
        expect(reset.status).toBe(422);
        expect(reset.body).toEqual({ errors: { expires_at: ["token has an expiration set and cannot be reset"] } });
        await stop(emulator);
    });

    it("fails at once, naming the allowed values, on an unknown MAILTRAP_EMULATOR_API_MODEL", () => {
        const result = spawnSync("npx", ["--no-install", "mailtrap-emulator"], {
            cwd: project.dir,
            env: { ...process.env, MAILTRAP_EMULATOR_API_MODEL: "newer" },
            encoding: "utf8",
            timeout: 20_000,
        });
        expect(result.status).toBe(2);
        expect(result.stderr).toContain('MAILTRAP_EMULATOR_API_MODEL must be one of today, older, got "newer"');
    });

    it("fails at once, with usage, on a wrong option", () => {
        const result = spawnSync("npx", ["--no-install", "mailtrap-emulator", "--account-id", "zero"], {
            cwd: project.dir,
            encoding: "utf8",
            timeout: 20_000,
        });
        expect(result.status).toBe(2);
        expect(result.stderr).toContain("--account-id must be an integer from 1 to");
        expect(result.stderr).toContain("usage: mailtrap-emulator");
    });
});
