import { execFileSync } from "child_process";
import { MailtrapEmulator } from "../provider/emulator/server";
import { runProgram, serializedProvider } from "./harness/captureProgram";
import { Engine } from "./harness/engine";
import { installPackedPackage, UserProject, writeUserProgram } from "./harness/packedInstall";
import { ProviderHost } from "./harness/providerHost";

/**
 * The package as a user gets it: packed, installed into a fresh project, compiled against its
 * types, run under mocks, and driven through the host from that project.
 */
describe("the packed package", () => {
    let project: UserProject;
    let program: string;
    let provider: string;

    beforeAll(async () => {
        project = installPackedPackage();
        program = writeUserProgram(project);
        const run = await runProgram(program, { config: { "mailtrap:accountId": "3229" } });
        provider = serializedProvider(run.resources);
    }, 300_000);

    afterAll(() => {
        project.remove();
    });

    it("holds the compiled code, types, README and license only", () => {
        const listing = execFileSync("tar", ["tzf", project.tarball], { encoding: "utf8" }).trim().split("\n");
        const unexpected = listing.filter(
            // release.json: the plugin's schema names the releases' owner (provider/native/schema.ts).
            (file) =>
                !/^package\/(package\.json|README\.md|LICENSE|bin\/provider\/.+\.(js|d\.ts)|bin\/provider\/native\/release\.json)$/.test(
                    file,
                ),
        );
        expect(unexpected).toEqual([]);
        expect(listing).toEqual(
            expect.arrayContaining(["package/bin/provider/index.js", "package/bin/provider/index.d.ts", "package/LICENSE"]),
        );
    });

    it("serializes a provider of at most 2 KiB whose only require of the package is the state entry", () => {
        console.log(`__provider as installed from the tarball: ${Buffer.byteLength(provider)} bytes`);
        expect(Buffer.byteLength(provider)).toBeLessThanOrEqual(2048);
        const requires = [...provider.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
        expect(requires).toEqual(["pulumi-mailtrap-tokens/state"]);
    });

    it("creates, reads and deletes a token through the host started in the user's project", async () => {
        const emulator = new MailtrapEmulator();
        const baseUrl = await emulator.start(0);
        const host = await ProviderHost.start({ cwd: project.dir });
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
