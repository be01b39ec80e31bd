import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "./harness/captureProgram";
import { DOCS_DIR, README, docsPages, strayFigures } from "./readme/blocks";

/**
 * The README is a front page, and figures cannot go stale: a figure (a number with a unit of time
 * or size, or a test count) stands only inside a `<!-- figures:NAME -->…<!-- /figures -->` section
 * that a measuring script rewrites (`npm run bench`: docs/benchmarks.md).
 */
describe("the README and docs/", () => {
    it("the README has at most 250 lines", () => {
        const lines = fs.readFileSync(README, "utf8").replace(/\n$/, "").split("\n").length;
        expect(lines).toBeLessThanOrEqual(250);
    });

    it.each(["README.md", ...docsPages().map((page) => `docs/${page}`)])("%s quotes figures only in measured sections", (name) => {
        const file = name === "README.md" ? README : path.join(DOCS_DIR, path.basename(name));
        expect(strayFigures(fs.readFileSync(file, "utf8"))).toEqual([]);
    });

    it("the README shows the commands that pass the tests on a fresh clone, the ones .ci/run runs on its clean clone, with measured figures", () => {
        const readme = fs.readFileSync(README, "utf8");
        const demo = readme.indexOf("```sh readme-test=clone\nnpm run demo\n```");
        const tests = readme.indexOf("\nnpm ci && npm test\n```");
        // Beside the demo: the next block after it.
        expect(demo).toBeGreaterThan(0);
        expect(tests).toBeGreaterThan(demo);
        expect(readme.slice(demo + 1, tests)).not.toMatch(/\n```sh readme-test=(?!not-run)/);
        expect(readme.slice(tests)).toMatch(/<!-- figures:tests -->[\s\S]*?<!-- \/figures -->/);
        const ci = fs.readFileSync(path.join(repoRoot(), ".ci", "run"), "utf8");
        expect(ci).toMatch(/^timed "npm ci" npm ci\b/m);
        expect(ci).toMatch(/timed "npm test \(Node 20[^"]*" npm test$/m);
        expect(fs.readFileSync(path.join(repoRoot(), "scripts", "measure-tests.sh"), "utf8")).toContain("<!-- figures:tests -->");
    });

    it("the figures strayFigures refuses and the ones it lets through", () => {
        expect(strayFigures("takes about 25 s\n97 tests\n13 MB archive\n8 minutes")).toHaveLength(4);
        expect(
            strayFigures("<!-- figures:bench -->\n9.92 ms\n<!-- /figures -->\n12 hours of grace, 90 days, v3.274.1, 150 requests"),
        ).toEqual([]);
    });
});

/** The options a script's argument loop takes: its `--name)` and `--name=*)` case labels. */
function scriptOptions(script: string): string[] {
    const text = fs.readFileSync(path.join(repoRoot(), script), "utf8");
    return [...text.matchAll(/^\s+(--[a-z-]+)(?:=\*)?\)/gm)].map(([, option]) => option);
}

describe("the release commands the README and docs/ name", () => {
    const pages = [["README.md", README], ...docsPages().map((page) => [`docs/${page}`, path.join(DOCS_DIR, page)])];
    const texts = pages.map(([name, file]) => [name, fs.readFileSync(file, "utf8")] as const);

    it("pass `npm run release` and `npm run build-plugins` only options the scripts take", () => {
        const options: Record<string, string[]> = {
            release: scriptOptions("scripts/release.sh"),
            "build-plugins": scriptOptions("scripts/build-plugins.sh"),
        };
        expect(options.release).toEqual(expect.arrayContaining(["--platform", "--build-rcodesign", "--no-check", "--no-build"]));
        const used: string[] = [];
        const unknown: string[] = [];
        for (const [name, text] of texts) {
            for (const [command, script, args] of text.matchAll(/npm run (release|build-plugins) -- ([^`\n]+)/g)) {
                for (const option of args.match(/--[a-z-]+/g) ?? []) {
                    used.push(`${script} ${option}`);
                    if (!options[script].includes(option)) unknown.push(`${name}: ${command.trim()}`);
                }
            }
        }
        expect(unknown).toEqual([]);
        expect(used).toEqual(expect.arrayContaining(["release --build-rcodesign", "build-plugins --platform"]));
    });

    it("run scripts that exist", () => {
        const missing = texts.flatMap(([name, text]) =>
            [...text.matchAll(/\bbash ((?:\.ci|scripts)\/[\w.-]+\.sh)\b/g)]
                .filter(([, script]) => !fs.existsSync(path.join(repoRoot(), script)))
                .map(([, script]) => `${name}: ${script}`),
        );
        expect(missing).toEqual([]);
    });

    it("the README says what `npm run release` needs beyond the clone: rcodesign, the command that builds it (the one the script names when it stops), --platform", () => {
        const readme = fs.readFileSync(README, "utf8");
        const paragraph = readme.split("\n\n").find((p) => p.includes("`npm run release` builds every artifact"))!;
        expect(paragraph).toContain("`bash .ci/build-rcodesign.sh`");
        expect(paragraph).toContain("--build-rcodesign");
        expect(paragraph).toContain("`--platform OS-ARCH`");
        expect(fs.readFileSync(path.join(repoRoot(), "scripts", "build-plugins.sh"), "utf8")).toContain(
            'echo "    bash .ci/build-rcodesign.sh"',
        );
    });
});
