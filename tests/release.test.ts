import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "./harness/captureProgram";

/**
 * `npm run release` (scripts/release.sh) as the release workflow runs it, on this machine: one
 * plugin platform (linux-amd64) to keep it short, bin/ as `npm test` built it, the SDK check left
 * to CI's own `npm run check-sdk` step. Then .github/workflows/release.yml: each of its steps is
 * one that runs here, but the two that talk to GitHub.
 */
const root = repoRoot();
const version = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
const RELEASE = path.join(root, "scripts", "release.sh");

/** js-yaml, which @pulumi/pulumi depends on (as tests/workflows.test.ts loads it). */
function loadYaml(file: string): any {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const yaml = require(require.resolve("js-yaml", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] })) as {
        load(text: string): unknown;
    };
    return yaml.load(fs.readFileSync(file, "utf8"));
}

describe("npm run release", () => {
    let work: string;
    let out: string;
    const file = (name: string) => path.join(out, name);

    beforeAll(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "release-test-"));
        out = path.join(work, "release");
        execFileSync("bash", [RELEASE, "--out", out, "--platform", "linux-amd64", "--no-check", "--no-build"], {
            cwd: root,
            stdio: ["ignore", "pipe", "pipe"],
            timeout: 600_000,
        });
    }, 600_000);
    afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

    it("builds every artifact of the version into one folder", () => {
        expect(fs.readdirSync(out).sort()).toEqual(
            [
                "SHA256SUMS",
                `mailtrap-tokens-pulumi-mailtrap-${version}.tgz`,
                `pulumi-mailtrap-schema-v${version}.json`,
                `pulumi-mailtrap-tokens-${version}.tgz`,
                `pulumi-resource-mailtrap-v${version}-linux-amd64.tar.gz`,
                `pulumi_mailtrap-${version}-py3-none-any.whl`,
                `pulumi_mailtrap-${version}.tar.gz`,
            ].sort(),
        );
    });

    it("lists each artifact's SHA-256 in SHA256SUMS, which `sha256sum -c` accepts", () => {
        const listed = fs
            .readFileSync(file("SHA256SUMS"), "utf8")
            .trim()
            .split("\n")
            .map((line) => line.split(/\s+\*?/)[1]);
        expect(listed.sort()).toEqual(
            fs
                .readdirSync(out)
                .filter((name) => name !== "SHA256SUMS")
                .sort(),
        );
        expect(spawnSync("sha256sum", ["--quiet", "-c", "SHA256SUMS"], { cwd: out }).status).toBe(0);
    });

    it("ships the committed schema, and SDKs of the version that name the plugin's download URL", () => {
        const schema = JSON.parse(fs.readFileSync(path.join(root, "sdk", "schema.json"), "utf8"));
        expect(JSON.parse(fs.readFileSync(file(`pulumi-mailtrap-schema-v${version}.json`), "utf8"))).toEqual(schema);

        const plugin = JSON.parse(
            execFileSync("unzip", ["-p", file(`pulumi_mailtrap-${version}-py3-none-any.whl`), "pulumi_mailtrap/pulumi-plugin.json"], {
                encoding: "utf8",
            }),
        );
        expect(plugin).toEqual({ resource: true, name: "mailtrap", version, server: schema.pluginDownloadURL });

        const manifest = JSON.parse(
            execFileSync("tar", ["-xzOf", file(`mailtrap-tokens-pulumi-mailtrap-${version}.tgz`), "package/package.json"], {
                encoding: "utf8",
            }),
        );
        expect(manifest).toMatchObject({ version, dependencies: { "@pulumi/pulumi": ">=3.269.0 <4.0.0" } });
        expect(manifest.pulumi).toEqual({ resource: true, name: "mailtrap", version, server: schema.pluginDownloadURL });
    });

    it("refuses a tag other than v<version>, before building anything", () => {
        const run = spawnSync("bash", [RELEASE, "--out", path.join(work, "refused"), "--no-check", "--no-build"], {
            cwd: root,
            env: { ...process.env, RELEASE_TAG: "v0.0.0-not-this" },
            encoding: "utf8",
        });
        expect(run.status).not.toBe(0);
        expect(run.stderr).toContain(`the tag v0.0.0-not-this is not v${version}`);
        expect(run.stderr).toContain("release: FAILED at step: checking the version");
        expect(fs.existsSync(path.join(work, "refused"))).toBe(false);
    });
});

