import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../harness/captureProgram";
import { CommandResult, E2EWorkspace } from "./support/pulumi";
import { program } from "./support/programs";
import { nativeImports, putPluginOnPath } from "./support/native";

/**
 * The policy pack through the Pulumi CLI on the native plugin's ApiToken: `pulumi preview
 * --policy-pack` with the example pack (examples/policy-pack: every policy mandatory) on a program
 * declaring a token as `mailtrap:index:ApiToken` and the same token as the dynamic `ApiToken`. The
 * engine hands the pack each token's inputs as its provider's Check returned them; the native
 * token breaks the rules the dynamic one breaks, and the preview fails on both.
 *
 * The pack is started as an executable (`--policy-pack <file>`: the CLI runs it with the engine's
 * address, as it runs a provider), a script running @pulumi/pulumi's policy-pack launcher in the
 * pack's folder. The folder form needs the Node.js language host's RunPlugin, which the host built
 * for this suite (sdk v3.68.0) lacks.
 */
const ROOT = repoRoot();
const PACK_DIR = path.join(ROOT, "examples", "policy-pack");
// Compiled by `npm run build`, which the suite's runner needs anyway; run from PACK_DIR, whose package.json gives the version.
const PACK_ENTRY = path.join(ROOT, "bin", "examples", "policy-pack", "index.js");
const LAUNCHER = path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
const POLICIES = [
    "mailtrap-token-max-lifetime",
    "mailtrap-token-no-account-admin",
    "mailtrap-admin-token-expires",
    "mailtrap-token-protected-in-production",
];

/** Writes the pack's executable into `dir`. */
function writePackExecutable(dir: string): string {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "mailtrap-tokens-policy-pack");
    const script = [
        "#!/bin/sh",
        // The CLI passes its logging flags first, if any, and the engine's address last.
        'for arg; do engine="$arg"; done',
        `cd "${PACK_DIR}" || exit 1`,
        `exec "${process.execPath}" "${LAUNCHER}" "$engine" "${PACK_ENTRY}"`,
    ];
    fs.writeFileSync(file, `${script.join("\n")}\n`, { mode: 0o755 });
    return file;
}

/** The policies the preview reports as broken, by resource: its `- [mandatory] [severity: high]  <policy>  (<type>: <name>)` lines. */
function violationsByResource(preview: CommandResult): Record<string, string[]> {
    const found: Record<string, string[]> = {};
    const line = /^\s+- \[(\w+)\](?: \[severity: \w+\])?\s+(\S+)\s+\((\S+): (\S+)\)$/gm;
    for (const [, level, policy, type, name] of preview.stdout.matchAll(line)) {
        expect(level).toBe("mandatory");
        (found[`${type} ${name}`] ??= []).push(policy);
    }
    for (const policies of Object.values(found)) policies.sort();
    return found;
}

describe("the policy pack on the native plugin's ApiToken through the Pulumi CLI", () => {
    const ws = new E2EWorkspace("policy-native");
    let pack: string;

    beforeAll(async () => {
        putPluginOnPath(ws);
        pack = writePackExecutable(path.join(ws.dir, "policy-pack"));
        await ws.start();
    });

    afterAll(() => ws.stop());

    it("fails `pulumi preview --policy-pack` on every rule the native token breaks, as on the dynamic one, without calling the API", async () => {
        // Admin on the whole account, never expiring, never rotated, unprotected in a production
        // stack: all four rules. Its permissions are a secret input, which the plugin's Check returns marked.
        const deployer = `{
            name: "deploy-everything",
            resources: pulumi.secret([{ resourceType: "account", resourceId: ${ws.accountId}, accessLevel: "admin" }]),
        }`;
        const source = program(
            nativeImports(),
            `const { ApiToken } = require("pulumi-mailtrap-tokens");
            nativeToken("native-deployer", ${deployer});
            new ApiToken("dynamic-deployer", ${deployer});
            nativeToken("native-sending", {
                name: "ci-sending",
                resources: [{ resourceType: "inbox", resourceId: 42, accessLevel: "viewer" }],
                rotateAfterDays: 30,
            }, { protect: true });`,
        );
        const stack = await ws.project("policy-native", source).newStack("prod");

        const preview = await stack.run(["preview", "--policy-pack", pack], { expectFailure: true });
        ws.record("policy-native-preview.txt", `# A policy pack on native tokens\n$ ${preview.command}\n${preview.stdout}`);

        expect(violationsByResource(preview)).toEqual({
            "mailtrap:index:ApiToken native-deployer": [...POLICIES].sort(),
            "pulumi-nodejs:dynamic/mailtrap:ApiToken dynamic-deployer": [...POLICIES].sort(),
        });
        expect(preview.stdout).toContain(
            `ApiToken "native-deployer" (Mailtrap token "deploy-everything") has admin access to the whole account (resources[0]: account ${ws.accountId}, admin)`,
        );
        expect(preview.stdout).toContain(
            'ApiToken "native-deployer" (Mailtrap token "deploy-everything") in production stack "prod" is not protected',
        );
        expect(preview.requests).toEqual([]);
    });
});
