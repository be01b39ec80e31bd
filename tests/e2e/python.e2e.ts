import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../harness/captureProgram";
import { e2eContext } from "./support/context";
import { downloadingWorkspace } from "./support/downloadingWorkspace";
import { NATIVE_TYPE, PACKAGE_VERSION } from "./support/native";
import { nodeFindableIn, whichOn } from "./support/noNodePath";
import { pluginArchive } from "./support/pluginBinary";
import { E2EProject, E2EStack, E2EWorkspace, opsOf, requestLines } from "./support/pulumi";
import { PLUGIN_DOWNLOAD_URL } from "./support/releaseServer";

/**
 * A Python program (`runtime: python`) with the generated SDK (`pulumi_mailtrap`) and the native
 * provider `pulumi-resource-mailtrap`, through the Pulumi CLI, set up as on a machine with no
 * Node.js: examples/python-basic as it is, a validation failure and a getApiTokens call.
 *
 * - No `node` that the CLI or anything it starts can find: PATH is a folder linking `pulumi`,
 *   `pulumi-language-python` and its exec script, then the venv's bin (./support/noNodePath). The
 *   emulator runs in this process, on Node.
 * - The plugin is not installed: the first `pulumi up` downloads the linux-amd64 archive
 *   scripts/build-plugins.sh built from the `pluginDownloadURL` the SDK carries, served by a
 *   stand-in for the GitHub releases on 127.0.0.1 (./support/releaseServer), into a fresh PULUMI_HOME.
 * - The SDK is installed from its release artifact, the wheel scripts/build-sdk.sh builds, with
 *   `pip install --target` into this run's work folder, put on PYTHONPATH: the cached venv stays as built.
 *
 * The language host and a venv with the Pulumi Python SDK come from .ci/build-pulumi-python-host.sh
 * (run.ts finds them); the host ignores Pulumi.yaml's `virtualenv` option, so the venv's bin is on
 * PATH. Without the host or the built plugin (outside CI) this file is skipped in one line.
 */
const EXAMPLE_DIR = path.join(repoRoot(), "examples", "python-basic");

const context = e2eContext();
const hostDir = context.pythonHostDir;
const ready = Boolean(hostDir && pluginArchive(context, PACKAGE_VERSION, "linux-amd64"));
const describeWhenReady = ready ? describe : describe.skip;
if (!ready)
    process.stderr.write("python.e2e skipped: it needs the Python language host and the built plugin (see the lines test:e2e printed)\n");

function pythonProgram(ws: E2EWorkspace, name: string, program: string): E2EProject {
    return ws.projectFromFiles(name, { "Pulumi.yaml": `name: ${name}\nruntime: python\n`, "__main__.py": `${program.trim()}\n` });
}

/** Builds the SDK's wheel and installs it (no dependencies: the venv has the Pulumi SDK) into `target`. */
function installWheel(python: string, artifacts: string, target: string): string {
    const built = execFileSync("bash", [path.join(repoRoot(), "scripts", "build-sdk.sh"), "python", artifacts], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 300_000,
    });
    const wheel = built.split("\n").find((file) => file.endsWith(".whl"))!;
    const pipArgs = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--no-build-isolation"];
    execFileSync(python, [...pipArgs, "--target", target, wheel], { stdio: "pipe", timeout: 120_000 });
    return wheel;
}

describeWhenReady("a Python program with the generated SDK and the native provider through the Pulumi CLI, with no node anywhere", () => {
    const venvBin = path.join(hostDir ?? "", "venv", "bin");
    const { ws, server, env } = downloadingWorkspace("python", {
        path: {
            executables: [
                path.join(context.cliDir, "pulumi"),
                path.join(hostDir ?? "", "pulumi-language-python"),
                path.join(hostDir ?? "", "pulumi-language-python-exec"),
            ],
            wholeDirs: [venvBin],
        },
    });
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    const live = (id: number) => ws.emulator.getToken(ws.accountId, id);
    const installed = path.join(ws.homeDir, "plugins", `resource-mailtrap-v${PACKAGE_VERSION}`);
    // Outside the workspace folder: ws.leaks() reads every file under it.
    const work = path.join(context.workRoot, path.basename(ws.dir));

    beforeAll(async () => {
        const started = Date.now();
        const wheel = installWheel(path.join(venvBin, "python"), `${work}-sdk-artifacts`, `${work}-site-packages`);
        ws.record(
            "python-sdk-install.txt",
            `build and pip install of ${path.basename(wheel)} (--no-deps --target): ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );

        env.PYTHONPATH = `${work}-site-packages`;
    });

    it("starts with no plugin installed and no node or plugin on PATH", () => {
        expect(nodeFindableIn(ws.environment())).toEqual([]);
        expect(whichOn(env.PATH, "pulumi-resource-mailtrap")).toBeUndefined();
        expect(whichOn(env.PATH, "python3")).toBe(path.join(venvBin, "python3"));
        expect(fs.existsSync(path.join(ws.homeDir, "plugins"))).toBe(false);
    });

    it("has the wheel's own requirement on the Pulumi SDK met by the venv (the wheel was installed without its dependencies)", () => {
        const script = [
            "import importlib.metadata as m, json",
            "from pip._vendor.packaging.requirements import Requirement",
            "req = next(Requirement(r) for r in m.requires('pulumi_mailtrap') if Requirement(r).name == 'pulumi')",
            "print(json.dumps([str(req.specifier), m.version('pulumi'), m.version('pulumi') in req.specifier]))",
        ].join("\n");
        const out = execFileSync(path.join(venvBin, "python"), ["-c", script], {
            encoding: "utf8",
            env: { ...process.env, PYTHONPATH: `${work}-site-packages` },
        });

        const [specifier, installedVersion, satisfied] = JSON.parse(out);
        expect(specifier).toBe("<4.0.0,>=3.269.0");
        expect({ installedVersion, satisfied }).toEqual({ installedVersion: expect.any(String), satisfied: true });
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

        it("downloads the plugin once, then creates the token with one POST; `token` is secret", async () => {
            const up = await stack.up();

            expect(server.downloads()).toEqual([`pulumi-resource-mailtrap-v${PACKAGE_VERSION}-linux-amd64.tar.gz`]);
            expect(fs.statSync(path.join(installed, "pulumi-resource-mailtrap")).mode & 0o111).not.toBe(0);

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
            // The SDK asked for the plugin of the package's version from its pluginDownloadURL.
            const { deployment } = await stack.exportState();
            const provider = (deployment.resources as any[]).find((r) => r.type === "pulumi:providers:mailtrap");
            expect(provider.inputs.version).toBe(PACKAGE_VERSION);
            expect(provider.inputs.__internal).toEqual({ pluginDownloadURL: PLUGIN_DOWNLOAD_URL });
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
            expect(server.downloads()).toHaveLength(1);
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
