import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../harness/captureProgram";
import { e2eContext } from "./support/context";
import { downloadingWorkspace } from "./support/downloadingWorkspace";
import { NATIVE_TYPE, PACKAGE_VERSION } from "./support/native";
import { whichOn } from "./support/noNodePath";
import { pluginArchive } from "./support/pluginBinary";
import { program } from "./support/programs";
import { E2EStack, opsOf, requestLines } from "./support/pulumi";
import { PLUGIN_DOWNLOAD_URL } from "./support/releaseServer";

/**
 * A JavaScript program with the generated Node.js SDK (`@mailtrap-tokens/pulumi-mailtrap`) and the
 * native provider `pulumi-resource-mailtrap`, through the Pulumi CLI: the typed `ApiToken` class
 * and `getApiTokensOutput`. The plugin is not installed: the first `pulumi up` downloads the
 * self-contained linux-amd64 archive from the `pluginDownloadURL` the SDK carries, served by a
 * stand-in for the GitHub releases on 127.0.0.1 (./support/releaseServer), into a fresh PULUMI_HOME. The SDK is installed from its release
 * artifact, the tarball scripts/build-sdk.sh packs (compiled on Node 22, against both ends of its
 * @pulumi/pulumi range): unpacked into node_modules as npm installs it, its one dependency,
 * @pulumi/pulumi, the installed package's, so the SDK and the program share one copy.
 *
 * The SDK needs @pulumi/pulumi >= 3.269.0 (the generated `ApiToken.exists` calls
 * `runtime.existsResource`), and that needs Node 22: on an older harness SDK this file is skipped in
 * one line; CI runs it through `scripts/test-on-node.sh 22.23.5 3.276.0 tests/e2e/nodeSdk.e2e.ts`.
 */
