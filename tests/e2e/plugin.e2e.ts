import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../harness/captureProgram";
import { e2eContext } from "./support/context";
import { nativeImports, PACKAGE_VERSION } from "./support/native";
import { pluginArchive, pluginKind } from "./support/pluginBinary";
import { E2EStack, E2EWorkspace, opsOf, requestLines } from "./support/pulumi";
import { program } from "./support/programs";

/**
 * The plugin archive (`npm run build-plugins`, scripts/build-plugins.sh: the self-contained
 * executable; with MAILTRAP_E2E_PLUGIN=node, `npm run pack-plugin`'s Node launcher) as a user installs it:
 * `pulumi plugin install resource mailtrap <version> --file <archive>` into PULUMI_HOME, then a
 * program over `mailtrap:index:ApiToken` asking for that version, with no pulumi-resource-mailtrap
 * on PATH and automatic plugin download off (the workspace sets
 * PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true): the engine can only use the installed plugin.
 */
const VERSION = PACKAGE_VERSION;
const KIND = pluginKind(e2eContext(), VERSION);
const NATIVE_IMPORTS = nativeImports({ version: VERSION });

/** The Node launcher's archive (`npm run pack-plugin`, scripts/pack-plugin.sh), with MAILTRAP_E2E_PLUGIN=node. */
function packNodePlugin(): string {
    const outDir = fs.mkdtempSync(path.join(e2eContext().workRoot, "plugin-archive-"));
    const pack = spawnSync("bash", [path.join(repoRoot(), "scripts", "pack-plugin.sh"), "--out", outDir], {
        cwd: repoRoot(),
        encoding: "utf8",
        timeout: 300_000,
    });
    if (pack.status !== 0) throw new Error(`scripts/pack-plugin.sh failed (${pack.status ?? pack.signal}):\n${pack.stderr}`);
    return pack.stdout.trim().split("\n").pop()!;
}

/** PATH without any folder holding a pulumi-resource-mailtrap. */
function pathWithoutPlugin(): string {
    return (process.env.PATH ?? "")
        .split(path.delimiter)
        .filter((dir) => dir !== "" && !fs.existsSync(path.join(dir, "pulumi-resource-mailtrap")))
        .join(path.delimiter);
}

