import { CommandResult, E2EStack, E2EWorkspace } from "./support/pulumi";
import { IMPORTS, NOTHING_RESOURCE, program } from "./support/programs";

const COUNT = 20;

/**
 * Twenty tokens in one `pulumi up` and their deletion in one `pulumi destroy`, each timed beside
 * the same run of twenty dynamic resources that do nothing (the engine's and the dynamic-provider
 * host's own cost). The figures are recorded, not asserted: they depend on the machine.
 */
describe(`${COUNT} tokens in one run`, () => {
    const ws = new E2EWorkspace("scale");
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    let tokenStack: E2EStack;
    let nothingStack: E2EStack;
    const timings: Record<string, number> = {};
    const seconds = (result: CommandResult) => result.durationMs / 1000;

    beforeAll(async () => {
        await ws.start();
        const project = ws.project(
            "scale",
            program(
                IMPORTS,
                NOTHING_RESOURCE,
                `const count = config.requireNumber("count");
                for (let i = 0; i < count; i++) {
                    if (config.require("kind") === "tokens") new ApiToken("token-" + i, { name: "e2e-scale-" + i });
                    else new Nothing("nothing-" + i, { index: i });
                }`,
            ),
        );
        tokenStack = await project.newStack("tokens");
        nothingStack = await project.newStack("nothing");
        for (const [stack, kind] of [
            [tokenStack, "tokens"],
            [nothingStack, "nothing"],
        ] as const) {
            await stack.setConfig("kind", kind);
            await stack.setConfig("count", String(COUNT));
        }
    });

    afterAll(async () => {
        const ratio = (what: string) => (timings[`tokens ${what}`] / timings[`nothing ${what}`]).toFixed(2);
        if (Object.keys(timings).length === 4) {
            const line = (what: string) =>
                `${what.padEnd(8)} ${COUNT} ApiTokens ${timings[`tokens ${what}`].toFixed(1)} s, ` +
                `${COUNT} do-nothing dynamic resources ${timings[`nothing ${what}`].toFixed(1)} s, ratio ${ratio(what)}`;
            const text = [
                `# ${COUNT} tokens in one run beside ${COUNT} do-nothing dynamic resources (wall time of the CLI command, --skip-preview)`,
                line("up"),
                line("destroy"),
            ].join("\n");
            ws.record("timing.txt", text);
            console.log(text);
        }
        await ws.stop();
    });

    it(`creates ${COUNT} tokens in one \`pulumi up\`, one POST each`, async () => {
        const nothing = await nothingStack.up();
        timings["nothing up"] = seconds(nothing);
        expect(nothing.summary).toMatchObject({ create: COUNT + 1 });

        const up = await tokenStack.up({ timeoutMs: 300_000 });
        timings["tokens up"] = seconds(up);
        expect(up.summary).toMatchObject({ create: COUNT + 1 });
        expect(up.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(Array(COUNT).fill(`POST ${tokens()} 200`));
        const names = ws.emulator
            .listTokens(ws.accountId)
            .map((t) => t.name)
            .filter((name) => name.startsWith("e2e-scale-"));
        expect(names.sort()).toEqual(Array.from({ length: COUNT }, (_, i) => `e2e-scale-${i}`).sort());
        expect(await tokenStack.stateResources()).toHaveLength(COUNT);
    });

    it(`deletes the ${COUNT} tokens in one \`pulumi destroy\`, one DELETE each`, async () => {
        const nothing = await nothingStack.destroy();
        timings["nothing destroy"] = seconds(nothing);

        const destroy = await tokenStack.destroy({ timeoutMs: 300_000 });
        timings["tokens destroy"] = seconds(destroy);
        expect(destroy.requests.filter((r) => r.method === "DELETE" && r.status === 204)).toHaveLength(COUNT);
        expect(destroy.requests).toHaveLength(COUNT);
        expect(ws.emulator.listTokens(ws.accountId).filter((t) => t.name.startsWith("e2e-scale-"))).toEqual([]);
    });

    it("leaves the credential and every token value out of state files, PULUMI_HOME and CLI output", () => {
        expect(ws.leaks()).toEqual([]);
    });
});
