import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { packageSchema } from "../provider/native/schema";
import { inCi } from "./e2e/support/context";
import { repoRoot } from "./harness/captureProgram";
import { cliEnvironment, findPulumiCli } from "./support/pulumiCli";

/**
 * The committed package schema, sdk/schema.json (`npm run gen-sdk` writes it, `npm run check-sdk`
 * compares it): what the plugin serves to the real CLI (`pulumi package get-schema`), and a schema
 * the CLI's own checker accepts (`pulumi schema check`). The plugin runs from this clone's build
 * (bin/provider/native/main.js) through a two-line launcher named as the CLI expects a plugin
 * executable. Without the CLI of .ci/build-pulumi-cli.sh this file is skipped in one line; under
 * CI=true it fails instead.
 */
const run = promisify(execFile);
const SCHEMA_FILE = path.join(repoRoot(), "sdk", "schema.json");
const version = (JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8")) as { version: string }).version;
const committed = () => JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8"));

describe("the committed schema sdk/schema.json", () => {
    it("is the schema provider/native/schema.ts makes for package.json's version", () => {
        expect(committed()).toEqual(JSON.parse(JSON.stringify(packageSchema(version))));
    });

    it("names the releases of provider/native/release.json's repository, and carries the registry's metadata", () => {
        const { owner, repository } = JSON.parse(fs.readFileSync(path.join(repoRoot(), "provider", "native", "release.json"), "utf8"));
        const schema = committed();
        expect(schema.pluginDownloadURL).toBe(`github://api.github.com/${owner}/${repository}`);
        expect(schema.language.go.importBasePath).toBe(`github.com/${owner}/${repository}/sdk/go/mailtrap`);
        expect(schema).toMatchObject({ publisher: owner, license: "Apache-2.0", repository: `https://github.com/${owner}/${repository}` });
        expect(schema.keywords).toEqual(expect.arrayContaining(["pulumi", "mailtrap", "kind/native"]));
        expect(schema.keywords.filter((k: string) => k.startsWith("category/"))).toHaveLength(1);
    });
});

const cliDir = findPulumiCli();
if (!cliDir) {
    if (inCi()) {
        describe("the committed schema through the Pulumi CLI", () => {
            it("needs the Pulumi CLI (CI=true): run .ci/build-pulumi-cli.sh first", () => {
                throw new Error("no Pulumi CLI: .ci/build-pulumi-cli.sh builds it");
            });
        });
    } else {
        process.stderr.write("schema.test: the CLI checks skipped: no Pulumi CLI (.ci/build-pulumi-cli.sh builds it)\n");
    }
}
const describeWithCli = cliDir ? describe : describe.skip;

describeWithCli("the committed schema through the Pulumi CLI", () => {
    let work: string;
    let env: NodeJS.ProcessEnv;
    const pulumi = (...args: string[]) => run(path.join(cliDir!, "pulumi"), args, { cwd: work, env, timeout: 60_000 });

    beforeAll(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "schema-test-"));
        env = cliEnvironment(cliDir!, path.join(work, "pulumi-home"));
    });
    afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

    it("is what the plugin serves: `pulumi package get-schema`", async () => {
        const main = path.join(repoRoot(), "bin", "provider", "native", "main.js");
        expect(fs.existsSync(main)).toBe(true);
        const launcher = path.join(work, "pulumi-resource-mailtrap");
        fs.writeFileSync(launcher, `#!/bin/sh\nexec "${process.execPath}" "${main}" "$@"\n`, { mode: 0o755 });

        const { stdout } = await pulumi("package", "get-schema", launcher);

        expect(JSON.parse(stdout)).toEqual(committed());
    });

    it("passes `pulumi schema check` with nothing to report", async () => {
        const { stdout, stderr } = await pulumi("schema", "check", SCHEMA_FILE);

        expect(`${stdout}${stderr}`.trim()).toBe("");
    });
});