describe("the plugin archive, installed with `pulumi plugin install --file`", () => {
    const ws = new E2EWorkspace("plugin");
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    const installed = path.join(ws.homeDir, "plugins", `resource-mailtrap-v${VERSION}`);
    let archive: string;

    beforeAll(async () => {
        // The workspace puts the CLI first on PATH, then this process's PATH.
        process.env.PATH = pathWithoutPlugin();
        if (KIND === "binary") {
            // The self-contained build tests/e2e/run.ts made with scripts/build-plugins.sh.
            archive = pluginArchive(ws.context, VERSION)!;
            ws.record("plugin-archive.txt", `${path.basename(archive)}: ${(fs.statSync(archive).size / 1024).toFixed(0)} KiB packed`);
        } else {
            archive = packNodePlugin();
        }
        await ws.start();
    });

    afterAll(() => ws.stop());

    it("is named for the version and platform, and holds the executable at its root", () => {
        expect(path.basename(archive)).toMatch(
            new RegExp(`^pulumi-resource-mailtrap-v${VERSION.replace(/\./g, "\\.")}-\\w+-\\w+\\.tar\\.gz$`),
        );
        const list = spawnSync("tar", ["-tzvf", archive], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        expect(list.status).toBe(0);
        const executable = list.stdout.split("\n").find((line) => / pulumi-resource-mailtrap$/.test(line));
        expect(executable).toMatch(/^-rwxr-xr-x/);
        if (KIND === "binary") {
            // Self-contained: the executable and its licence, nothing else.
            expect(
                list.stdout
                    .trim()
                    .split("\n")
                    .map((line) => line.split(" ").pop())
                    .sort(),
            ).toEqual(["LICENSE", "pulumi-resource-mailtrap"]);
        } else {
            expect(list.stdout).toContain(" node_modules/pulumi-mailtrap-tokens/bin/provider/native/main.js");
        }
        expect(list.stdout).not.toMatch(/ PulumiPlugin\.yaml$/m);
    });

    it("installs into PULUMI_HOME/plugins/resource-mailtrap-v<version>", async () => {
        const install = await ws.pulumi(ws.dir, ["plugin", "install", "resource", "mailtrap", VERSION, "--file", archive]);

        expect(install.code).toBe(0);
        expect(fs.statSync(path.join(installed, "pulumi-resource-mailtrap")).mode & 0o111).not.toBe(0);
        const listed = JSON.parse((await ws.pulumi(ws.dir, ["plugin", "ls", "--json"])).stdout) as {
            name: string;
            kind: string;
            version: string;
        }[];
        expect(listed).toContainEqual(expect.objectContaining({ name: "mailtrap", kind: "resource", version: VERSION }));
    });

    describe("a program over mailtrap:index:ApiToken, with no plugin on PATH", () => {
        let stack: E2EStack;
        let tokenId: number;

        beforeAll(async () => {
            const which = spawnSync("sh", ["-c", "command -v pulumi-resource-mailtrap"], { env: process.env });
            expect(which.status).not.toBe(0);
            const source = program(
                NATIVE_IMPORTS,
                `const token = nativeToken("from-archive", { name: "e2e-plugin-archive", resources: [{ resourceType: "inbox", resourceId: 7, accessLevel: "viewer" }] });
                exports.tokenId = token.tokenId;`,
            );
            stack = await ws.project("plugin-life", source).newStack("dev");
        });

        it("creates the token with one POST through the installed plugin", async () => {
            fs.rmSync(`${installed}.lastused`, { force: true });

            const up = await stack.up();

            expect(opsOf(up, "from-archive")).toEqual(["create"]);
            expect(requestLines(up)).toEqual([`POST ${tokens()}`]);
            tokenId = (await stack.outputs()).tokenId;
            expect(ws.emulator.getToken(ws.accountId, tokenId)).toMatchObject({ name: "e2e-plugin-archive" });
            // The engine found the plugin in its cache, and marks it used there.
            expect(fs.existsSync(`${installed}.lastused`)).toBe(true);
            const providers = (await stack.exportState()).deployment.resources.filter((r: any) => r.type === "pulumi:providers:mailtrap");
            expect(providers.map((r: any) => String(r.urn).split("::").pop())).toEqual([`default_${VERSION.replace(/\./g, "_")}`]);
        });

        it("has nothing to do on the next preview", async () => {
            const preview = await stack.preview({ expectNoChanges: true });
            expect(preview.requests).toEqual([]);
        });

        it("deletes the token on `pulumi destroy`", async () => {
            const destroy = await stack.destroy();

            expect(opsOf(destroy, "from-archive")).toEqual(["delete"]);
            expect(requestLines(destroy)).toEqual([`DELETE ${tokens()}/${tokenId}`]);
            expect(ws.emulator.getToken(ws.accountId, tokenId)).toBeUndefined();
        });
    });

    it("fails in one line naming the plugin when the requested version is not installed (no download)", async () => {
        const source = program(NATIVE_IMPORTS, `nativeToken("wrong-version", { name: "e2e-plugin-missing" }, { version: "9.9.9" });`);
        const stack = await ws.project("plugin-missing", source).newStack("dev");

        const preview = await stack.preview({ expectFailure: true });

        expect(preview.output).toMatch(/mailtrap.*9\.9\.9/);
        expect(preview.requests).toEqual([]);
    });

    it("leaves the credential and every token value out of state files, PULUMI_HOME and CLI output", () => {
        expect(ws.leaks()).toEqual([]);
    });
});
