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
