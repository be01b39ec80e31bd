/**
 * Child-process entry: runs a compiled Pulumi program under `pulumi.runtime.setMocks` and prints
 * `PROGRAM_RESULT <json>` (the registered resources, their inputs as the engine would receive them,
 * and the stack exports) or `PROGRAM_ERROR <message>`.
 *
 * Usage: node bin/tests/harness/programRunner.js <absolute path to compiled program .js>
 * (PROGRAM_RUNNER_PROJECT and PROGRAM_RUNNER_STACK name the project and stack; default mailtrap-test, dev)
 *
 * Config reaches the program the way the language host passes it: the PULUMI_CONFIG environment
 * variable (a JSON object keyed "<namespace>:<key>"), which @pulumi/pulumi reads on first use.
 */
import * as path from "path";
import type * as PulumiSdk from "@pulumi/pulumi";

/**
 * The @pulumi/pulumi the program itself loads (a packed install's own copy, or the repository's
 * for its programs): the mocks must be set on that copy. Newer SDKs share their runtime state
 * between copies, @pulumi/pulumi 3.139.0 does not, so mocks set on another copy saw nothing.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pulumi: typeof PulumiSdk = require(
    require.resolve("@pulumi/pulumi", { paths: [path.dirname(process.argv[2] ?? __dirname), __dirname] }),
);

/** The project and stack the program sees; `runProgram`'s `project` and `stack` options set them. */
const PROJECT = process.env.PROGRAM_RUNNER_PROJECT || "mailtrap-test";
const STACK = process.env.PROGRAM_RUNNER_STACK || "dev";
const COMPLETION_TIMEOUT_MS = 50000;

interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    provider?: string;
}

interface RecordedCall {
    token: string;
    inputs: Record<string, unknown>;
}

const resources: RecordedResource[] = [];
const calls: RecordedCall[] = [];
let finished = false;

function fail(error: unknown): void {
    if (finished) {
        return;
    }
    finished = true;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stdout.write(`PROGRAM_ERROR ${message.replace(/\n/g, "\\n")}\n`);
    process.exit(1);
}

function outputValue(output: PulumiSdk.Output<unknown>): Promise<unknown> {
    return new Promise((resolve) => {
        output.apply((value) => {
            resolve(value);
            return value;
        });
    });
}

/** Turns the program's exports into plain JSON: outputs and promises awaited, resources shown by URN. */
async function resolveExport(value: unknown, depth = 0): Promise<unknown> {
    if (depth > 20) {
        return "<too deep>";
    }
    if (pulumi.Resource.isInstance(value)) {
        return outputValue(value.urn);
    }
    if (pulumi.Output.isInstance(value)) {
        return resolveExport(await outputValue(value), depth + 1);
    }
    if (value instanceof Promise) {
        return resolveExport(await value, depth + 1);
    }
    if (Array.isArray(value)) {
        return Promise.all(value.map((element) => resolveExport(element, depth + 1)));
    }
    if (typeof value === "function") {
        return undefined;
    }
    if (typeof value === "object" && value !== null) {
        const result: Record<string, unknown> = {};
        for (const [key, element] of Object.entries(value)) {
            result[key] = await resolveExport(element, depth + 1);
        }
        return result;
    }
    return value;
}

function main(): void {
    const programPath = process.argv[2];
    if (!programPath || !path.isAbsolute(programPath)) {
        fail(new Error(`usage: programRunner.js <absolute path to compiled program .js>, got ${programPath}`));
        return;
    }
    process.on("uncaughtException", fail);
    process.on("unhandledRejection", fail);

    void pulumi.runtime.setMocks(
        {
            newResource(args: PulumiSdk.runtime.MockResourceArgs): PulumiSdk.runtime.MockResourceResult {
                resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
                const adoptTokenId = args.inputs?.adoptTokenId;
                const id = adoptTokenId !== undefined && adoptTokenId !== null ? String(adoptTokenId) : `${args.name}-id`;
                return { id, state: args.inputs };
            },
            call(args: PulumiSdk.runtime.MockCallArgs): Record<string, unknown> {
                calls.push({ token: args.token, inputs: args.inputs });
                return {};
            },
        },
        PROJECT,
        STACK,
        false,
    );

    let programExports: unknown;
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        programExports = require(programPath);
        // Like the language host, a program exporting a function is run and its result becomes the stack outputs.
        if (typeof programExports === "function") {
            programExports = (programExports as () => unknown)();
        }
    } catch (error) {
        fail(error);
        return;
    }

    const deadline = setTimeout(() => fail(new Error(`program did not settle within ${COMPLETION_TIMEOUT_MS} ms`)), COMPLETION_TIMEOUT_MS);
    // unref'd so the deadline itself never keeps the loop alive and delays beforeExit.
    deadline.unref();

    let resolvingExports = false;
    // beforeExit fires once nothing is pending, i.e. every resource registration with the mock monitor finished.
    process.on("beforeExit", () => {
        if (resolvingExports || finished) {
            return;
        }
        resolvingExports = true;
        resolveExport(programExports).then((exports) => {
            if (finished) {
                return;
            }
            finished = true;
            clearTimeout(deadline);
            const result = { resources, calls, exports };
            process.stdout.write(`PROGRAM_RESULT ${JSON.stringify(result)}\n`);
        }, fail);
    });
}

main();
