import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { e2eContext, inCi } from "./support/context";
import { nativeImports, PACKAGE_VERSION } from "./support/native";
import { pluginArchive, timeToPortLine, unpackPlugin } from "./support/pluginBinary";
import { program } from "./support/programs";
import { E2EWorkspace, opsOf, requestLines } from "./support/pulumi";
import { addBcryptPrimitivesForwarder, stopWineServer, wineMissing, writeWineLauncher } from "./support/wine";

/**
 * The windows-amd64 build, smoke-tested on this Linux machine under Wine (./support/wine; .ci/run
 * installs Debian's wine): the engine starts pulumi-resource-mailtrap.exe through a launcher
 * script, the plugin creates a token and deletes it. Wine is not Windows: this shows the executable
 * loads, serves the engine's gRPC and reaches the API; Windows itself is not tested here. Without
 * Wine this file skips outside CI.
 */
const context = e2eContext();
const archive = pluginArchive(context, PACKAGE_VERSION, "windows-amd64");
const missing = [archive ? "" : "the windows-amd64 archive", ...wineMissing()].filter(Boolean);
if (missing.length > 0 && inCi()) throw new Error(`windows.e2e: missing ${missing.join(", ")}`);
const describeWhenReady = missing.length === 0 ? describe : describe.skip;
if (missing.length > 0) process.stderr.write(`windows.e2e skipped: no ${missing.join(", ")}\n`);

describeWhenReady("the windows-amd64 plugin under Wine: start, create, delete", () => {
    const ws = new E2EWorkspace("windows");
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    // Outside the workspace folder: ws.leaks() reads every file under it, and a prefix is ~700 MB.
    const prefix = path.join(ws.context.workRoot, `${path.basename(ws.dir)}-wineprefix`);
    let executable: string;
    let launcher: string;
    let forwarded: boolean;

    beforeAll(async () => {
        executable = unpackPlugin(archive!, path.join(ws.dir, "windows"), "pulumi-resource-mailtrap.exe");
        forwarded = addBcryptPrimitivesForwarder(executable, path.join(ws.dir, "forwarder"));
        launcher = writeWineLauncher(executable, prefix, path.join(ws.dir, "plugin-bin"));
        process.env.PATH = `${path.dirname(launcher)}${path.delimiter}${process.env.PATH ?? ""}`;
        await ws.start();
    });

    afterAll(async () => {
        stopWineServer(prefix);
        await ws.stop();
    });

    it("is an x64 Windows executable, alone in its archive with the LICENSE", () => {
        expect(execFileSync("tar", ["-tzf", archive!], { encoding: "utf8" }).trim().split("\n").sort()).toEqual([
            "LICENSE",
            "pulumi-resource-mailtrap.exe",
        ]);
        const header = fs.readFileSync(executable).subarray(0, 4096);
        expect(header.subarray(0, 2).toString("latin1")).toBe("MZ");
        const pe = header.readUInt32LE(0x3c);
        expect(header.subarray(pe, pe + 4).toString("latin1")).toBe("PE\0\0");
        expect(header.readUInt16LE(pe + 4)).toBe(0x8664); // IMAGE_FILE_MACHINE_AMD64
    });

    it("starts and prints its port (the first start also makes the Wine prefix)", async () => {
        const first = await timeToPortLine(launcher);
        const second = await timeToPortLine(launcher);
        ws.record(
            "plugin-start-windows-wine.txt",
            `windows-amd64 under Wine: ${first.toFixed(0)} ms to the port line (new prefix), then ${second.toFixed(0)} ms; ` +
                `bcryptprimitives.dll forwarder ${forwarded ? "added (this Wine lacks the DLL)" : "not needed"}`,
        );
    });

    it("creates a token, then deletes it", async () => {
        const source = program(nativeImports(), `exports.tokenId = nativeToken("on-windows", { name: "e2e-windows" }).tokenId;`);
        const stack = await ws.project("windows", source).newStack("dev");

        const up = await stack.up();
        expect(opsOf(up, "on-windows")).toEqual(["create"]);
        expect(requestLines(up)).toEqual([`POST ${tokens()}`]);
        expect(up.output).toMatch(/using pulumi-resource-mailtrap from \$PATH/);
        const { tokenId } = await stack.outputs();
        expect(ws.emulator.getToken(ws.accountId, tokenId)).toMatchObject({ name: "e2e-windows" });

        const destroy = await stack.destroy();
        expect(opsOf(destroy, "on-windows")).toEqual(["delete"]);
        expect(requestLines(destroy)).toEqual([`DELETE ${tokens()}/${tokenId}`]);
        expect(ws.emulator.getToken(ws.accountId, tokenId)).toBeUndefined();
    });

    it("leaves the credential and every token value out of state files, PULUMI_HOME and CLI output", () => {
        expect(ws.leaks()).toEqual([]);
    });
});
