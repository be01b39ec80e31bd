import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../harness/captureProgram";
import { e2eContext } from "./support/context";
import { downloadingWorkspace } from "./support/downloadingWorkspace";
import { NATIVE_TYPE, PACKAGE_VERSION } from "./support/native";
import { nodeFindableIn } from "./support/noNodePath";
import { pluginArchive } from "./support/pluginBinary";
import { E2EStack, opsOf, requestLines } from "./support/pulumi";
import { PLUGIN_DOWNLOAD_URL } from "./support/releaseServer";

/**
 * A Pulumi YAML program (`runtime: yaml`) against the native provider `pulumi-resource-mailtrap`,
 * through the Pulumi CLI: examples/yaml-basic as it is, and an `fn::invoke` of getApiTokens. The
 * example names the plugin's version and `pluginDownloadURL`; no plugin is installed, so the first
 * `pulumi up` downloads it from a stand-in for the GitHub releases on 127.0.0.1
 * (./support/releaseServer), into a fresh PULUMI_HOME, with no `node` the CLI or anything it
 * starts can find (PATH links `pulumi` and `pulumi-language-yaml` only). The YAML language host is
 * built (or found in its cache) by .ci/build-pulumi-yaml-host.sh, which `npm run test:e2e` runs.
 * Without the host or the built plugin this file is skipped in one line; in CI (`CI=true`) the
 * runner fails instead.
 */
const EXAMPLE = path.join(repoRoot(), "examples", "yaml-basic", "Pulumi.yaml");

const context = e2eContext();
const hostDir = context.yamlHostDir;
const ready = Boolean(hostDir && pluginArchive(context, PACKAGE_VERSION, "linux-amd64"));
const describeWhenReady = ready ? describe : describe.skip;
if (!ready)
    process.stderr.write("yaml.e2e skipped: it needs the YAML language host and the built plugin (see the lines test:e2e printed)\n");

