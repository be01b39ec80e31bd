import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../harness/captureProgram";
import { e2eContext } from "./support/context";
import { NATIVE_TYPE, PACKAGE_VERSION } from "./support/native";
import { installableArchive, pluginKind } from "./support/pluginBinary";
import { E2EProject, E2EStack, E2EWorkspace, opsOf, requestLines } from "./support/pulumi";

/**
 * A Python program (`runtime: python`) with the generated SDK sdk/python (`pulumi_mailtrap`) and the
 * native provider `pulumi-resource-mailtrap`, through the Pulumi CLI: examples/python-basic as it
 * is, a validation failure and a getApiTokens call. The language host and a venv with the Pulumi
 * Python SDK come from .ci/build-pulumi-python-host.sh (run.ts finds them); the host ignores
 * Pulumi.yaml's `virtualenv` option, so the venv's bin goes first on PATH. The generated SDK is
 * installed from its release artifact, the wheel scripts/build-sdk.sh builds, with `pip install
 * --target` into this run's work folder, put on PYTHONPATH: the cached venv stays as built. The plugin is installed as a user installs it,
 * `pulumi plugin install resource mailtrap <package.json version> --file <archive>`, the archive
 * scripts/build-plugins.sh built (./support/pluginBinary). Without the host (outside CI) this file is
 * skipped in one line.
 */
const EXAMPLE_DIR = path.join(repoRoot(), "examples", "python-basic");

const hostDir = e2eContext().pythonHostDir;
const describeWithHost = hostDir ? describe : describe.skip;
if (!hostDir) process.stderr.write("python.e2e skipped: no Python language host (see the line test:e2e printed about it)\n");

function pythonProgram(ws: E2EWorkspace, name: string, program: string): E2EProject {
    return ws.projectFromFiles(name, { "Pulumi.yaml": `name: ${name}\nruntime: python\n`, "__main__.py": `${program.trim()}\n` });
}

