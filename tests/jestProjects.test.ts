import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "./harness/captureProgram";

/**
 * tests/jest.projects.js, the one list of jest projects: every test file is in exactly one
 * project of its runner (but those `host-older` and `without-account` run again), every project has files,
 * and the commands that name projects (package.json's scripts, .ci/run) name ones that exist, as
 * `jest --selectProjects` runs nothing for a name it does not know.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PROJECTS } = require("./jest.projects") as {
    PROJECTS: { name: string; runner: "test" | "e2e"; files: string[]; setupFiles?: string[] }[];
};
const root = repoRoot();
/** Projects that run files of other projects again, under other conditions (their setup files). */
const RERUNS = ["host-older", "without-account"];

/** Files under `dir` (relative to the repository root) whose names end with `suffix`. */
function filesUnder(dir: string, suffix: string): string[] {
    return (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[])
        .filter((file) => file.endsWith(suffix))
        .map((file) => path.posix.join(dir, file.split(path.sep).join("/")))
        .sort();
}

/** The project's globs are folders (`dir/**`) or files. */
function inProject(project: { files: string[] }, file: string): boolean {
    return project.files.some((glob) => (glob.endsWith("/**") ? file.startsWith(glob.slice(0, -2)) : file === glob));
}

describe("the jest projects", () => {
    const projectsOf = (runner: string, file: string) =>
        PROJECTS.filter((p) => p.runner === runner && !RERUNS.includes(p.name) && inProject(p, file)).map((p) => p.name);

    it("hold every test file in exactly one project of its runner", () => {
        const tests = filesUnder("tests", ".test.ts").filter((file) => !file.startsWith("tests/e2e/"));
        const e2e = filesUnder("tests/e2e", ".e2e.ts");
        const wrong = [
            ...tests.map((file) => [file, projectsOf("test", file)] as const),
            ...e2e.map((file) => [file, projectsOf("e2e", file)] as const),
        ].filter(([, names]) => names.length !== 1);
        expect(wrong).toEqual([]);
        expect(tests.length).toBeGreaterThan(80);
        expect(e2e.length).toBeGreaterThan(20);
    });

    it("each match a file, with unique names", () => {
        const all = [...filesUnder("tests", ".test.ts"), ...filesUnder("tests/e2e", ".e2e.ts")];
        expect(PROJECTS.filter((p) => !all.some((file) => inProject(p, file))).map((p) => p.name)).toEqual([]);
        expect(new Set(PROJECTS.map((p) => p.name)).size).toBe(PROJECTS.length);
        expect(PROJECTS.filter((p) => p.runner === "e2e").every((p) => p.name.startsWith("e2e-"))).toBe(true);
        expect(PROJECTS.filter((p) => p.runner === "test").some((p) => p.name.startsWith("e2e-"))).toBe(false);
    });

    it("run again under the older API rule every host spec that reads which rule it runs under", () => {
        const older = PROJECTS.find((p) => p.name === "host-older")!;
        expect(older.files.every((glob) => glob.startsWith("tests/host/"))).toBe(true);
        const readingTheRule = filesUnder("tests/host", ".test.ts").filter((file) =>
            /import \{[^}]*\b(API_MODEL|RESETS_EXPIRING_TOKENS)\b[^}]*\} from "[./]+\/harness\/apiModel"/.test(
                fs.readFileSync(path.join(root, file), "utf8"),
            ),
        );
        expect(readingTheRule.length).toBeGreaterThan(0);
        expect(readingTheRule.filter((file) => !inProject(older, file))).toEqual([]);
        expect(older.setupFiles).toEqual(["<rootDir>/tests/support/olderApiModel.js"]);
        expect(fs.readFileSync(path.join(root, "tests", "support", "olderApiModel.js"), "utf8")).toContain(
            'process.env.MAILTRAP_TEST_API_MODEL = "older"',
        );
    });

    it("run the settling, drift, permission and history suites again without an account, permissions answered renamed", () => {
        const without = PROJECTS.find((p) => p.name === "without-account")!;
        expect(without.setupFiles).toEqual(["<rootDir>/tests/support/withoutAccount.js"]);
        const setup = fs.readFileSync(path.join(root, "tests", "support", "withoutAccount.js"), "utf8");
        expect(setup).toContain('process.env.MAILTRAP_TEST_ACCOUNT = "none"');
        expect(setup).toContain('process.env.MAILTRAP_TEST_PERMISSION_ANSWERS = "renamed"');
    });

    it("are the ones package.json's scripts and .ci/run name", () => {
        const names = PROJECTS.map((p) => p.name);
        const scripts = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> })
            .scripts;
        const named = Object.values(scripts).flatMap((script) =>
            [...script.matchAll(/--selectProjects((?: [\w-]+)+)/g)].flatMap(([, list]) => list.trim().split(" ")),
        );
        const ci = fs.readFileSync(path.join(root, ".ci", "run"), "utf8");
        const arrays = [...ci.matchAll(/^(\w+_PROJECTS)=\(([^)]*)\)/gm)];
        expect(arrays.map(([, name]) => name)).toEqual([
            "NODE_22_PROJECTS",
            "NODE_24_PROJECTS",
            "OLD_SDK_PROJECTS",
            "NODE_20_E2E_PROJECTS",
            "NODE_20_SIBLING_PROJECTS",
        ]);
        const ciNamed = arrays.flatMap(([, , list]) => list.split(/\s+/).filter(Boolean));
        expect(named.length).toBeGreaterThan(0);
        expect([...named, ...ciNamed].filter((name) => !names.includes(name))).toEqual([]);
    });
});
