import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "./harness/captureProgram";

/**
 * scripts/check-plugin-bundle.js, which scripts/build-plugins.sh runs on each platform's
 * `bun build --metafile`: the self-contained plugin bundles only what the plugin runs.
 */
const CHECK = path.join(repoRoot(), "scripts", "check-plugin-bundle.js");
const PLUGINS_OWN = [
    "provider/native/main.ts",
    "provider/lifecycle/rotate.ts",
    "provider/client/client.ts",
    "node_modules/@pulumi/pulumi/proto/provider_pb.js",
    "node_modules/@grpc/grpc-js/build/src/index.js",
];

function check(inputs: string[]): { code: number | null; stderr: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plugin-bundle-"));
    const metafile = path.join(dir, "meta.json");
    fs.writeFileSync(metafile, JSON.stringify({ inputs: Object.fromEntries(inputs.map((input) => [input, { bytes: 1, imports: [] }])) }));
    const run = spawnSync(process.execPath, [CHECK, metafile], { encoding: "utf8" });
    fs.rmSync(dir, { recursive: true, force: true });
    return { code: run.status, stderr: run.stderr };
}

describe("what the self-contained plugin may bundle", () => {
    test("the plugin's own modules and @pulumi/pulumi's proto modules pass, counted in one line", () => {
        const result = check(PLUGINS_OWN);

        expect(result.code).toBe(0);
        expect(result.stderr.trim()).toBe(
            "check-plugin-bundle: 5 modules: 3 of provider/, 1 proto modules of @pulumi/pulumi, 1 of other packages",
        );
    });

    test.each([
        ["provider/emulator/server.ts", "the emulator"],
        ["provider/policy/index.ts", "the policy pack"],
        ["provider/migrate/cli.ts", "the state migration"],
        ["provider/apiToken.ts", "the dynamic resource class and its invoke"],
        ["node_modules/@pulumi/pulumi/runtime/index.js", "@pulumi/pulumi beyond its proto modules"],
        ["node_modules/@opentelemetry/api/build/src/index.js", "@opentelemetry"],
    ])("%s fails the build, named as %s", (module, what) => {
        const result = check([...PLUGINS_OWN, module]);

        expect(result.code).toBe(1);
        expect(result.stderr).toContain(`${module} (${what})`);
    });
});
