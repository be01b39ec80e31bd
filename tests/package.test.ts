import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MailtrapEmulator } from "../provider/emulator/server";
import { repoRoot, runProgram, serializedProvider } from "./harness/captureProgram";
import { Engine } from "./harness/engine";
import { ProviderHost } from "./harness/providerHost";

/**
 * The package as a user gets it: packed, installed into a fresh project, compiled against its
 * types, run under mocks, and driven through the host from that project.
 */
describe("the packed package", () => {
    const root = repoRoot();
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    let project: string;
    let tarball: string;
    let provider: string;

    beforeAll(() => {
        project = fs.mkdtempSync(path.join(os.tmpdir(), "mailtrap-tokens-user-"));
        const packed = execFileSync(npm, ["pack", "--silent", "--pack-destination", project], { cwd: root, encoding: "utf8" });
        tarball = path.join(project, packed.trim().split("\n").pop()!);
        const pulumiVersion = (JSON.parse(fs.readFileSync(path.join(root, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
        fs.writeFileSync(
            path.join(project, "package.json"),
            JSON.stringify({ name: "user-project", private: true, dependencies: { "@pulumi/pulumi": pulumiVersion, "pulumi-mailtrap-tokens": `file:${tarball}` } }),
        );
        execFileSync(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd: project, stdio: "pipe", timeout: 240_000 });
        fs.writeFileSync(
            path.join(project, "index.ts"),
            [
                'import { ApiToken, ApiTokenArgs, ApiTokenInfo, getApiTokens } from "pulumi-mailtrap-tokens";',
                'const args: ApiTokenArgs = { name: "from-the-package", resources: [{ resourceType: "inbox", resourceId: 7, accessLevel: "viewer" }], rotate: 1 };',
                'const token = new ApiToken("user-token", args);',
                "export const tokenId = token.tokenId;",
                "export const listing: (a?: { accountId?: number }) => Promise<ApiTokenInfo[]> = getApiTokens;",
            ].join("\n"),
        );
        fs.writeFileSync(
            path.join(project, "tsconfig.json"),
            JSON.stringify({ compilerOptions: { strict: true, target: "ES2020", module: "commonjs", esModuleInterop: true, skipLibCheck: true, types: [] }, files: ["index.ts"] }),
        );
        execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", project], { cwd: project, stdio: "pipe" });
    }, 300_000);

    afterAll(() => {
        fs.rmSync(project, { recursive: true, force: true });
    });

    it("holds the compiled code, types, README and license only", () => {
        const listing = execFileSync("tar", ["tzf", tarball], { encoding: "utf8" }).trim().split("\n");
        const unexpected = listing.filter(
            (file) => !/^package\/(package\.json|README\.md|LICENSE|bin\/provider\/.+\.(js|d\.ts))$/.test(file),
        );
        expect(unexpected).toEqual([]);
        expect(listing).toEqual(expect.arrayContaining(["package/bin/provider/index.js", "package/bin/provider/index.d.ts", "package/LICENSE"]));
    });

    it("serializes a provider under 16 KiB that requires the package's modules instead of inlining them", async () => {
        const run = await runProgram(path.join(project, "index.js"), { config: { "mailtrap:accountId": "3229" } });
        provider = serializedProvider(run.resources);
        console.log(`__provider as installed from the tarball: ${Buffer.byteLength(provider)} bytes`);
        expect(Buffer.byteLength(provider)).toBeLessThan(16 * 1024);
        expect(provider).toContain('require("pulumi-mailtrap-tokens/bin/provider/operations.js")');
    });

    it("creates, reads and deletes a token through the host started in the user's project", async () => {
        const emulator = new MailtrapEmulator();
        const baseUrl = await emulator.start(0);
        const host = await ProviderHost.start({ cwd: project });
        try {
            await host.configure({ "mailtrap:apiToken": emulator.credential, "mailtrap:accountId": "3229", "mailtrap:baseUrl": baseUrl });
            const engine = new Engine(host, provider);
            const created = (await engine.register("user-token", { name: "from-the-package", rotate: 1 })).resource!;
            expect(emulator.getToken(3229, Number(created.id))!.token).toBe(created.outputs.token);
            expect(await engine.refresh(created)).toBeDefined();
            await engine.destroy(created);
            expect(emulator.getToken(3229, Number(created.id))).toBeUndefined();
            expect(emulator.requests).toHaveLength(3);
        } finally {
            await host.stop();
            await emulator.stop();
        }
    });
});
