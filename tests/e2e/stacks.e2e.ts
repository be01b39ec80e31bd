import { E2EStack, E2EWorkspace, requestLines } from "./support/pulumi";
import { IMPORTS, program } from "./support/programs";

/**
 * Two stacks of one program (dev and prod) on one credential, declaring a token of the same
 * name: each has its own token, and destroying one leaves the other's working.
 */
describe("two stacks of one program on one credential", () => {
    const ws = new E2EWorkspace("stacks");
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    const stacks: Record<string, E2EStack> = {};
    const ids: Record<string, number> = {};

    beforeAll(async () => {
        await ws.start();
        const project = ws.project(
            "stacks",
            program(
                IMPORTS,
                `const token = new ApiToken("ci-token", { name: "e2e-shared-name" });\nexports.tokenId = token.tokenId;\nexports.token = token.token;`,
            ),
        );
        stacks.dev = await project.newStack("dev");
        stacks.prod = await project.newStack("prod");
    });

    afterAll(() => ws.stop());

    it("gives each stack its own token with the same name", async () => {
        for (const name of ["dev", "prod"]) {
            const up = await stacks[name].up();
            expect(requestLines(up)).toEqual([`POST ${tokens()}`]);
            ids[name] = (await stacks[name].outputs()).tokenId;
        }

        expect(ids.dev).not.toBe(ids.prod);
        const named = ws.emulator.listTokens(ws.accountId).filter((t) => t.name === "e2e-shared-name");
        expect(named.map((t) => t.id).sort()).toEqual([ids.dev, ids.prod].sort());
        for (const name of ["dev", "prod"]) {
            expect((await stacks[name].outputs({ showSecrets: true })).token).toBe(ws.emulator.getToken(ws.accountId, ids[name])!.token);
        }
    });

    it("prod's lost create leaves dev's token alone: no delete, dev's value still works, prod is created once more", async () => {
        // With prod's token gone, dev's is the newest of that name; prod's next create is lost before it reaches the API.
        await stacks.prod.destroy();
        ws.emulator.injectFault({ method: "POST", path: /\/api_tokens$/, fault: { kind: "reset" } });

        const up = await stacks.prod.up();

        expect(requestLines(up)).toEqual([`POST ${tokens()}`, `POST ${tokens()}`, `GET ${tokens()}`]);
        expect(ws.emulator.isTokenValueLive(ws.emulator.getToken(ws.accountId, ids.dev)!.token)).toBe(true);
        expect(up.output).toMatch(
            new RegExp(`${ids.dev} "e2e-shared-name" \\(last 4 digits [0-9a-f]{4}\\) may have been made by it and is left in place`),
        );
        ids.prod = (await stacks.prod.outputs()).tokenId;
        expect(ws.emulator.isTokenValueLive(ws.emulator.getToken(ws.accountId, ids.prod)!.token)).toBe(true);
    });

    it("destroys dev's token only; prod's keeps working and prod has nothing to do", async () => {
        const destroy = await stacks.dev.destroy();

        expect(requestLines(destroy)).toEqual([`DELETE ${tokens()}/${ids.dev}`]);
        expect(ws.emulator.getToken(ws.accountId, ids.dev)).toBeUndefined();
        const prod = ws.emulator.getToken(ws.accountId, ids.prod)!;
        expect(ws.emulator.isTokenValueLive(prod.token)).toBe(true);

        const refresh = await stacks.prod.refresh();
        expect(requestLines(refresh)).toEqual([`GET ${tokens()}/${ids.prod}`]);
        await stacks.prod.preview({ expectNoChanges: true });
        expect((await stacks.prod.stateOutputs("ci-token")).token).toBe(prod.token);

        await stacks.prod.destroy();
        expect(ws.emulator.getToken(ws.accountId, ids.prod)).toBeUndefined();
    });

    it("leaves the credential and every token value out of state files, PULUMI_HOME and CLI output", () => {
        expect(ws.leaks()).toEqual([]);
    });
});
