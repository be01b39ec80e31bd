import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

const REPO_PACKAGE_NAME = "pulumi-mailtrap-tokens";
const DEFAULT_RESOURCE_TYPE = "pulumi-nodejs:dynamic/mailtrap:ApiToken";
const RESULT_PREFIX = "PROGRAM_RESULT ";
const ERROR_PREFIX = "PROGRAM_ERROR ";

export interface RegisteredResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    /** The provider reference the mock monitor received, if any. */
    provider?: string;
}

export interface ProgramRun {
    resources: RegisteredResource[];
    /** The program's stack outputs with outputs resolved (resources appear as their URN). */
    exports?: unknown;
    stdout: string;
    stderr: string;
}

export interface RunProgramOptions {
    /** Stack config, keys like "mailtrap:accountId"; passed to the program as PULUMI_CONFIG. */
    config?: Record<string, string>;
    env?: Record<string, string>;
    timeoutMs?: number;
    /** The project and stack the program sees (`pulumi.getProject()`, `pulumi.getStack()`); default "mailtrap-test" and "dev". */
    project?: string;
    stack?: string;
}

export function repoRoot(): string {
    let dir = __dirname;
    for (;;) {
        const manifest = path.join(dir, "package.json");
        if (fs.existsSync(manifest)) {
            const parsed = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string };
            if (parsed.name === REPO_PACKAGE_NAME) {
                return dir;
            }
        }
        const parent = path.dirname(dir);
        if (parent === dir) {
            throw new Error(`no package.json named ${REPO_PACKAGE_NAME} above ${__dirname}`);
        }
        dir = parent;
    }
}

/** The compiled runner, also when this module runs as TypeScript source under ts-jest. */
function compiledRunnerPath(): string {
    const runner = path.join(repoRoot(), "bin", "tests", "harness", "programRunner.js");
    if (!fs.existsSync(runner)) {
        throw new Error(`${runner} is missing; run \`npx tsc -p tsconfig.json\` first`);
    }
    return runner;
}

/** Runs a compiled Pulumi program under mocks in a child process and returns what it registered. */
export function runProgram(programJsPath: string, options: RunProgramOptions = {}): Promise<ProgramRun> {
    const runner = compiledRunnerPath();
    const timeoutMs = options.timeoutMs ?? 60000;
    const child = spawn(process.execPath, [runner, path.resolve(programJsPath)], {
        cwd: repoRoot(),
        env: {
            ...process.env,
            ...options.env,
            PULUMI_CONFIG: JSON.stringify(options.config ?? {}),
            PROGRAM_RUNNER_PROJECT: options.project ?? "",
            PROGRAM_RUNNER_STACK: options.stack ?? "",
        },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => (stdout += chunk));
    child.stderr.on("data", (chunk: string) => (stderr += chunk));

    return new Promise<ProgramRun>((resolve, reject) => {
        let timedOut = false;
        const timer = setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
        }, timeoutMs);
        child.once("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
        // 'close' rather than 'exit': it fires after stdout/stderr are drained.
        child.once("close", (code, signal) => {
            clearTimeout(timer);
            const lines = stdout.split("\n");
            const errorLine = lines.find((line) => line.startsWith(ERROR_PREFIX));
            const resultLine = lines.find((line) => line.startsWith(RESULT_PREFIX));
            if (timedOut) {
                reject(new Error(`program ${programJsPath} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
            } else if (errorLine !== undefined) {
                const message = errorLine.slice(ERROR_PREFIX.length).replace(/\\n/g, "\n");
                reject(new Error(`program ${programJsPath} failed: ${message}\nstderr: ${stderr}`));
            } else if (code !== 0 || resultLine === undefined) {
                reject(
                    new Error(
                        `program runner exited with code ${code} (signal ${signal}) without a result\nstdout: ${stdout}\nstderr: ${stderr}`,
                    ),
                );
            } else {
                const result = JSON.parse(resultLine.slice(RESULT_PREFIX.length)) as { resources: RegisteredResource[]; exports?: unknown };
                resolve({ resources: result.resources, exports: result.exports, stdout, stderr });
            }
        });
    });
}

/** The `__provider` string (the serialized dynamic provider) of the first resource of `type`. */
export function serializedProvider(resources: RegisteredResource[], type: string = DEFAULT_RESOURCE_TYPE): string {
    const resource = resources.find((candidate) => candidate.type === type);
    if (!resource) {
        const seen = resources.map((candidate) => `${candidate.type}::${candidate.name}`).join(", ") || "none";
        throw new Error(`no resource of type ${type} was registered (registered: ${seen})`);
    }
    let provider = resource.inputs.__provider;
    // A provider whose closure captured a secret arrives wrapped as a secret.
    if (typeof provider === "object" && provider !== null && "value" in provider) {
        provider = (provider as { value: unknown }).value;
    }
    if (typeof provider !== "string" || provider === "") {
        throw new Error(`resource ${resource.name} of type ${type} has no __provider string in its inputs`);
    }
    return provider;
}
