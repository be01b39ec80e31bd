import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MailtrapEmulator } from "../provider/emulator/server";
import { repoRoot } from "./harness/captureProgram";
import { installPackedPackage, UserProject } from "./harness/packedInstall";
import { cliEnvironment, findPulumiCli, pinnedCliVersion } from "./support/pulumiCli";

/**
 * The GitHub Actions workflows of examples/ci, parsed, then their shell steps run as the runner
 * would run them (bash, the job's env) against the emulator: the scheduled rotation and the
 * pull-request preview, before and after a token is due. Steps that only set up the runner
 * (`uses:`) and `npm ci` (the project here is installed already) are not run.
 */

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    shell?: string;
    with?: Record<string, unknown>;
}
interface Workflow {
    name: string;
    on: Record<string, unknown>;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    permissions?: Record<string, string>;
    jobs: Record<string, { "runs-on": string; env?: Record<string, string>; steps: Step[] }>;
}

const WORKFLOWS_DIR = path.join(repoRoot(), "examples", "ci", ".github", "workflows");

/** js-yaml, which @pulumi/pulumi depends on (it reads stack files with it). */
function loadYaml(file: string): Workflow {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const yaml = require(require.resolve("js-yaml", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] })) as {
        load(text: string): unknown;
    };
    return yaml.load(fs.readFileSync(file, "utf8")) as Workflow;
}

const rotate = loadYaml(path.join(WORKFLOWS_DIR, "rotate.yml"));
const preview = loadYaml(path.join(WORKFLOWS_DIR, "preview.yml"));
const onlyJob = (workflow: Workflow) => Object.values(workflow.jobs)[0];