describeWhenReady("a Pulumi YAML program with the native provider through the Pulumi CLI, with no node anywhere", () => {
    const { ws, server } = downloadingWorkspace("yaml", {
        path: { executables: [path.join(context.cliDir, "pulumi"), path.join(hostDir ?? "", "pulumi-language-yaml")] },
    });
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    const live = (id: number) => ws.emulator.getToken(ws.accountId, id);

    it("starts with no plugin installed and no node anywhere the CLI looks", () => {
        expect(nodeFindableIn(ws.environment())).toEqual([]);
        expect(fs.existsSync(path.join(ws.homeDir, "plugins"))).toBe(false);
    });

    it("names the package's version and the release it downloads from, as an SDK would", () => {
        const example = fs.readFileSync(EXAMPLE, "utf8");
        expect(example).toContain(`version: ${PACKAGE_VERSION}\n`);
        expect(example).toContain(`pluginDownloadURL: ${PLUGIN_DOWNLOAD_URL}\n`);
    });

    describe("examples/yaml-basic: a token's life", () => {
        let stack: E2EStack;
        let tokenId: number;

        beforeAll(async () => {
            stack = await ws.projectFromFiles("yaml-basic", { "Pulumi.yaml": fs.readFileSync(EXAMPLE, "utf8") }).newStack("dev");
            await stack.setConfig("projectId", "12345");
        });

        it("downloads the plugin once, then creates the token with one POST; `token` is a secret output", async () => {
            const up = await stack.up();

            expect(server.downloads()).toEqual([`pulumi-resource-mailtrap-v${PACKAGE_VERSION}-linux-amd64.tar.gz`]);

            expect(opsOf(up, "ciToken")).toEqual(["create"]);
            expect(requestLines(up)).toEqual([`POST ${tokens()}`]);
            const outputs = await stack.outputs();
            tokenId = outputs.tokenId;
            expect(live(tokenId)).toMatchObject({
                name: "ci-deploy",
                resources: [{ resource_type: "project", resource_id: 12345, access_level: 10 }],
            });
            expect(outputs.token).toBe("[secret]");
            expect(await stack.output("token", { showSecrets: true })).toBe(live(tokenId)!.token);
            expect(outputs.last4Digits).toBe(live(tokenId)!.token.slice(-4));
            const [resource] = await stack.stateResources(NATIVE_TYPE);
            expect(Object.keys(resource.outputs.token)).toContain("ciphertext");
        });

        it("passes `pulumi preview --expect-no-changes` without calling the API", async () => {
            const preview = await stack.preview({ expectNoChanges: true });
            expect(opsOf(preview, "ciToken")).toEqual(["same"]);
            expect(preview.requests).toEqual([]);
        });

        it("resets the token once when the `rotation` config changes", async () => {
            const before = live(tokenId)!.token;
            await stack.setConfig("rotation", "2");

            const up = await stack.up();

            expect(opsOf(up, "ciToken")).toEqual(["update"]);
            expect(requestLines(up)).toEqual([`POST ${tokens()}/${tokenId}/reset`]);
            const outputs = await stack.outputs({ showSecrets: true });
            expect(outputs.token).not.toBe(before);
            expect(outputs.token).toBe(live(outputs.tokenId)!.token);
            ws.record("yaml-rotation.txt", up.stdout);
        });

        it("keeps the value on `pulumi refresh` (one GET); a preview after it has nothing to do and calls nothing", async () => {
            const before = await stack.stateOutputs("ciToken");

            const refresh = await stack.refresh();

            expect(requestLines(refresh)).toEqual([`GET ${tokens()}/${before.tokenId}`]);
            const after = await stack.stateOutputs("ciToken");
            expect(after.token).toBe(before.token);
            expect(after.token).not.toBe("");
            const preview = await stack.preview({ expectNoChanges: true });
            expect(opsOf(preview, "ciToken")).toEqual(["same"]);
            expect(preview.requests).toEqual([]);
        });

        it("deletes the token on `pulumi destroy` (one DELETE)", async () => {
            const { tokenId: current } = await stack.stateOutputs("ciToken");

            const destroy = await stack.destroy();

            expect(opsOf(destroy, "ciToken")).toEqual(["delete"]);
            expect(requestLines(destroy)).toEqual([`DELETE ${tokens()}/${current}`]);
            expect(live(current)).toBeUndefined();
            expect(await stack.stateResources(NATIVE_TYPE)).toEqual([]);
        });
    });

    it("lists tokens with `fn::invoke` of mailtrap:index:getApiTokens (one GET)", async () => {
        ws.emulator.createToken(ws.accountId, { name: "e2e-yaml-listed", resources: [], expires_at: null });
        const program = [
            "name: yaml-invoke",
            "runtime: yaml",
            "variables:",
            "  listed:",
            "    fn::invoke:",
            "      function: mailtrap:index:getApiTokens",
            "      arguments: {}",
            "      return: tokens",
            "      options:",
            `        version: ${PACKAGE_VERSION}`,
            `        pluginDownloadURL: ${PLUGIN_DOWNLOAD_URL}`,
            "outputs:",
            "  tokens: ${listed}",
            "",
        ].join("\n");
        const stack = await ws.projectFromFiles("yaml-invoke", { "Pulumi.yaml": program }).newStack("dev");

        const up = await stack.up();

        expect(requestLines(up)).toEqual([`GET ${tokens()}`]);
        const listed = (await stack.outputs()).tokens as { name: string; last4Digits: string }[];
        expect(listed.map((t) => t.name)).toContain("e2e-yaml-listed");
        expect(listed.every((t) => !("token" in t))).toBe(true);
    });

    it("leaves the credential and every token value out of state files, PULUMI_HOME and CLI output", () => {
        expect(server.downloads()).toHaveLength(1);
        expect(ws.leaks()).toEqual([]);
    });
});
