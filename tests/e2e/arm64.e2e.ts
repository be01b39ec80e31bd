import * as fs from "fs";
import * as path from "path";
import { e2eContext, inCi } from "./support/context";
import { nativeImports, PACKAGE_VERSION } from "./support/native";
import { whichOn } from "./support/noNodePath";
import { pluginArchive, timeToPortLine, unpackPlugin } from "./support/pluginBinary";
import { E2EWorkspace, opsOf, requestLines } from "./support/pulumi";
import { program } from "./support/programs";

/**
 * The linux-arm64 build, smoke-tested on this x64 machine under qemu-user: the engine starts the
 * arm64 executable (through a two-line script running `qemu-aarch64-static -L <arm64 sysroot>`),
 * creates a token and deletes it. qemu comes from Debian's `qemu-user-static` and the arm64 C
 * library from `libc6-arm64-cross` (its sysroot /usr/aarch64-linux-gnu: the executable is Bun's,
 * linked against glibc); .ci/run installs both. Without them this file skips outside CI.
 */
const SYSROOT = "/usr/aarch64-linux-gnu";
const context = e2eContext();
const archive = pluginArchive(context, PACKAGE_VERSION, "linux-arm64");
const qemu = whichOn(process.env.PATH ?? "", "qemu-aarch64-static") ?? whichOn(process.env.PATH ?? "", "qemu-aarch64");
const missing = [
    archive ? "" : "the linux-arm64 archive",
    qemu ? "" : "qemu-aarch64-static (apt-get install qemu-user-static)",
    fs.existsSync(path.join(SYSROOT, "lib", "ld-linux-aarch64.so.1")) ? "" : `${SYSROOT} (apt-get install libc6-arm64-cross)`,
].filter(Boolean);
if (missing.length > 0 && inCi()) throw new Error(`arm64.e2e: missing ${missing.join(", ")}`);
const describeWhenReady = missing.length === 0 ? describe : describe.skip;
if (missing.length > 0) process.stderr.write(`arm64.e2e skipped: no ${missing.join(", ")}\n`);

describeWhenReady("the linux-arm64 plugin under qemu-user: start, create, delete", () => {
    const ws = new E2EWorkspace("arm64");
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    let executable: string;

    beforeAll(async () => {
        executable = unpackPlugin(archive!, path.join(ws.dir, "arm64"));
        const pluginDir = path.join(ws.dir, "plugin-bin");
        fs.mkdirSync(pluginDir);
        fs.writeFileSync(
            path.join(pluginDir, "pulumi-resource-mailtrap"),
            `#!/bin/sh\nexec "${qemu}" -L "${SYSROOT}" "${executable}" "$@"\n`,
            {
                mode: 0o755,
            },
        );
        process.env.PATH = `${pluginDir}${path.delimiter}${process.env.PATH ?? ""}`;
        await ws.start();
    });

    afterAll(() => ws.stop());

    it("is an arm64 Linux executable", () => {
        const header = fs.readFileSync(executable).subarray(0, 20);
        expect(header.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
        expect(header.readUInt16LE(18)).toBe(0xb7); // EM_AARCH64
    });

    it("starts and prints its port", async () => {
        const ms = await timeToPortLine(qemu!, ["-L", SYSROOT, executable]);
        ws.record("plugin-start-arm64-qemu.txt", `linux-arm64 under qemu-user: ${ms.toFixed(0)} ms to the port line`);
    });

    it("creates a token, then deletes it", async () => {
        const source = program(nativeImports(), `exports.tokenId = nativeToken("on-arm64", { name: "e2e-arm64" }).tokenId;`);
        const stack = await ws.project("arm64", source).newStack("dev");

        const up = await stack.up();
        expect(opsOf(up, "on-arm64")).toEqual(["create"]);
        expect(requestLines(up)).toEqual([`POST ${tokens()}`]);
        expect(up.output).toMatch(/using pulumi-resource-mailtrap from \$PATH/);
        const { tokenId } = await stack.outputs();
        expect(ws.emulator.getToken(ws.accountId, tokenId)).toMatchObject({ name: "e2e-arm64" });

        const destroy = await stack.destroy();
        expect(opsOf(destroy, "on-arm64")).toEqual(["delete"]);
        expect(requestLines(destroy)).toEqual([`DELETE ${tokens()}/${tokenId}`]);
        expect(ws.emulator.getToken(ws.accountId, tokenId)).toBeUndefined();
    });
});