describe("examples/ci workflows, as files", () => {
    it("rotate.yml runs on a daily cron and on demand, one run per stack at a time, never cancelled halfway", () => {
        expect(Object.keys(rotate.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
        const [{ cron }] = rotate.on.schedule as { cron: string }[];
        expect(cron.split(" ")).toHaveLength(5);
        expect(cron.split(" ").slice(2)).toEqual(["*", "*", "*"]); // every day
        expect(rotate.concurrency).toEqual({ group: "pulumi-prod", "cancel-in-progress": false });
        expect(rotate.permissions).toEqual({ contents: "read" });
        const runs = onlyJob(rotate).steps.map((s) => s.run ?? "");
        expect(runs.some((run) => /^pulumi up\b.*--yes/.test(run))).toBe(true);
    });

    it("preview.yml previews pull requests with --diff, a newer push replacing the running preview", () => {
        expect(Object.keys(preview.on)).toEqual(["pull_request"]);
        expect(preview.concurrency).toEqual({ group: "preview-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
        const step = onlyJob(preview).steps.find((s) => /pulumi preview\b/.test(s.run ?? ""))!;
        expect(step.run).toContain("--diff");
        // Piped into tee: only bash's pipefail (`shell: bash`) lets a failed preview fail the step.
        expect(step.shell).toBe("bash");
        expect(step.run).not.toMatch(/pulumi up/);
    });

    it("both install the pinned CLI and Node 20, and take credentials from secrets only", () => {
        for (const workflow of [rotate, preview]) {
            const job = onlyJob(workflow);
            const pulumiAction = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
            expect(pulumiAction?.with?.["pulumi-version"]).toBe(pinnedCliVersion()?.replace(/^v/, "") ?? "3.274.1");
            expect(job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"))?.with?.["node-version"]).toBe(20);
            expect(job.env?.MAILTRAP_API_TOKEN).toBe("${{ secrets.MAILTRAP_API_TOKEN }}");
            expect(job.env?.PULUMI_CONFIG_PASSPHRASE).toBe("${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
        }
    });
});

const cliDir = findPulumiCli();
const describeWithCli = cliDir ? describe : describe.skip;
if (!cliDir) {
    // One line, not a failure: the file checks above still ran.
    process.stderr.write("workflows.test: no Pulumi CLI on this machine (see `npm run test:e2e`), so the workflows' steps were not run\n");
}

describeWithCli("examples/ci workflows, their steps run against the emulator", () => {
    jest.setTimeout(300_000);
    let project: UserProject;
    let emulator: MailtrapEmulator;
    let work: string;
    let summaryFile: string;
    let backend: string;

    /** What `${{ … }}` stands for on this runner. */
    const expressions = () => ({
        "vars.PULUMI_BACKEND_URL": `file://${backend}`,
        "secrets.PULUMI_CONFIG_PASSPHRASE": "workflow test passphrase",
        "secrets.MAILTRAP_API_TOKEN": emulator.credential,
        "github.event.pull_request.number": "7",
    });

    function jobEnvironment(workflow: Workflow, extra: Record<string, string>): NodeJS.ProcessEnv {
        const env: Record<string, string> = {};
        for (const [key, value] of Object.entries(onlyJob(workflow).env ?? {})) {
            env[key] = String(value).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => {
                const known = (expressions() as Record<string, string>)[expression];
                if (known === undefined) throw new Error(`no value for \${{ ${expression} }} in ${workflow.name}`);
                return known;
            });
        }
        return cliEnvironment(cliDir!, path.join(work, "pulumi-home"), { ...env, GITHUB_STEP_SUMMARY: summaryFile, ...extra });
    }

    /** Runs a command without blocking this process, where the emulator answers; killed after `timeoutMs`. */
    function run(
        command: string,
        args: string[],
        env: NodeJS.ProcessEnv,
        timeoutMs = 180_000,
    ): Promise<{ code: number | null; output: string }> {
        return new Promise((resolve, reject) => {
            // Its own process group, so a timeout also ends what it started (the CLI's plugins).
            const child = spawn(command, args, { cwd: project.dir, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
            let output = "";
            child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
            child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
            const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), timeoutMs);
            child.once("error", reject);
            child.once("close", (code) => {
                clearTimeout(timer);
                resolve({ code, output });
            });
        });
    }

    /** Runs the workflow's shell steps in the project, as the runner does: `bash -e`, or `bash -eo pipefail` with `shell: bash`. */
    async function runSteps(workflow: Workflow, extra: Record<string, string> = {}): Promise<string> {
        let log = "";
        for (const step of onlyJob(workflow).steps) {
            if (!step.run || step.run.trim() === "npm ci") continue;
            const script = path.join(work, "step.sh");
            fs.writeFileSync(script, step.run);
            const args = step.shell === "bash" ? ["--noprofile", "--norc", "-eo", "pipefail", script] : ["-e", script];
            const result = await run("bash", args, jobEnvironment(workflow, extra));
            log += `$ ${step.name ?? step.run}\n${result.output}`;
            if (result.code !== 0) {
                throw new Error(`${workflow.name}: step "${step.name ?? step.run}" failed (exit ${result.code}):\n${log}`);
            }
        }
        return log;
    }

    async function pulumi(args: string[]): Promise<string> {
        const result = await run("pulumi", args, jobEnvironment(rotate, {}), 120_000);
        if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed:\n${result.output}`);
        return result.output;
    }

    const summary = () => (fs.existsSync(summaryFile) ? fs.readFileSync(summaryFile, "utf8") : "");
    const resets = () => emulator.requests.filter((r) => r.method === "POST" && r.path.endsWith("/reset") && r.status === 200).length;

    beforeAll(async () => {
        project = installPackedPackage();
        work = fs.mkdtempSync(path.join(os.tmpdir(), "workflows-test-"));
        backend = path.join(work, "backend");
        fs.mkdirSync(backend);
        summaryFile = path.join(work, "summary.md");
        // The repository a team copies the workflows into: examples/ci as its Pulumi project, importing the package.
        const source = fs.readFileSync(path.join(repoRoot(), "examples", "ci", "index.ts"), "utf8");
        fs.writeFileSync(path.join(project.dir, "index.ts"), source.replace('from "../../provider"', 'from "pulumi-mailtrap-tokens"'));
        fs.copyFileSync(path.join(repoRoot(), "examples", "ci", "Pulumi.yaml"), path.join(project.dir, "Pulumi.yaml"));
        // The language host compiles index.ts with the project's TypeScript.
        fs.symlinkSync(path.join(repoRoot(), "node_modules", "typescript"), path.join(project.dir, "node_modules", "typescript"), "dir");
        emulator = new MailtrapEmulator();
        const baseUrl = await emulator.start(0);
        // What the team did once: the stack and its committed config.
        await pulumi(["login", `file://${backend}`]);
        await pulumi(["stack", "init", "prod"]);
        await pulumi(["config", "set", "projectId", "12345"]);
        await pulumi(["config", "set", "mailtrap:accountId", String(emulator.accountId)]);
        await pulumi(["config", "set", "mailtrap:baseUrl", baseUrl]);
    }, 300_000);

    afterAll(async () => {
        await emulator?.stop();
        project?.remove();
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("the scheduled job creates the stack's token on its first run and records when it is renewed next", async () => {
        const log = await runSteps(rotate);
        expect(emulator.listTokens(emulator.accountId).map((t) => t.name)).toContain("sending-prod");
        expect(log).toMatch(/\d{4}-\d{2}-\d{2}T/); // nextRotationAt
    });

    it("a pull-request preview while nothing is due changes nothing and adds no note", async () => {
        const before = emulator.requests.length;
        const log = await runSteps(preview);
        expect(log).not.toMatch(/will rotate/);
        expect(summary()).toBe("");
        expect(emulator.requests.length).toBe(before); // a preview makes no API call
    });

    it("once the token is due, every pull-request preview shows its renewal, and the job summary says it is not the pull request's", async () => {
        const due = { MAILTRAP_PROVIDER_NOW: new Date(Date.now() + 31 * 86_400_000).toISOString() };
        const log = await runSteps(preview, due);
        expect(log).toMatch(/will rotate: its value is 31\.\d days old and rotateAfterDays is 30/);
        expect(summary()).toContain("Scheduled token renewals are due (not caused by this pull request)");
        expect(summary()).toContain('ApiToken "sending"');
        expect(resets()).toBe(0);
    });

    it("the scheduled job renews it (tokens targeted by wildcard), after which previews are quiet again", async () => {
        const due = { MAILTRAP_PROVIDER_NOW: new Date(Date.now() + 31 * 86_400_000).toISOString() };
        const tokenBefore = emulator.listTokens(emulator.accountId).find((t) => t.name === "sending-prod")!;
        await runSteps(rotate, due);
        expect(resets()).toBe(1);
        expect(emulator.getToken(emulator.accountId, tokenBefore.id)?.expires_at).not.toBeNull(); // the old value's grace

        fs.rmSync(summaryFile, { force: true });
        const log = await runSteps(preview, due);
        expect(log).not.toMatch(/will rotate/);
        expect(summary()).toBe("");
    });
});