const SDK_FLOOR = "3.269.0";
const context = e2eContext();
const harnessPulumi: string = JSON.parse(
    fs.readFileSync(path.join(context.packageDir, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
).version;
const newSdk = harnessPulumi.localeCompare(SDK_FLOOR, undefined, { numeric: true }) >= 0;
const pluginBuilt = Boolean(pluginArchive(context, PACKAGE_VERSION, "linux-amd64"));
const describeOnNewSdk = newSdk && pluginBuilt ? describe : describe.skip;
if (!newSdk) {
    process.stderr.write(
        `nodeSdk.e2e skipped: the SDK needs @pulumi/pulumi >= ${SDK_FLOOR} (so Node 22), the harness has ${harnessPulumi}; ` +
            "CI runs it with scripts/test-on-node.sh 22.23.5 3.276.0 tests/e2e/nodeSdk.e2e.ts\n",
    );
} else if (!pluginBuilt) {
    process.stderr.write("nodeSdk.e2e skipped: it needs the built plugin (see the lines test:e2e printed)\n");
}

describeOnNewSdk("a JavaScript program with the generated Node.js SDK and the native provider through the Pulumi CLI", () => {
    const { ws, server } = downloadingWorkspace("node-sdk");
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    const live = (id: number) => ws.emulator.getToken(ws.accountId, id);
    let sdkDir: string;

    beforeAll(async () => {
        const started = Date.now();
        // Outside the workspace folder: ws.leaks() reads every file under it.
        const install = path.join(ws.context.workRoot, `${path.basename(ws.dir)}-sdk`);
        const built = execFileSync("bash", [path.join(repoRoot(), "scripts", "build-sdk.sh"), "nodejs", path.join(install, "artifacts")], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
            timeout: 600_000,
        });
        const tarball = built.trim().split("\n").pop()!;
        sdkDir = path.join(install, "node_modules", "@mailtrap-tokens", "pulumi-mailtrap");
        fs.mkdirSync(sdkDir, { recursive: true });
        execFileSync("tar", ["-xzf", tarball, "-C", sdkDir, "--strip-components=1"]);
        fs.symlinkSync(path.join(ws.context.packageDir, "node_modules", "@pulumi"), path.join(install, "node_modules", "@pulumi"), "dir");
        ws.record("node-sdk-build.txt", `build and install of the Node.js SDK tarball: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

    it("starts with no plugin installed and none on PATH", () => {
        expect(whichOn(process.env.PATH ?? "", "pulumi-resource-mailtrap")).toBeUndefined();
        expect(fs.existsSync(path.join(ws.homeDir, "plugins"))).toBe(false);
    });

    const declared = (listing: boolean) =>
        program(
            `const pulumi = require("@pulumi/pulumi");
            const mailtrap = require(${JSON.stringify(sdkDir)});
            const config = new pulumi.Config();`,
            `const token = new mailtrap.ApiToken("ci", {
                name: "e2e-node-sdk",
                resources: [{ resourceType: "inbox", resourceId: 7, accessLevel: "viewer" }],
                rotate: config.get("rotation") ?? "1",
            });
            exports.isApiToken = mailtrap.ApiToken.isInstance(token);
            exports.tokenId = token.tokenId;
            exports.token = token.token;`,
            listing ? `exports.names = mailtrap.getApiTokensOutput({}).tokens.apply((ts) => ts.map((t) => t.name));` : "",
        );

    describe("a token's life", () => {
        let stack: E2EStack;
        let tokenId: number;

        beforeAll(async () => {
            stack = await ws.project("node-sdk-life", declared(false)).newStack("dev");
        });

        it("downloads the plugin of the SDK's version once, then creates the token with one POST; `token` is secret", async () => {
            const up = await stack.up();

            expect(server.downloads()).toEqual([`pulumi-resource-mailtrap-v${PACKAGE_VERSION}-linux-amd64.tar.gz`]);
            const installed = path.join(ws.homeDir, "plugins", `resource-mailtrap-v${PACKAGE_VERSION}`, "pulumi-resource-mailtrap");
            expect(fs.statSync(installed).mode & 0o111).not.toBe(0);

            expect(opsOf(up, "ci")).toEqual(["create"]);
            expect(requestLines(up)).toEqual([`POST ${tokens()}`]);
            const outputs = await stack.outputs();
            expect(outputs.isApiToken).toBe(true);
            tokenId = outputs.tokenId;
            expect(live(tokenId)).toMatchObject({
                name: "e2e-node-sdk",
                resources: [{ resource_type: "inbox", resource_id: 7, access_level: 10 }],
            });
            expect(outputs.token).toBe("[secret]");
            expect(await stack.output("token", { showSecrets: true })).toBe(live(tokenId)!.token);

            const [resource] = await stack.stateResources(NATIVE_TYPE);
            expect(resource.id).toBe(String(tokenId));
            expect(Object.keys(resource.outputs.token)).toContain("ciphertext");
            const [provider] = await stack.stateResources("pulumi:providers:mailtrap");
            expect(provider.inputs.version).toBe(PACKAGE_VERSION);
            expect(provider.inputs.__internal).toEqual({ pluginDownloadURL: PLUGIN_DOWNLOAD_URL });
        });

        it("resets the token once on a `rotate` change", async () => {
            const before = live(tokenId)!.token;
            await stack.setConfig("rotation", "2");

            const up = await stack.up();

            expect(opsOf(up, "ci")).toEqual(["update"]);
            expect(requestLines(up)).toEqual([`POST ${tokens()}/${tokenId}/reset`]);
            const outputs = await stack.outputs({ showSecrets: true });
            expect(outputs.token).not.toBe(before);
            expect(outputs.token).toBe(live(outputs.tokenId)!.token);
        });

        it("passes `pulumi preview --expect-no-changes` without calling the API", async () => {
            const preview = await stack.preview({ expectNoChanges: true });
            expect(opsOf(preview, "ci")).toEqual(["same"]);
            expect(preview.requests).toEqual([]);
        });

        it("lists the tokens with getApiTokensOutput: one GET, the token unchanged", async () => {
            stack.project.writeProgram(declared(true));

            const up = await stack.up();

            expect(opsOf(up, "ci")).toEqual(["same"]);
            expect(requestLines(up)).toEqual([`GET ${tokens()}`]);
            expect((await stack.outputs()).names).toContain("e2e-node-sdk");
        });

        it("deletes the token with one DELETE on `pulumi destroy`", async () => {
            const { tokenId: current } = await stack.stateOutputs("ci");

            const destroy = await stack.destroy();

            expect(opsOf(destroy, "ci")).toEqual(["delete"]);
            expect(requestLines(destroy)).toEqual([`DELETE ${tokens()}/${current}`]);
            expect(live(current)).toBeUndefined();
            expect(await stack.stateResources(NATIVE_TYPE)).toEqual([]);
        });
    });

    it("takes in a token made outside Pulumi with `pulumi import` (one GET); the SDK program then has nothing to do", async () => {
        const importedId = ws.emulator.createToken(ws.accountId, { name: "e2e-node-sdk-imported", resources: [], expires_at: null }).id;
        const stack = await ws
            .project(
                "node-sdk-import",
                program(
                    `const mailtrap = require(${JSON.stringify(sdkDir)});`,
                    `new mailtrap.ApiToken("imported", { name: "e2e-node-sdk-imported" });`,
                ),
            )
            .newStack("dev");

        const result = await stack.importResource(NATIVE_TYPE, "imported", `${ws.accountId}/${importedId}`);

        expect(requestLines(result)).toEqual([`GET ${tokens()}/${importedId}`]);
        expect((await stack.stateOutputs("imported")).tokenId).toBe(importedId);
        const preview = await stack.preview({ expectNoChanges: true });
        expect(opsOf(preview, "imported")).toEqual(["same"]);
        expect(preview.requests).toEqual([]);
        await stack.destroy();
        expect(live(importedId)).toBeUndefined();
    });

    it("leaves the credential and every token value out of state files, PULUMI_HOME and CLI output", () => {
        expect(server.downloads()).toHaveLength(1);
        // The credential and at least the created and rotated values.
        expect(ws.scannedCounts().secrets).toBeGreaterThanOrEqual(3);
        expect(ws.leaks()).toEqual([]);
    });
});