describeWithHost("a Python program with the generated SDK and the native provider through the Pulumi CLI", () => {
    const ws = new E2EWorkspace("python");
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    const live = (id: number) => ws.emulator.getToken(ws.accountId, id);
    const saved = { PATH: process.env.PATH, PYTHONPATH: process.env.PYTHONPATH };

    beforeAll(async () => {
        const venvBin = path.join(hostDir!, "venv", "bin");
        // The generated SDK, installed as a user would from the released wheel, but beside the cached venv.
        const started = Date.now();
        const artifacts = path.join(ws.context.workRoot, `${path.basename(ws.dir)}-sdk-artifacts`);
        const target = path.join(ws.context.workRoot, `${path.basename(ws.dir)}-site-packages`);
        const built = execFileSync("bash", [path.join(repoRoot(), "scripts", "build-sdk.sh"), "python", artifacts], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
            timeout: 300_000,
        });
        const wheel = built.split("\n").find((file) => file.endsWith(".whl"))!;
        execFileSync(
            path.join(venvBin, "python"),
            [
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-build-isolation",
                "--target",
                target,
                wheel,
            ],
            { stdio: "pipe", timeout: 120_000 },
        );
        ws.record(
            "python-sdk-install.txt",
            `build and pip install of the pulumi_mailtrap wheel (--no-deps --target): ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );

        // The venv's python3 before any other, then the language host and its exec script (the
        // workspace puts the CLI first on PATH, then this process's PATH).
        process.env.PATH = [venvBin, hostDir!, saved.PATH ?? ""].join(path.delimiter);
        process.env.PYTHONPATH = target;
        await ws.start();

        // The plugin as a user installs it: an archive holding the executable pulumi-resource-mailtrap
        // (the self-contained build, or with MAILTRAP_E2E_PLUGIN=node a script running the installed
        // package's main.js), installed into PULUMI_HOME as version PACKAGE_VERSION, the version the SDK asks for.
        const archive = installableArchive(ws.context, PACKAGE_VERSION, pluginKind(ws.context, PACKAGE_VERSION), ws.context.workRoot);
        await ws.pulumi(ws.dir, ["plugin", "install", "resource", "mailtrap", PACKAGE_VERSION, "--file", archive]);
    });

    afterAll(async () => {
        process.env.PATH = saved.PATH;
        if (saved.PYTHONPATH === undefined) delete process.env.PYTHONPATH;
        else process.env.PYTHONPATH = saved.PYTHONPATH;
        await ws.stop();
    });

    describe("examples/python-basic: a token's life", () => {
        let stack: E2EStack;
        let tokenId: number;

        beforeAll(async () => {
            const files = Object.fromEntries(
                ["Pulumi.yaml", "__main__.py", "requirements.txt"].map((file) => [
                    file,
                    fs.readFileSync(path.join(EXAMPLE_DIR, file), "utf8"),
                ]),
            );
            stack = await ws.projectFromFiles("python-basic", files).newStack("dev");
            await stack.setConfig("projectId", "12345");
        });

        it("creates the token with one POST; `token` is secret; the provider is the plugin of the package's version", async () => {
            const up = await stack.up();

            expect(opsOf(up, "sending-token")).toEqual(["create"]);
            expect(requestLines(up)).toEqual([`POST ${tokens()}`]);
            const outputs = await stack.outputs();
            tokenId = outputs.tokenId;
            expect(live(tokenId)).toMatchObject({
                name: "ci-sending",
                resources: [{ resource_type: "project", resource_id: 12345, access_level: 10 }],
            });
            expect(outputs.token).toBe("[secret]");
            expect(await stack.output("token", { showSecrets: true })).toBe(live(tokenId)!.token);

            const [resource] = await stack.stateResources(NATIVE_TYPE);
            expect(resource.id).toBe(String(tokenId));
            expect(Object.keys(resource.outputs.token)).toContain("ciphertext");
            // The SDK asked for the plugin of the package's version, and the installed one served it.
            const { deployment } = await stack.exportState();
            const provider = (deployment.resources as any[]).find((r) => r.type === "pulumi:providers:mailtrap");
            expect(provider.inputs.version).toBe(PACKAGE_VERSION);
            expect(up.output).not.toMatch(/using pulumi-resource-mailtrap from \$PATH/);
            const plugins = await ws.pulumi(ws.dir, ["plugin", "ls", "--json"]);
            expect(JSON.parse(plugins.stdout)).toEqual([
                expect.objectContaining({ name: "mailtrap", kind: "resource", version: PACKAGE_VERSION }),
            ]);
        });

        it("passes `pulumi preview --expect-no-changes` without calling the API", async () => {
            const preview = await stack.preview({ expectNoChanges: true });
            expect(opsOf(preview, "sending-token")).toEqual(["same"]);
            expect(preview.requests).toEqual([]);
        });

        it("resets the token once when the `rotation` config (the rotate trigger) changes", async () => {
            const before = live(tokenId)!.token;
            await stack.setConfig("rotation", "2");

            const up = await stack.up();

            expect(opsOf(up, "sending-token")).toEqual(["update"]);
            expect(requestLines(up)).toEqual([`POST ${tokens()}/${tokenId}/reset`]);
            const outputs = await stack.outputs({ showSecrets: true });
            expect(outputs.token).not.toBe(before);
            expect(outputs.token).toBe(live(outputs.tokenId)!.token);
            ws.record("python-rotation.txt", up.stdout);
        });

        it("keeps the value on `pulumi refresh` (one GET), and a preview after it has nothing to do", async () => {
            const before = await stack.stateOutputs("sending-token");

            const refresh = await stack.refresh();

            expect(requestLines(refresh)).toEqual([`GET ${tokens()}/${before.tokenId}`]);
            const after = await stack.stateOutputs("sending-token");
            expect(after.token).toBe(before.token);
            expect(after.token).not.toBe("");
            const preview = await stack.preview({ expectNoChanges: true });
            expect(opsOf(preview, "sending-token")).toEqual(["same"]);
            expect(preview.requests).toEqual([]);
        });

        it("deletes the token on `pulumi destroy` (one DELETE)", async () => {
            const { tokenId: current } = await stack.stateOutputs("sending-token");

            const destroy = await stack.destroy();

            expect(opsOf(destroy, "sending-token")).toEqual(["delete"]);
            expect(requestLines(destroy)).toEqual([`DELETE ${tokens()}/${current}`]);
            expect(live(current)).toBeUndefined();
            expect(await stack.stateResources(NATIVE_TYPE)).toEqual([]);
        });
    });

    it("fails bad input in one line naming the property, before any request", async () => {
        const stack = await pythonProgram(
            ws,
            "python-bad",
            `
import pulumi_mailtrap as mailtrap

mailtrap.ApiToken("bad", name="e2e-bad", resources=[mailtrap.ApiTokenPermissionArgs(resource_type="mailbox", resource_id=7, access_level="viewer")])
`,
        ).newStack("dev");

        const up = await stack.up({ expectFailure: true });

        expect(up.requests).toEqual([]);
        expect(up.output).toMatch(/resources.*resources\[0\]\.resourceType/);
        expect(up.output).not.toMatch(/\n\s+at .*\.js:\d+/);
        // The Python host of sdk v3.68.0 sometimes prints a KeyboardInterrupt traceback of its own
        // event loop when the engine stops the failed program; no frame may come from the program or the SDK.
        expect(up.output).not.toMatch(/File ".*(pulumi_mailtrap|__main__\.py)/);
        // The resource's diagnostics: its header, then its lines up to the next blank line.
        const afterHeader = up.stdout.split("mailtrap:index:ApiToken (bad):\n")[1] ?? "";
        const lines = afterHeader.split("\n\n")[0].split("\n");
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^\s+error: .*resources\[0\]\.resourceType must be one of/);
    });

    it("lists the account's tokens with get_api_tokens (one GET)", async () => {
        ws.emulator.createToken(ws.accountId, { name: "e2e-python-listed", resources: [], expires_at: null });
        const stack = await pythonProgram(
            ws,
            "python-invoke",
            `
import pulumi
import pulumi_mailtrap as mailtrap

listed = mailtrap.get_api_tokens()
pulumi.export("names", [t.name for t in listed.tokens])
`,
        ).newStack("dev");

        const up = await stack.up();

        expect(requestLines(up)).toEqual([`GET ${tokens()}`]);
        expect((await stack.outputs()).names).toContain("e2e-python-listed");
    });

    it("leaves the credential and every token value out of state files, PULUMI_HOME and CLI output", () => {
        expect(ws.leaks()).toEqual([]);
    });
});