describe("npm run release without rcodesign (a fresh clone)", () => {
    let work: string;
    let cache: string;
    beforeEach(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "release-rcodesign-"));
        cache = path.join(work, "cache");
        fs.mkdirSync(cache);
    });
    afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

    /** This environment with an empty cache folder, no RCODESIGN and no rcodesign on PATH. */
    const withoutRcodesign = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
        const env: NodeJS.ProcessEnv = {
            ...process.env,
            PATH: (process.env.PATH ?? "")
                .split(path.delimiter)
                .filter((dir) => !fs.existsSync(path.join(dir, "rcodesign")))
                .join(path.delimiter),
            PULUMI_MAILTRAP_CACHE: cache,
            ...extra,
        };
        delete env.RCODESIGN;
        delete env.RCODESIGN_CACHE;
        delete env.RELEASE_TAG;
        return env;
    };

    it("stops at once, before checking, building or fetching anything, naming the command that builds rcodesign", () => {
        const out = path.join(work, "release");
        const started = Date.now();
        // No --no-check, no --no-build: the check comes before both.
        const run = spawnSync("bash", [RELEASE, "--out", out], { cwd: root, env: withoutRcodesign(), encoding: "utf8", timeout: 60_000 });

        expect(run.status).toBe(1);
        expect(run.stderr).toContain("\n    bash .ci/build-rcodesign.sh\n");
        expect(run.stderr).toContain("--build-rcodesign");
        expect(run.stderr).toContain("release: FAILED at step: checking for rcodesign");
        expect(run.stderr).not.toMatch(/check-sdk|npm run build|compiling/);
        expect(fs.existsSync(out)).toBe(false);
        expect(fs.readdirSync(cache)).toEqual([]); // no Bun runtime fetched
        expect(Date.now() - started).toBeLessThan(30_000);
    });

    it("builds without rcodesign when --platform leaves darwin-amd64 out (checked, nothing built)", () => {
        const run = spawnSync(
            "bash",
            [path.join(root, "scripts", "build-plugins.sh"), "--check", "--platform", "linux-amd64", "--platform", "darwin-arm64"],
            {
                cwd: root,
                env: withoutRcodesign(),
                encoding: "utf8",
                timeout: 60_000,
            },
        );
        expect(run.stderr).toContain("build-plugins: ready to build linux-amd64 darwin-arm64");
        expect(run.status).toBe(0);
        expect(fs.readdirSync(cache)).toEqual([]);
    });

    it("--build-rcodesign runs .ci/build-rcodesign.sh, which caches it where build-plugins looks (a stand-in cargo here)", () => {
        // A stand-in for `cargo install … --root DIR`: an rcodesign that prints its version.
        const bin = path.join(work, "bin");
        fs.mkdirSync(bin);
        fs.writeFileSync(
            path.join(bin, "cargo"),
            [
                "#!/usr/bin/env bash",
                'while [ $# -gt 0 ]; do case "$1" in --root) dest="$2"; shift 2 ;; *) shift ;; esac; done',
                'mkdir -p "$dest/bin"',
                "printf '#!/bin/sh\\necho apple-codesign 0.29.0\\n' >\"$dest/bin/rcodesign\"",
                'chmod +x "$dest/bin/rcodesign"',
                "",
            ].join("\n"),
            { mode: 0o755 },
        );
        const env = withoutRcodesign();
        env.PATH = `${bin}${path.delimiter}${env.PATH}`;
        const check = (...args: string[]) =>
            spawnSync("bash", [path.join(root, "scripts", "build-plugins.sh"), "--check", "--platform", "darwin-amd64", ...args], {
                cwd: root,
                env,
                encoding: "utf8",
                timeout: 60_000,
            });

        const built = check("--build-rcodesign");
        expect(built.stderr).toContain("building rcodesign with .ci/build-rcodesign.sh");
        expect(built.status).toBe(0);
        const cached = path.join(cache, "rcodesign-0.29.0", "bin", "rcodesign");
        expect(fs.existsSync(cached)).toBe(true);
        // The next run finds it without the flag.
        const again = check();
        expect(again.status).toBe(0);
        expect(again.stderr).toContain(`(rcodesign: ${cached})`);
    });
});

describe(".github/workflows/release.yml", () => {
    const workflow = loadYaml(path.join(root, ".github", "workflows", "release.yml"));
    const steps: { name?: string; uses?: string; run?: string }[] = workflow.jobs.release.steps;
    const runs = steps.filter((step) => step.run).map((step) => step.run!.trim());

    it("runs on a pushed tag v*, with the tag as RELEASE_TAG", () => {
        expect(workflow.on).toEqual({ push: { tags: ["v*"] } });
        expect(workflow.jobs.release.env.RELEASE_TAG).toBe("${{ github.ref_name }}");
    });

    it("builds with `npm run release` and uploads the folder release.sh writes by default", () => {
        expect(runs).toContain("npm run release");
        expect(fs.readFileSync(RELEASE, "utf8")).toContain('out="${out:-$root/bin/release/$version}"');
        const publish = runs.find((run) => run.startsWith("gh release create"))!;
        expect(publish).toContain('bin/release/"${RELEASE_TAG#v}"/*');
    });

    it("has no step but ones that run locally, the scripts they name present, and the two that talk to GitHub", () => {
        const local = ["npm ci --no-audit --no-fund", "npm run release"];
        const github = runs.filter((run) => run.startsWith("gh release create") || run.includes("git push origin"));
        const others = runs.filter((run) => !local.includes(run) && !github.includes(run));
        // The rcodesign step runs a build script of .ci when the clone has it.
        expect(others).toEqual(['if [ -f .ci/build-rcodesign.sh ]; then echo "$(bash .ci/build-rcodesign.sh)/bin" >> "$GITHUB_PATH"; fi']);
        expect(github).toHaveLength(2);
        const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
        expect(pkg.scripts.release).toBe("bash scripts/release.sh");
    });

    // Run only where .ci/build-rcodesign.sh has its cache (.ci/run builds it before the tests): a
    // cold build takes minutes.
    const rcodesignCached = fs.existsSync(
        path.join(os.homedir(), ".cache", "pulumi-mailtrap-tokens", "rcodesign-0.29.0", "bin", "rcodesign"),
    );
    (rcodesignCached ? it : it.skip)("its rcodesign step puts a folder holding rcodesign on the runner's PATH", () => {
        const step = steps.find((s) => s.name === "rcodesign")!;
        const githubPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "release-path-")), "GITHUB_PATH");
        fs.writeFileSync(githubPath, "");

        execFileSync("bash", ["-c", step.run!], {
            cwd: root,
            env: { ...process.env, GITHUB_PATH: githubPath },
            stdio: "pipe",
            timeout: 60_000,
        });

        const added = fs.readFileSync(githubPath, "utf8").trim().split("\n");
        expect(added).toHaveLength(1);
        expect(spawnSync(path.join(added[0], "rcodesign"), ["--version"], { encoding: "utf8" }).stdout).toMatch(/^apple-codesign 0\.29\.0/);
    });
});
