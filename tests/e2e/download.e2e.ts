import * as fs from "fs";
import * as path from "path";
import { e2eContext } from "./support/context";
import { downloadingWorkspace } from "./support/downloadingWorkspace";
import { NATIVE_TYPE, PACKAGE_VERSION } from "./support/native";
import { nodeFindableIn, whichOn } from "./support/noNodePath";
import { pluginArchive } from "./support/pluginBinary";
import { E2EStack, opsOf, requestLines } from "./support/pulumi";
import { PLUGIN_DOWNLOAD_URL } from "./support/releaseServer";

/**
 * Pulumi fetches the plugin by itself: a YAML program names the plugin's version and its
 * `pluginDownloadURL` (YAML has no SDK to carry them), and `pulumi up` downloads the
 * self-contained linux-amd64 archive from a stand-in for the GitHub releases on 127.0.0.1
 * (./support/releaseServer, reached through PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES), with a fresh
 * PULUMI_HOME, no plugin installed, none on PATH, and no `node` the CLI or anything it starts can
 * find (./support/noNodePath: PATH is a folder linking pulumi and pulumi-language-yaml only). The
 * emulator runs in this process, on Node. Then `pulumi plugin install --server` the same way.
 */
const VERSION = PACKAGE_VERSION;
const context = e2eContext();
const archive = pluginArchive(context, VERSION, "linux-amd64");
const ready = Boolean(context.yamlHostDir && archive);
const describeWhenReady = ready ? describe : describe.skip;
if (!ready) process.stderr.write("download.e2e skipped: it needs the YAML language host and the built plugin (see test:e2e's lines)\n");

const PROGRAM = `name: download
runtime: yaml
description: the plugin fetched from its pluginDownloadURL
config:
  rotation:
    type: string
    default: "1"
resources:
  fetched:
    type: ${NATIVE_TYPE}
    properties:
      name: e2e-download
      resources:
        - resourceType: inbox
          resourceId: 7
          accessLevel: viewer
      rotate: \${rotation}
    options:
      version: ${VERSION}
      pluginDownloadURL: ${PLUGIN_DOWNLOAD_URL}
outputs:
  tokenId: \${fetched.tokenId}
`;

describeWhenReady("the plugin downloaded by the CLI from its pluginDownloadURL, with no node anywhere", () => {
    const { ws, server, env } = downloadingWorkspace("download", {
        path: { executables: [path.join(context.cliDir, "pulumi"), path.join(context.yamlHostDir ?? "", "pulumi-language-yaml")] },
    });
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    const installed = path.join(ws.homeDir, "plugins", `resource-mailtrap-v${VERSION}`);
    let stack: E2EStack;
    let tokenId: number;

    beforeAll(async () => {
        stack = await ws.projectFromFiles("download", { "Pulumi.yaml": PROGRAM }).newStack("dev");
    });

    it("starts with no plugin installed and no node or plugin on PATH", () => {
        expect(nodeFindableIn(ws.environment())).toEqual([]);
        expect(whichOn(env.PATH, "pulumi-resource-mailtrap")).toBeUndefined();
        expect(fs.existsSync(path.join(ws.homeDir, "plugins"))).toBe(false);
        expect(server.requests).toEqual([]);
    });

    it("`pulumi up` downloads the linux-amd64 archive once, installs it, and creates the token", async () => {
        const up = await stack.up();

        expect(server.downloads()).toEqual([`pulumi-resource-mailtrap-v${VERSION}-linux-amd64.tar.gz`]);
        expect(fs.statSync(path.join(installed, "pulumi-resource-mailtrap")).mode & 0o111).not.toBe(0);
        expect(opsOf(up, "fetched")).toEqual(["create"]);
        expect(requestLines(up)).toEqual([`POST ${tokens()}`]);
        tokenId = (await stack.outputs()).tokenId;
        expect(ws.emulator.getToken(ws.accountId, tokenId)).toMatchObject({ name: "e2e-download" });
        const providers = (await stack.exportState()).deployment.resources.filter((r: any) => r.type === "pulumi:providers:mailtrap");
        // The default provider of that version and URL: state keeps where its plugin comes from.
        expect(providers.map((r: any) => r.inputs.__internal)).toEqual([{ pluginDownloadURL: PLUGIN_DOWNLOAD_URL }]);
        ws.record("download-up.txt", up.stdout);
    });

    it("downloads nothing more: the next preview has nothing to do", async () => {
        const preview = await stack.preview({ expectNoChanges: true });

        expect(preview.requests).toEqual([]);
        expect(server.downloads()).toHaveLength(1);
    });

    it("rotates the token with one reset when `rotation` changes", async () => {
        await stack.setConfig("rotation", "2");

        const up = await stack.up();

        expect(opsOf(up, "fetched")).toEqual(["update"]);
        expect(requestLines(up)).toEqual([`POST ${tokens()}/${tokenId}/reset`]);
        tokenId = (await stack.outputs()).tokenId;
    });

    it("deletes the token on `pulumi destroy`", async () => {
        const destroy = await stack.destroy();

        expect(opsOf(destroy, "fetched")).toEqual(["delete"]);
        expect(requestLines(destroy)).toEqual([`DELETE ${tokens()}/${tokenId}`]);
        expect(server.downloads()).toHaveLength(1);
    });

    it("`pulumi plugin install resource mailtrap <version> --server <pluginDownloadURL>` fetches it into another PULUMI_HOME", async () => {
        const home = path.join(ws.dir, "install-home");
        fs.mkdirSync(home);

        const install = await ws.pulumi(ws.dir, ["plugin", "install", "resource", "mailtrap", VERSION, "--server", PLUGIN_DOWNLOAD_URL], {
            env: { PULUMI_HOME: home },
        });

        expect(install.code).toBe(0);
        expect(server.downloads()).toHaveLength(2);
        expect(fs.existsSync(path.join(home, "plugins", `resource-mailtrap-v${VERSION}`, "pulumi-resource-mailtrap"))).toBe(true);
        const listed = JSON.parse((await ws.pulumi(ws.dir, ["plugin", "ls", "--json"], { env: { PULUMI_HOME: home } })).stdout);
        expect(listed).toEqual([expect.objectContaining({ name: "mailtrap", kind: "resource", version: VERSION })]);
    });

    it("fails naming the plugin and version when the release has no such archive", async () => {
        const home = path.join(ws.dir, "missing-home");
        fs.mkdirSync(home);

        const install = await ws.pulumi(ws.dir, ["plugin", "install", "resource", "mailtrap", "9.9.9", "--server", PLUGIN_DOWNLOAD_URL], {
            env: { PULUMI_HOME: home },
            expectFailure: true,
        });

        expect(install.output).toMatch(/mailtrap.*9\.9\.9/);
        expect(install.output).toMatch(/404/);
        expect(server.requests.at(-1)).toEqual({
            path: expect.stringContaining("/releases/download/v9.9.9/pulumi-resource-mailtrap-v9.9.9-linux-amd64.tar.gz"),
            status: 404,
        });
    });

    it("leaves the credential and every token value out of state files, PULUMI_HOME and CLI output", () => {
        expect(ws.leaks()).toEqual([]);
    });
});
