import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "./harness/captureProgram";

/**
 * .github/workflows/ci.yml and release.yml, parsed: ci.yml runs `bash .ci/run` on branch pushes,
 * pull requests and when called; it caches every folder the build scripts write under
 * ~/.cache/pulumi-mailtrap-tokens (found by reading the scripts), each keyed by the script that
 * writes it; and release.yml publishes only from jobs that need the job calling ci.yml, and builds
 * with the tested toolchain and the same caches.
 */

interface Step {
    name?: string;
    id?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
}
interface Job {
    uses?: string;
    needs?: string | string[];
    if?: string;
    steps?: Step[];
}
interface Workflow {
    on: Record<string, unknown>;
    jobs: Record<string, Job>;
}

const root = repoRoot();
const WORKFLOWS = path.join(root, ".github", "workflows");
const CACHE_ROOT = "~/.cache/pulumi-mailtrap-tokens";
const CI_CALL = "./.github/workflows/ci.yml";

/** js-yaml, which @pulumi/pulumi depends on (as tests/workflows.test.ts loads it). */
function loadYaml(file: string): Workflow {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const yaml = require(require.resolve("js-yaml", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] })) as {
        load(text: string): unknown;
    };
    return yaml.load(fs.readFileSync(file, "utf8")) as Workflow;
}

const ci = loadYaml(path.join(WORKFLOWS, "ci.yml"));
const release = loadYaml(path.join(WORKFLOWS, "release.yml"));
const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);

interface Cache {
    paths: string[];
    key: string;
    /** The files hashFiles(…) names in the key. */
    hashed: string[];
}
function caches(workflow: Workflow): Cache[] {
    return steps(workflow)
        .filter((step) => step.uses?.startsWith("actions/cache@"))
        .map((step) => {
            const key = String(step.with?.key ?? "");
            const hashed = [...key.matchAll(/hashFiles\(([^)]*)\)/g)].flatMap(([, args]) =>
                [...args.matchAll(/'([^']+)'/g)].map(([, file]) => file),
            );
            return {
                paths: String(step.with?.path ?? "")
                    .trim()
                    .split("\n")
                    .map((p) => p.trim()),
                key,
                hashed,
            };
        });
}

/**
 * The folders the scripts of .ci/ and scripts/ write in the cache, as the glob that matches them
 * (`cli-${CLI_VERSION}-…` → `cli-*`), each with the scripts that name it. Comment lines and
 * temporary folders (a leading dot) are left out.
 */
