/**
 * The real Pulumi CLI, driven the way a user drives it, against an emulator started in the test
 * process. One {@link E2EWorkspace} per scenario file: its own emulator, file backend and
 * PULUMI_HOME; projects in it install nothing themselves, their `node_modules` is a link to the
 * project where the packed package was installed.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EmulatorOptions, MailtrapEmulator, RequestLogEntry } from "../../../provider/emulator/server";
import { e2eContext, E2EContext } from "./context";

export const PASSPHRASE = "e2e passphrase, not a secret";
export const API_TOKEN_TYPE = "pulumi-nodejs:dynamic/mailtrap:ApiToken";
const DEFAULT_TIMEOUT_MS = 180_000;
const EVENT_LOG_SUFFIX = ".events.jsonl";

/** One resource step the engine reported (from its event log). */
export interface Step {
    op: string;
    urn: string;
    type: string;
    name: string;
}

export interface CommandResult {
    /** As typed by a user, e.g. `pulumi preview --stack dev`. */
    command: string;
    code: number;
    stdout: string;
    stderr: string;
    /** stdout then stderr. */
    output: string;
    durationMs: number;
    /** What reached the emulator while the command ran. */
    requests: RequestLogEntry[];
    /** Resource steps, the stack and providers left out. */
    steps: Step[];
    /** The engine's change summary, e.g. `{ create: 1, same: 1 }`. */
    summary: Record<string, number>;
}

export interface RunOptions {
    /** Extra environment for the CLI (and so for the language host, the program and the providers). */
    env?: Record<string, string>;
    /** A non-zero exit is expected: returned instead of thrown. */
    expectFailure?: boolean;
    /** The output holds secrets on purpose (`--show-secrets`): left out of the leak scan. */
    revealsSecrets?: boolean;
    timeoutMs?: number;
}

/** `METHOD /path` of each request, in order. */
export function requestLines(result: { requests: RequestLogEntry[] }): string[] {
    return result.requests.map((r) => `${r.method} ${r.path}`);
}

/** The ops the engine reported for the resource named `name`, in order. */
export function opsOf(result: CommandResult, name: string): string[] {
    return result.steps.filter((s) => s.name === name).map((s) => s.op);
}

export class E2EWorkspace {
    readonly emulator: MailtrapEmulator;
    readonly dir: string;
    readonly backendDir: string;
    readonly homeDir: string;
    readonly context: E2EContext;
    private url?: string;
    private readonly results: CommandResult[] = [];
    /** Every secret that must never show: value -> what it is. */
    private readonly secrets = new Map<string, string>();
    private logCount = 0;

    /**
     * `options.emulator`: for this workspace's emulator (a fixed credential or clock, say);
     * `options.passphrase`: the stacks' secrets passphrase; `options.env`: for every command;
     * `options.withoutNode`: leave out the variables that name Node.js (npm's `NODE`, `npm_*`,
     * `NODE_OPTIONS`, `NODE_PATH`, and a shell's `_`, the last command it ran: `node`, when a script
     * started the suite with it), for scenarios whose PATH has no `node` either.
     */
    constructor(
        readonly name: string,
        private readonly options: {
            emulator?: EmulatorOptions;
            passphrase?: string;
            env?: Record<string, string>;
            withoutNode?: boolean;
        } = {},
    ) {
        this.context = e2eContext();
        this.emulator = new MailtrapEmulator(options.emulator);
        this.dir = fs.mkdtempSync(path.join(this.context.workRoot, `${name}-`));
        this.backendDir = path.join(this.dir, "backend");
        this.homeDir = path.join(this.dir, "pulumi-home");
        fs.mkdirSync(this.backendDir);
        fs.mkdirSync(this.homeDir);
        this.noteSecret(this.emulator.credential, "the credential");
    }

    async start(): Promise<void> {
        this.url = await this.emulator.start(0);
    }

    async stop(): Promise<void> {
        await this.emulator.stop();
    }

