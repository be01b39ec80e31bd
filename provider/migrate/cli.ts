#!/usr/bin/env node
/**
 * `mailtrap-migrate-state`: rewrites a `pulumi stack export` so the stack's dynamic ApiTokens
 * become native `mailtrap:index:ApiToken` resources (see ./migrate.ts), for `pulumi stack import`.
 *
 *   pulumi stack export --file before.json
 *   mailtrap-migrate-state before.json > after.json      (or: pulumi stack export | mailtrap-migrate-state > after.json)
 *   pulumi stack import --file after.json
 *
 * What it did goes to stderr; the deployment to stdout or `--out FILE`. Exits 1 (writing nothing)
 * when it refuses, 2 on a usage error.
 */
import * as fs from "fs";
import { packageVersion } from "../version";
import { DYNAMIC_TYPE, migrateDeployment, MigrationRefused } from "./migrate";

const USAGE = [
    "usage: mailtrap-migrate-state [FILE|-] [--out FILE] [--provider-version VERSION]",
    "  FILE                      a `pulumi stack export` document (default or `-`: stdin)",
    "  --out FILE                where the rewritten deployment goes (default: stdout)",
    "  --provider-version V      the pulumi-resource-mailtrap version the program requests (default: this package's)",
].join("\n");

interface Args {
    input?: string;
    out?: string;
    providerVersion: string;
}

export function parseArgs(argv: string[]): Args | "help" {
    const args: Args = { providerVersion: packageVersion() };
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].startsWith("--") ? argv[i].split("=", 2) : [argv[i], undefined];
        const value = () => {
            const v = inline ?? argv[++i];
            if (v === undefined || v === "") throw new UsageError(`${flag} needs a value`);
            return v;
        };
        if (flag === "--help" || flag === "-h") return "help";
        else if (flag === "--out") args.out = value();
        else if (flag === "--provider-version") args.providerVersion = value();
        else if (flag.startsWith("-") && flag !== "-") throw new UsageError(`unknown option ${flag}`);
        else if (args.input !== undefined) throw new UsageError("only one input file");
        else args.input = flag;
    }
    if (!/^\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?$/.test(args.providerVersion)) {
        throw new UsageError(`--provider-version ${args.providerVersion} is not a version like 0.2.0`);
    }
    return args;
}

class UsageError extends Error {}

export function run(argv: string[], io: { stdin: () => string; stdout: (text: string) => void; stderr: (text: string) => void }): number {
    let args: Args | "help";
    try {
        args = parseArgs(argv);
    } catch (error) {
        io.stderr(`mailtrap-migrate-state: ${(error as Error).message}\n${USAGE}\n`);
        return 2;
    }
    if (args === "help") {
        io.stdout(`${USAGE}\n`);
        return 0;
    }
    try {
        const text = args.input === undefined || args.input === "-" ? io.stdin() : fs.readFileSync(args.input, "utf8");
        let parsed: unknown;
        try {
            parsed = JSON.parse(text);
        } catch (error) {
            throw new MigrationRefused(`the input is not JSON (${(error as Error).message})`);
        }
        const result = migrateDeployment(parsed, { providerVersion: args.providerVersion });
        const output = `${JSON.stringify(result.exported, null, 4)}\n`;
        if (args.out) fs.writeFileSync(args.out, output, { mode: 0o600 });
        else io.stdout(output);
        const lines = [...result.moved].map(([from, to]) => `mailtrap-migrate-state: ${from}\n    -> ${to}`);
        if (result.moved.size === 0) lines.push(`mailtrap-migrate-state: no ${DYNAMIC_TYPE} in the deployment; it is unchanged`);
        else {
            lines.push(
                `mailtrap-migrate-state: ${result.moved.size} token(s) moved to ${result.providerUrn}${result.providerAdded ? " (added)" : ""}`,
            );
            for (const urn of result.removedProviders)
                lines.push(`mailtrap-migrate-state: removed ${urn}, which no resource uses any more`);
        }
        io.stderr(`${lines.join("\n")}\n`);
        return 0;
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        io.stderr(`${message.startsWith("mailtrap-migrate-state:") ? message : `mailtrap-migrate-state: ${message}`}\n`);
        return 1;
    }
}

if (require.main === module) {
    process.exitCode = run(process.argv.slice(2), {
        stdin: () => fs.readFileSync(0, "utf8"),
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
    });
}