function cacheFolders(): Map<string, string[]> {
    const folders = new Map<string, string[]>();
    const scripts = [".ci", "scripts"].flatMap((dir) =>
        fs
            .readdirSync(path.join(root, dir))
            .filter((name) => name.endsWith(".sh"))
            .map((name) => `${dir}/${name}`),
    );
    for (const script of scripts) {
        const code = fs
            .readFileSync(path.join(root, script), "utf8")
            .split("\n")
            .filter((line) => !/^\s*#/.test(line))
            .join("\n");
        for (const [, name] of code.matchAll(/(?:\.cache\/pulumi-mailtrap-tokens\}?|\$\{?CACHE\}?)\/([^\s"'/)}]+)/g)) {
            if (name.startsWith(".")) continue;
            const dollar = name.indexOf("$");
            if (dollar === 0) throw new Error(`${script}: a cache folder named only by a variable: ${name}`);
            const glob = dollar > 0 ? `${name.slice(0, dollar)}*` : name;
            folders.set(glob, [...new Set([...(folders.get(glob) ?? []), script])]);
        }
    }
    return folders;
}

describe(".github/workflows/ci.yml", () => {
    const [jobId, job] = Object.entries(ci.jobs)[0];

    it("runs on branch pushes, pull requests and when another workflow calls it; a tag starts it only through the release", () => {
        expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push", "workflow_call"]);
        expect(ci.on.push).toEqual({ branches: ["**"] });
        expect(Object.keys(ci.jobs)).toEqual([jobId]);
    });

    it("runs `bash .ci/run`, after the toolchain and the caches are set up", () => {
        const jobSteps = job.steps!;
        const runIndex = jobSteps.findIndex((step) => step.run?.trim() === "bash .ci/run");
        expect(runIndex).toBe(jobSteps.length - 1);
        const setupIndexes = jobSteps
            .map((step, index) => (step.uses?.startsWith("actions/setup-") || step.uses?.startsWith("actions/cache@") ? index : -1))
            .filter((index) => index >= 0);
        expect(setupIndexes.length).toBeGreaterThanOrEqual(4);
        expect(Math.max(...setupIndexes)).toBeLessThan(runIndex);
        // .ci/run's own lane runs on "this machine's Node 20", as the README's table says.
        expect(jobSteps.find((step) => step.uses?.startsWith("actions/setup-node@"))?.with?.["node-version"]).toBe(20);
        expect(fs.readFileSync(path.join(root, ".ci", "run"), "utf8")).toMatch(/this machine's Node 20/);
    });

    it("installs as root what .ci/run installs only as root (qemu-user, the arm64 C library, Wine, binutils)", () => {
        const ciRun = fs.readFileSync(path.join(root, ".ci", "run"), "utf8");
        const wanted = /local packages=\(([^)]*)\)/.exec(ciRun)![1].trim().split(/\s+/);
        const install = job.steps!.find((step) => /sudo .*apt-get install/.test(step.run ?? ""))!;
        expect(install.run!.trim().split(/\s+/)).toEqual(expect.arrayContaining(wanted));
    });

    const folders = [...cacheFolders().entries()];

    it("finds the cache folders the scripts write (the CLI, the hosts, rcodesign, the runtimes, the SDK builds')", () => {
        expect(folders.map(([glob]) => glob).sort()).toEqual(
            expect.arrayContaining([
                "bun-*",
                "cli-*",
                "node-*",
                "python-build-venv",
                "python-host-*",
                "rcodesign-*",
                "sdk-nodejs-modules",
                "yaml-host-*",
            ]),
        );
    });

    it.each(folders)("caches %s, keyed by the scripts that write it (%s)", (glob, scripts) => {
        const cached = caches(ci).filter((cache) => cache.paths.includes(`${CACHE_ROOT}/${glob}`));
        expect(cached).toHaveLength(1);
        expect(cached[0].hashed).toEqual(expect.arrayContaining(scripts));
        expect(cached[0].key).toContain("${{ runner.os }}");
        // A virtual environment holds its Python's path: it is keyed by the Python version.
        if (scripts.some((script) => /-m venv\b/.test(fs.readFileSync(path.join(root, script), "utf8")))) {
            expect(cached[0].key).toContain("${{ steps.python.outputs.python-version }}");
        }
    });

    it("keys each cache apart, hashing files that exist, and names the Python version from the setup-python step", () => {
        const all = caches(ci);
        expect(new Set(all.map((cache) => cache.key.replace(/-\$\{\{ hashFiles.*$/, ""))).size).toBe(all.length);
        for (const file of all.flatMap((cache) => cache.hashed)) expect([file, fs.existsSync(path.join(root, file))]).toEqual([file, true]);
        for (const cache of all) expect(cache.paths.every((p) => p.startsWith(`${CACHE_ROOT}/`))).toBe(true);
        expect(steps(ci).find((step) => step.uses?.startsWith("actions/setup-python@"))?.id).toBe("python");
    });
});

describe(".github/workflows/release.yml runs ci.yml first", () => {
    const callers = Object.entries(release.jobs)
        .filter(([, job]) => job.uses === CI_CALL)
        .map(([id]) => id);
    const publishing = Object.entries(release.jobs).filter(([, job]) =>
        (job.steps ?? []).some((step) => /\bgh release\b|\bgit push\b/.test(step.run ?? "")),
    );
    /** The jobs a job waits for, directly or through others. */
    const needed = (id: string, seen = new Set<string>()): string[] => {
        const needs = release.jobs[id].needs ?? [];
        for (const need of Array.isArray(needs) ? needs : [needs]) {
            if (!seen.has(need)) {
                seen.add(need);
                needed(need, seen);
            }
        }
        return [...seen];
    };

    it("has a job that calls ci.yml", () => {
        expect(callers).toEqual(["tests"]);
    });

    it("publishes (gh release, git push) only in jobs that need the tests job, and only when it passed", () => {
        expect(publishing.map(([id]) => id)).toEqual(["release"]);
        for (const [id, job] of publishing) {
            expect({ job: id, needs: needed(id) }).toEqual({ job: id, needs: expect.arrayContaining(callers) });
            // always(), failure() or cancelled() in `if:` would run it after failed or skipped tests.
            expect(job.if ?? "").not.toMatch(/always\(\)|failure\(\)|cancelled\(\)/);
        }
    });

    it("builds with the toolchain ci.yml tested with, and restores ci.yml's caches under the same keys", () => {
        const setups = (workflow: Workflow) =>
            Object.fromEntries(
                steps(workflow)
                    .filter((step) => step.uses?.startsWith("actions/setup-"))
                    .map((step) => [
                        step.uses,
                        Object.fromEntries(Object.entries(step.with ?? {}).filter(([k]) => k.endsWith("-version"))),
                    ]),
            );
        expect(setups(release)).toEqual(setups(ci));
        const releaseCaches = caches(release);
        expect(releaseCaches.length).toBeGreaterThan(0);
        for (const cache of releaseCaches) expect(caches(ci)).toContainEqual(cache);
    });
});