    get baseUrl(): string {
        if (!this.url) throw new Error("call start() first");
        return this.url;
    }

    get accountId(): number {
        return this.emulator.accountId;
    }

    /** A new Pulumi project (Pulumi.yaml, package.json, node_modules link) holding `program` as index.js. */
    project(name: string, program: string): E2EProject {
        return new E2EProject(this, name, program);
    }

    /** A new Pulumi project holding only `files` (file name -> text), its own Pulumi.yaml among them (`runtime: yaml`, say). */
    projectFromFiles(name: string, files: Record<string, string>): E2EProject {
        const project = new E2EProject(this, name, "");
        for (const entry of fs.readdirSync(project.dir)) fs.rmSync(path.join(project.dir, entry));
        for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(project.dir, file), text);
        return project;
    }

    noteSecret(value: string, what: string): void {
        if (value) this.secrets.set(value, what);
    }

    /** Writes `text` to the report folder, which `npm run test:e2e` prints at the end. */
    record(file: string, text: string): void {
        fs.writeFileSync(path.join(this.context.reportDir, file), text.endsWith("\n") ? text : `${text}\n`);
    }

    /**
     * Where no secret may appear: every file under the workspace (state, its history and backups,
     * PULUMI_HOME, the projects and their stack config, the engine event logs) and every CLI output
     * not asked to show secrets. Debug-level diagnostics in the event logs are left out: the SDK's
     * own debug lines carry resource properties in the clear (see {@link debugDiagnosticLeaks}).
     */
    leaks(): string[] {
        this.snapshotTokenValues();
        const found: string[] = [];
        const scan = (where: string, text: string) => {
            for (const [value, what] of this.secrets) {
                if (text.includes(value)) found.push(`${where} holds ${what}`);
            }
        };
        for (const file of walk(this.dir)) {
            const text = fs.readFileSync(file, "latin1");
            scan(path.relative(this.dir, file), file.endsWith(EVENT_LOG_SUFFIX) ? withoutDebugDiagnostics(text) : text);
        }
        for (const result of this.results) scan(`the output of \`${result.command}\``, result.output);
        return found;
    }

    /** The debug diagnostics (what `--debug` prints) that hold a secret: the first words of each. */
    debugDiagnosticLeaks(): string[] {
        const found = new Set<string>();
        for (const file of walk(this.dir).filter((f) => f.endsWith(EVENT_LOG_SUFFIX))) {
            for (const event of readEvents(file)) {
                const message = event.diagnosticEvent?.severity === "debug" ? String(event.diagnosticEvent.message) : "";
                for (const [value, what] of this.secrets) {
                    if (message.includes(value))
                        found.add(`"${message.slice(0, message.indexOf(":") + 1 || 40)}…" holds ${what.replace(/ \d+$/, "")}`);
                }
            }
        }
        return [...found];
    }

    /** How many files and outputs {@link leaks} looks through. */
    scannedCounts(): { files: number; outputs: number; secrets: number } {
        return { files: walk(this.dir).length, outputs: this.results.length, secrets: this.secrets.size };
    }

    /** Runs `pulumi <args>` in `cwd` with this workspace's environment. */
    async pulumi(cwd: string, args: string[], options: RunOptions = {}): Promise<CommandResult> {
        const eventLog = path.join(this.dir, "event-logs", `${++this.logCount}-${args[0]}${EVENT_LOG_SUFFIX}`);
        const engineCommand = ["preview", "up", "refresh", "destroy"].includes(args[0]);
        const fullArgs = [...args, "--non-interactive", ...(engineCommand ? ["--color=never", `--event-log=${eventLog}`] : [])];
        fs.mkdirSync(path.dirname(eventLog), { recursive: true });

        this.emulator.clearRequests();
        const started = Date.now();
        const run = await spawnBounded(path.join(this.context.cliDir, "pulumi"), fullArgs, {
            cwd,
            env: this.environment(options.env),
            timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        });
        const durationMs = Date.now() - started;
        const requests = [...this.emulator.requests];
        this.snapshotTokenValues();

        const events = engineCommand && fs.existsSync(eventLog) ? readEvents(eventLog) : [];
        const result: CommandResult = {
            // As typed, a secret argument (`config set --secret`) masked.
            command: `pulumi ${args.map((arg) => (this.secrets.has(arg) ? "[secret]" : arg)).join(" ")}`,
            code: run.code,
            stdout: run.stdout,
            stderr: run.stderr,
            output: `${run.stdout}${run.stderr}`,
            durationMs,
            requests,
            steps: stepsOf(events),
            summary: summaryOf(events),
        };
        if (!options.revealsSecrets) this.results.push(result);
        if (run.timedOut) {
            throw new Error(`\`${result.command}\` did not finish within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms:\n${result.output}`);
        }
        if (run.code !== 0 && !options.expectFailure) {
            throw new Error(`\`${result.command}\` failed with exit code ${run.code}:\n${result.output}`);
        }
        if (run.code === 0 && options.expectFailure) {
            throw new Error(`\`${result.command}\` was expected to fail but succeeded:\n${result.output}`);
        }
        return result;
    }

    /** The environment `pulumi` runs with (this workspace's, then `extra`). */
    environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
        const env: NodeJS.ProcessEnv = {};
        for (const [key, value] of Object.entries(process.env)) {
            // Nothing from the caller's own Pulumi or Mailtrap setup may reach these runs.
            if (/^(PULUMI_|MAILTRAP_)/.test(key)) continue;
            if (this.options.withoutNode && /^(NODE|NODE_OPTIONS|NODE_PATH|_)$|^npm_/i.test(key)) continue;
            env[key] = value;
        }
        return {
            ...env,
            PATH: `${this.context.cliDir}${path.delimiter}${process.env.PATH ?? ""}`,
            PULUMI_HOME: this.homeDir,
            PULUMI_BACKEND_URL: `file://${this.backendDir}`,
            PULUMI_CONFIG_PASSPHRASE: this.options.passphrase ?? PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            // Makes the --event-log flag available (the Automation API sets it too): the steps and
            // summary are read from there, the text output is left as a user sees it.
            PULUMI_DEBUG_COMMANDS: "true",
            ...this.options.env,
            ...extra,
        };
    }

    /** Every token value the emulator holds is a secret from now on. */
    private snapshotTokenValues(): void {
        for (const token of this.emulator.listTokens(this.accountId)) {
            this.noteSecret(token.token, `the value of token ${token.id}`);
        }
    }
}

