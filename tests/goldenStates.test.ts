import * as fs from "fs";
import * as path from "path";
import { MailtrapEmulator } from "../provider/emulator/server";
import { Engine, RecordedResource } from "./harness/engine";
import { GoldenState, goldenStates } from "./harness/goldenState";
import { installPackedPackage, UserProject } from "./harness/packedInstall";
import { ProviderHost } from "./harness/providerHost";
import { STATE_VERSION } from "../provider/lifecycle/stateVersion";

/**
 * What a stack stores outlives every release. Each golden state (tests/fixtures/states), written
 * by a released version as installed from its tarball, is driven through the dynamic-provider host
 * with the provider stored in it, against the package installed now: refresh, rotation, rename and
 * delete. Then the installed package is changed as a later release would change it (a fix inside
 * the lifecycle, an internal module moved) and the stored resources follow without an update.
 */
const ACCOUNT = 3229;
const TOKENS = `/api/accounts/${ACCOUNT}/api_tokens`;
/** The fixtures' clock plus an hour: no schedule or retirement is due, whatever the date the suite runs on. */
const NOW = "2026-11-28T01:00:00.000Z";

describe("golden states from earlier releases, with the package installed now", () => {
    let project: UserProject;

    beforeAll(() => {
        project = installPackedPackage();
    }, 300_000);
    afterAll(() => {
        project.remove();
    });

    /**
     * A golden state's stack as one `pulumi` command meets it: the emulator holding the fixture's
     * tokens, and a host in the user's project configured against it. A stack's refresh, update or
     * destroy runs all its resources in one provider process, so the cases of one kind of step share
     * one (the first case of each kind starts it); each case acts on its own resource's tokens.
     */
    interface Command {
        key: string;
        emulator: MailtrapEmulator;
        host: ProviderHost;
    }
    let command: Command | undefined;

    async function startCommand(golden: GoldenState, key: string): Promise<Command> {
        const emulator = new MailtrapEmulator({ now: () => Date.parse(NOW) });
        golden.tokens.forEach((token) => emulator.seedToken(token));
        const baseUrl = await emulator.start(0);
        try {
            const host = await ProviderHost.start({ cwd: project.dir, env: { MAILTRAP_PROVIDER_NOW: NOW } });
            const started = { key, emulator, host };
            try {
                await host.configure({
                    "mailtrap:apiToken": emulator.credential,
                    "mailtrap:accountId": golden.config.accountId,
                    "mailtrap:baseUrl": baseUrl,
                });
            } catch (error) {
                await stopCommand(started);
                throw error;
            }
            return started;
        } catch (error) {
            await emulator.stop();
            throw error;
        }
    }

    async function stopCommand(stopping: Command | undefined): Promise<void> {
        if (!stopping) return;
        if (command === stopping) command = undefined;
        await stopping.host.stop();
        await stopping.emulator.stop();
    }
    afterAll(() => stopCommand(command));

    /** One case of a kind of step (`refresh`, `rotate`, …) on a golden state, through the engine using the stored provider. */
    async function replay(
        golden: GoldenState,
        step: string,
        body: (engine: Engine, emulator: MailtrapEmulator) => Promise<void>,
    ): Promise<void> {
        const key = `${golden.version} (state ${golden.stateVersion}) ${step}`;
        if (command?.key !== key) {
            await stopCommand(command);
            command = await startCommand(golden, key);
        }
        command.emulator.clearRequests();
        await body(new Engine(command.host, golden.resources[0].inputs.__provider as string), command.emulator);
    }

    /** The program's inputs for a stored resource: what it was declared with. */
    function programInputs(resource: RecordedResource): Record<string, unknown> {
        return Object.fromEntries(Object.entries(resource.inputs).filter(([key]) => !key.startsWith("__") && key !== "accountId"));
    }

    const requestsOf = (emulator: MailtrapEmulator) => emulator.requests.map((r) => `${r.method} ${r.path}`);
    /** What deleting a stored resource sends: its live token, and a renewed predecessor (a reset one expires by itself). */
    const deletesOf = (resource: RecordedResource) => [
        `DELETE ${TOKENS}/${String(resource.outputs.tokenId)}`,
        ...(resource.outputs.previousTokenRetiredBy === "delete" ? [`DELETE ${TOKENS}/${String(resource.outputs.previousTokenId)}`] : []),
    ];
    const cases = goldenStates().flatMap((golden) =>
        golden.resources.map(
            (resource) => [`${golden.version} (state ${golden.stateVersion}) ${resource.urn.split("::").pop()}`, golden, resource] as const,
        ),
    );

    it("there is a golden state for every state version up to this release's", () => {
        expect(goldenStates().map((golden) => golden.stateVersion)).toEqual(Array.from({ length: STATE_VERSION }, (_, i) => i + 1));
    });

    it.each(cases)("%s: refresh reads once and keeps the value", async (_label, golden, resource) => {
        await replay(golden, "refresh", async (engine, emulator) => {
            const refreshed = (await engine.refresh(resource))!;
            expect(requestsOf(emulator)).toEqual([`GET ${TOKENS}/${String(resource.outputs.tokenId)}`]);
            expect(refreshed.outputs.token).toBe(resource.outputs.token);
            expect(refreshed.outputs.stateVersion).toBe(STATE_VERSION);
            const preview = await engine.register(resource.urn.split("::").pop()!, programInputs(resource), refreshed, { preview: true });
            expect(preview.kind).toBe("same");
        });
    });

    it.each(cases)("%s: a rotate change renews once: one reset stating the expiry (today's API)", async (_label, golden, resource) => {
        await replay(golden, "rotate", async (engine, emulator) => {
            const step = await engine.register(
                resource.urn.split("::").pop()!,
                { ...programInputs(resource), rotate: "golden-next" },
                resource,
            );
            expect(step.kind).toBe("update");
            // A renewed predecessor whose grace has ended is deleted first; one still in its grace stays in the state.
            const requests = requestsOf(emulator);
            expect(requests.at(-1)).toBe(`POST ${TOKENS}/${String(resource.outputs.tokenId)}/reset`);
            expect(requests.slice(0, -1)).toEqual(
                requests.length > 1 && resource.outputs.previousTokenRetiredBy === "delete"
                    ? [`DELETE ${TOKENS}/${String(resource.outputs.previousTokenId)}`]
                    : [],
            );
            expect(emulator.requests.at(-1)!.body).toEqual({ expires_at: resource.outputs.valueExpiresAt ? expect.any(String) : null });
            expect(emulator.isTokenValueLive(step.resource!.outputs.token as string)).toBe(true);
            expect(step.resource!.id).toBe(resource.id);
            expect(step.resource!.outputs.rotationCount).toBe(((resource.outputs.rotationCount as number | undefined) ?? 0) + 1);
        });
    });

    it.each(cases)("%s: a rename replaces the token, and delete removes it", async (_label, golden, resource) => {
        await replay(golden, "rename", async (engine, emulator) => {
            const step = await engine.register(
                resource.urn.split("::").pop()!,
                { ...programInputs(resource), name: "golden-renamed" },
                resource,
            );
            expect(step.kind).toBe("replace");
            expect(requestsOf(emulator)).toEqual([`POST ${TOKENS}`, ...deletesOf(resource)]);
            emulator.clearRequests();
            await engine.destroy(step.resource!);
            expect(requestsOf(emulator)).toEqual([`DELETE ${TOKENS}/${String(step.resource!.outputs.tokenId)}`]);
        });
    });

    it.each(cases)("%s: delete removes the live token with one request", async (_label, golden, resource) => {
        await replay(golden, "destroy", async (engine, emulator) => {
            await engine.destroy(resource);
            expect(requestsOf(emulator)).toEqual(deletesOf(resource));
            expect(emulator.getToken(ACCOUNT, resource.outputs.tokenId as number)).toBeUndefined();
        });
    });

    describe("a later release changes the installed package", () => {
        const installed = () => path.join(project.dir, "node_modules", "pulumi-mailtrap-tokens", "bin", "provider");
        const golden = goldenStates()[0];
        const resource = golden.resources[0];

        it("a fix in the lifecycle code reaches a stored resource's refresh and destroy without an update", async () => {
            const readModule = path.join(installed(), "lifecycle", "read.js");
            const original = fs.readFileSync(readModule, "utf8");
            fs.writeFileSync(
                readModule,
                original.replace(/(async function readApiToken\([^)]*\) \{)/, '$1\n    console.log("installed-fix-marker: read");'),
            );
            expect(fs.readFileSync(readModule, "utf8")).toContain("installed-fix-marker");
            try {
                await replay(golden, "refresh with the fix installed", async (engine) => {
                    await engine.refresh(resource);
                    const deadline = Date.now() + 5000;
                    while (Date.now() < deadline && !engine.host.output().includes("installed-fix-marker")) {
                        await new Promise((resolve) => setTimeout(resolve, 25));
                    }
                    expect(engine.host.output()).toContain("installed-fix-marker: read");
                });
            } finally {
                fs.writeFileSync(readModule, original);
            }
        });

        it("every internal module moved (a new outDir; the state entry keeps its name) leaves stored resources working", async () => {
            // As a release that changes the build layout would ship it: only the exports map knows where the entry lives.
            const packageDir = path.join(project.dir, "node_modules", "pulumi-mailtrap-tokens");
            fs.renameSync(path.join(packageDir, "bin", "provider"), path.join(packageDir, "bin", "lib"));
            const manifestPath = path.join(packageDir, "package.json");
            const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as Record<string, unknown>;
            fs.writeFileSync(manifestPath, JSON.stringify(manifest).replace(/bin\/provider\//g, "bin/lib/"));
            expect(fs.existsSync(path.join(packageDir, "bin", "provider"))).toBe(false);
            await replay(golden, "refresh, update and destroy with the modules moved", async (engine, emulator) => {
                const refreshed = (await engine.refresh(resource))!;
                const rotated = (
                    await engine.register(resource.urn.split("::").pop()!, { ...programInputs(resource), rotate: "moved" }, refreshed)
                ).resource!;
                await engine.destroy(rotated);
                expect(requestsOf(emulator)).toEqual([
                    `GET ${TOKENS}/${String(resource.outputs.tokenId)}`,
                    `POST ${TOKENS}/${String(resource.outputs.tokenId)}/reset`,
                    `DELETE ${TOKENS}/${String(rotated.outputs.tokenId)}`,
                ]);
            });
        });
    });
});
