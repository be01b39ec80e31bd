import { execFileSync } from "child_process";
import { MailtrapEmulator } from "../provider/emulator/server";
import { runProgram, serializedProvider } from "./harness/captureProgram";
import { Engine, RecordedResource } from "./harness/engine";
import { installPackedPackage, UserProject, writeUserProgram } from "./harness/packedInstall";
import { ProviderHost, ProviderOperationError } from "./harness/providerHost";

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
            (file) => !/^package\/(package\.json|README\.md|LICENSE|bin\/provider\/.+\.(js|d\.ts))$/.test(file),
        );
        expect(unexpected).toEqual([]);
        expect(listing).toEqual(
            expect.arrayContaining(["package/bin/provider/index.js", "package/bin/provider/index.d.ts", "package/LICENSE"]),
        );
    });

    it("serializes a provider under 16 KiB that requires the package's modules instead of inlining them", () => {
        console.log(`__provider as installed from the tarball: ${Buffer.byteLength(provider)} bytes`);
        expect(Buffer.byteLength(provider)).toBeLessThan(16 * 1024);
        expect(provider).toContain('require("pulumi-mailtrap-tokens/bin/provider/operations.js")');
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

    /*
     * The engine records a partially created resource only if the host can send it back: its
     * properties travel in an HTTP/2 trailer (at most 64 KiB encoded), so this runs with the
     * provider as installed, whose `__provider` is small.
     */
    it("reports a token created without a value, whose deletion failed too, as a partially created resource", async () => {
        const emulator = new MailtrapEmulator();
        const baseUrl = await emulator.start(0);
        const host = await ProviderHost.start({ cwd: project.dir, callTimeoutMs: 20_000 });
        try {
            await host.configure({
                "mailtrap:apiToken": emulator.credential,
                "mailtrap:accountId": "3229",
                "mailtrap:baseUrl": baseUrl,
                "mailtrap:maxRetries": "3",
                "mailtrap:requestTimeoutMs": "500",
            });
            const engine = new Engine(host, provider);
            emulator.injectFault({ method: "POST", path: /\/api_tokens$/, fault: { kind: "apply-then-drop" } });
            emulator.injectFault({ method: "DELETE", times: 4, fault: { kind: "status", status: 500 } });
            const error = (await engine
                .register("user-token", { name: "stuck", rotate: 1 })
                .catch((e: unknown) => e)) as ProviderOperationError;

            const orphan = emulator.listTokens(3229).find((t) => t.name === "stuck")!;
            expect(error).toBeInstanceOf(ProviderOperationError);
            expect(error.message).toContain(`token ${orphan.id} was created but its value was lost, and deleting it failed`);
            expect(error.message).not.toContain("\n");
            expect(error.initFailure).toMatchObject({
                id: String(orphan.id),
                properties: { tokenId: orphan.id, name: "stuck", token: "" },
            });
            expect(error.initFailure!.properties.__provider).toBe(provider);

            // What the engine recorded is usable: the next update gives it a value, a destroy removes it.
            const recorded: RecordedResource = {
                urn: engine.urn("user-token"),
                id: error.initFailure!.id,
                inputs: {},
                outputs: error.initFailure!.properties,
            };
            const diff = await host.diff(recorded.id, recorded.urn, recorded.outputs, {
                name: "stuck",
                rotate: 1,
                accountId: 3229,
                __provider: provider,
            });
            expect(diff.changes).toBe("some");
            const renewed = await host.update(recorded.id, recorded.urn, recorded.outputs, {
                name: "stuck",
                rotate: 1,
                accountId: 3229,
                __provider: provider,
            });
            expect(emulator.isTokenValueLive(renewed.properties.token as string)).toBe(true);
            await engine.destroy({ ...recorded, outputs: renewed.properties });
            expect(emulator.getToken(3229, renewed.properties.tokenId as number)).toBeUndefined();
        } finally {
            await host.stop();
            await emulator.stop();
        }
    }, 60_000);
});