export class E2EProject {
    readonly dir: string;

    constructor(
        readonly workspace: E2EWorkspace,
        readonly name: string,
        program: string,
    ) {
        this.dir = path.join(workspace.dir, "projects", name);
        fs.mkdirSync(this.dir, { recursive: true });
        fs.writeFileSync(
            path.join(this.dir, "Pulumi.yaml"),
            [
                `name: ${name}`,
                "runtime:",
                "  name: nodejs",
                "  options:",
                "    typescript: false",
                `description: e2e scenario ${name}`,
                "",
            ].join("\n"),
        );
        fs.writeFileSync(path.join(this.dir, "package.json"), JSON.stringify({ name, private: true, main: "index.js" }, null, 2));
        fs.symlinkSync(path.join(workspace.context.packageDir, "node_modules"), path.join(this.dir, "node_modules"), "dir");
        this.writeProgram(program);
    }

    /** Replaces the program (plain JavaScript, as `index.js`). */
    writeProgram(program: string): void {
        fs.writeFileSync(path.join(this.dir, "index.js"), `"use strict";\n${program.trim()}\n`);
    }

    /**
     * `pulumi stack init`, then the stack config a user sets: the emulator as `mailtrap:baseUrl`,
     * its credential as the secret `mailtrap:apiToken`, and `mailtrap:accountId` (unless `withoutAccount`:
     * then the API's routes without an account serve the credential's own account).
     */
    async newStack(name: string, options: { apiToken?: string; withoutAccount?: boolean } = {}): Promise<E2EStack> {
        const stack = new E2EStack(this, name);
        await this.workspace.pulumi(this.dir, ["stack", "init", name]);
        await stack.setConfig("mailtrap:baseUrl", this.workspace.baseUrl);
        await stack.setConfig("mailtrap:apiToken", options.apiToken ?? this.workspace.emulator.credential, { secret: true });
        if (!options.withoutAccount) await stack.setConfig("mailtrap:accountId", String(this.workspace.accountId));
        return stack;
    }
}

export class E2EStack {
    constructor(
        readonly project: E2EProject,
        readonly name: string,
    ) {}

    run(args: string[], options: RunOptions = {}): Promise<CommandResult> {
        return this.project.workspace.pulumi(this.project.dir, [...args, `--stack=${this.name}`], options);
    }

    setConfig(key: string, value: string, options: { secret?: boolean } = {}): Promise<CommandResult> {
        return this.run(["config", "set", ...(options.secret ? ["--secret"] : []), key, value]);
    }

    preview(options: RunOptions & { expectNoChanges?: boolean } = {}): Promise<CommandResult> {
        return this.run(["preview", ...(options.expectNoChanges ? ["--expect-no-changes"] : [])], options);
    }

    up(options: RunOptions = {}): Promise<CommandResult> {
        return this.run(["up", "--yes", "--skip-preview"], options);
    }

    /**
     * `pulumi import TYPE NAME ID` as a test needs it: no preview, not protected (the programs do
     * not declare `protect`), and no code generated (the Node.js host built for this suite has no
     * GenerateProgram).
     */
    /** `pulumi import`, unprotected unless `protect` (the CLI's default protects what it imports). */
    importResource(type: string, name: string, id: string, options: RunOptions & { protect?: boolean } = {}): Promise<CommandResult> {
        const { protect, ...run } = options;
        return this.run(
            ["import", type, name, id, "--yes", "--skip-preview", `--protect=${protect === true}`, "--generate-code=false"],
            run,
        );
    }

    refresh(options: RunOptions = {}): Promise<CommandResult> {
        return this.run(["refresh", "--yes", "--skip-preview"], options);
    }

    destroy(options: RunOptions = {}): Promise<CommandResult> {
        return this.run(["destroy", "--yes", "--skip-preview"], options);
    }

    /** `pulumi stack output --json` (secrets masked unless `showSecrets`). */
    async outputs(options: { showSecrets?: boolean } = {}): Promise<Record<string, any>> {
        const result = await this.run(["stack", "output", "--json", ...(options.showSecrets ? ["--show-secrets"] : [])], {
            revealsSecrets: options.showSecrets,
        });
        return JSON.parse(result.stdout) as Record<string, any>;
    }

    /** `pulumi stack output <name>` as a user reads it (plain text). */
    async output(name: string, options: { showSecrets?: boolean } = {}): Promise<string> {
        const result = await this.run(["stack", "output", name, ...(options.showSecrets ? ["--show-secrets"] : [])], {
            revealsSecrets: options.showSecrets,
        });
        return result.stdout.trim();
    }

    /** `pulumi stack export`: the deployment (with `showSecrets`, secrets as `{ plaintext }`). */
    async exportState(options: { showSecrets?: boolean } = {}): Promise<{ text: string; deployment: any }> {
        const result = await this.run(["stack", "export", ...(options.showSecrets ? ["--show-secrets"] : [])], {
            revealsSecrets: options.showSecrets,
        });
        return { text: result.stdout, deployment: JSON.parse(result.stdout).deployment };
    }

    /**
     * The outputs a resource has in state, secrets revealed. Unlike stack outputs, which only a
     * run of the program updates, these show what a refresh read.
     */
    async stateOutputs(name: string): Promise<Record<string, any>> {
        const { deployment } = await this.exportState({ showSecrets: true });
        const resource = ((deployment.resources ?? []) as any[]).find((r) => String(r.urn).endsWith(`::${name}`));
        if (!resource) throw new Error(`no resource named ${name} in the state of stack ${this.name}`);
        return Object.fromEntries(Object.entries(resource.outputs ?? {}).map(([key, value]) => [key, revealed(value)]));
    }

    /** The outputs of every resource of a type in state, by resource name, secrets revealed (one export). */
    async stateOutputsByName(type = API_TOKEN_TYPE): Promise<Record<string, Record<string, any>>> {
        const { deployment } = await this.exportState({ showSecrets: true });
        const resources = ((deployment.resources ?? []) as any[]).filter((r) => r.type === type);
        return Object.fromEntries(
            resources.map((r) => [
                String(r.urn).split("::").pop()!,
                Object.fromEntries(Object.entries(r.outputs ?? {}).map(([key, value]) => [key, revealed(value)])),
            ]),
        );
    }

    /** The resources of a type in the exported state. */
    async stateResources(type = API_TOKEN_TYPE): Promise<any[]> {
        const { deployment } = await this.exportState();
        return ((deployment.resources ?? []) as any[]).filter((r) => r.type === type);
    }
}

interface Bounded {
    code: number;
    stdout: string;
    stderr: string;
    timedOut: boolean;
}

/** Runs a command in its own process group; past the timeout the whole group is killed. */
function spawnBounded(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Bounded> {
    return new Promise((resolve, reject) => {
        const child = spawn(file, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        let settled = false;
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        const killGroup = () => {
            try {
                process.kill(-child.pid!, "SIGKILL");
            } catch {
                // already gone
            }
        };
        const timer = setTimeout(() => {
            timedOut = true;
            killGroup();
        }, options.timeoutMs);
        let exitCode: number | null = null;
        const finish = () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ code: exitCode ?? 1, stdout, stderr, timedOut });
        };
        child.on("error", (error) => {
            clearTimeout(timer);
            settled = true;
            reject(error);
        });
        child.on("exit", (code, signal) => {
            exitCode = code ?? (signal ? 128 : 1);
            // A plugin left behind could hold the pipes open: do not wait for it.
            setTimeout(() => {
                killGroup();
                finish();
            }, 5_000).unref();
        });
        child.on("close", finish);
    });
}

/** A secret from `pulumi stack export --show-secrets` as its value; anything else as it is. */
function revealed(value: unknown): unknown {
    if (value !== null && typeof value === "object" && "plaintext" in value) {
        return JSON.parse(String((value as { plaintext: unknown }).plaintext));
    }
    return value;
}

function readEvents(file: string): any[] {
    return fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line));
}

function stepsOf(events: any[]): Step[] {
    return events
        .filter((e) => e.resourcePreEvent)
        .map((e) => e.resourcePreEvent.metadata)
        .filter((m) => m.type !== "pulumi:pulumi:Stack" && !String(m.type).startsWith("pulumi:providers:"))
        .map((m) => ({ op: m.op, urn: m.urn, type: m.type, name: String(m.urn).split("::").pop()! }));
}

function summaryOf(events: any[]): Record<string, number> {
    const summary = events.find((e) => e.summaryEvent)?.summaryEvent;
    return { ...(summary?.resourceChanges ?? {}) };
}

function withoutDebugDiagnostics(eventLog: string): string {
    return eventLog
        .split("\n")
        .filter((line) => line.trim() !== "" && JSON.parse(line).diagnosticEvent?.severity !== "debug")
        .join("\n");
}

function walk(dir: string): string[] {
    const files: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isSymbolicLink()) continue; // node_modules: the installed package, not state
        if (entry.isDirectory()) files.push(...walk(full));
        else if (entry.isFile()) files.push(full);
    }
    return files;
}
