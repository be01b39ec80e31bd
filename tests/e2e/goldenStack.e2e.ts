import * as fs from "fs";
import * as path from "path";
import { GoldenStack, goldenStacks } from "../harness/goldenStack";
import { STATE_VERSION } from "../../provider/lifecycle/stateVersion";
import { E2EStack, E2EWorkspace, opsOf, requestLines } from "./support/pulumi";

/**
 * What a stack stores outlives every release, proven with the real CLI: each golden stack
 * (tests/fixtures/stacks, a `pulumi stack export` written by a released version) is imported into
 * a new stack with `pulumi stack import`, then refreshed, rotated and destroyed by the package
 * installed now, against an emulator seeded with the tokens the account held when it was recorded.
 * Refresh and destroy run the provider stored in the state, as they do for users.
 */
const HOUR_MS = 3_600_000;

describe.each(
    goldenStacks().map(({ golden, exportFile }) => [`${golden.version} (state ${golden.stateVersion})`, golden, exportFile] as const),
)("the golden stack of %s through the Pulumi CLI", (_label, golden: GoldenStack, exportFile: string) => {
    // An hour after recording: no schedule or grace period is due, whatever the date the suite runs on.
    const now = new Date(Date.parse(golden.recordedAt) + HOUR_MS).toISOString();
    const ws = new E2EWorkspace(`golden-stack-v${golden.stateVersion}`, {
        emulator: { accountId: golden.accountId, credential: golden.credential, now: () => Date.parse(now) },
        passphrase: golden.passphrase,
        env: { MAILTRAP_PROVIDER_NOW: now },
    });
    const tokens = `/api/accounts/${golden.accountId}/api_tokens`;
    const recordedValue = (id: number) => golden.tokens.find((token) => token.id === id)?.token;
    let stack: E2EStack;
    let imported: Record<string, Record<string, any>>;

    beforeAll(async () => {
        golden.tokens.forEach((token) => ws.emulator.seedToken(token));
        await ws.start();
        const project = ws.project(golden.project, golden.program);
        fs.writeFileSync(path.join(project.dir, `Pulumi.${golden.stack}.yaml`), golden.stackConfig);
        stack = new E2EStack(project, golden.stack);
        await ws.pulumi(project.dir, ["stack", "init", golden.stack]);
        await stack.setConfig("mailtrap:baseUrl", ws.baseUrl);
    });

    afterAll(() => ws.stop());

    /** Outputs of each ApiToken in state, by resource name, secrets revealed. */
    async function stateOutputs(): Promise<Record<string, Record<string, any>>> {
        const names = (await stack.stateResources()).map((resource) => String(resource.urn).split("::").pop()!);
        return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await stack.stateOutputs(name)] as const)));
    }

    it("imports with `pulumi stack import`, secrets decrypted by the passphrase it was written with", async () => {
        // The recording's emulator listened elsewhere: the stored provider's address is this run's.
        const exported = JSON.parse(fs.readFileSync(exportFile, "utf8"));
        for (const resource of exported.deployment.resources) {
            for (const props of [resource.inputs, resource.outputs]) {
                if (props && "mailtrap:baseUrl" in props) props["mailtrap:baseUrl"] = ws.baseUrl;
            }
        }
        const file = path.join(ws.dir, "golden-export.json");
        fs.writeFileSync(file, JSON.stringify(exported));

        const result = await stack.run(["stack", "import", "--file", file]);

        expect(result.requests).toEqual([]);
        imported = await stateOutputs();
        expect(Object.keys(imported).sort()).toEqual(["plain", "rolling", "rotated"]);
        for (const outputs of Object.values(imported)) expect(outputs.token).toBe(recordedValue(outputs.tokenId));
    });

    it("refreshes with one GET per token and keeps every value", async () => {
        const refresh = await stack.refresh();

        expect(requestLines(refresh).sort()).toEqual(
            Object.values(imported)
                .map((outputs) => `GET ${tokens}/${outputs.tokenId}`)
                .sort(),
        );
        const after = await stateOutputs();
        for (const [name, outputs] of Object.entries(after)) {
            expect(outputs.token).toBe(imported[name].token);
            expect(outputs.tokenId).toBe(imported[name].tokenId);
        }
    });

    it("matches the program it was written with: the preview has nothing to do and calls no API", async () => {
        const preview = await stack.preview({ expectNoChanges: true });
        expect(preview.requests).toEqual([]);
    });

    // Issue 19: the reset now states the new token's expiry (null: the program declares none), so
    // under today's API the successor does not get the one-year default, and the stack settles.
    it("rotates a stored token by its trigger with one reset stating no expiry, the others untouched, then has nothing to do", async () => {
        await stack.setConfig("plainRotate", "2");

        const up = await stack.up();

        expect(opsOf(up, "plain")).toEqual(["update"]);
        expect(opsOf(up, "rotated")).toEqual(["same"]);
        expect(opsOf(up, "rolling")).toEqual(["same"]);
        expect(requestLines(up)).toEqual([`POST ${tokens}/${imported.plain.tokenId}/reset`]);
        expect(up.requests[0].body).toEqual({ expires_at: null });
        const plain = await stack.stateOutputs("plain");
        expect(plain.tokenId).not.toBe(imported.plain.tokenId);
        expect(ws.emulator.getToken(golden.accountId, plain.tokenId)).toMatchObject({ token: plain.token, expires_at: null });
        expect(plain.previousTokenId).toBe(imported.plain.tokenId);
        expect(plain).toMatchObject({ stateVersion: STATE_VERSION, issuedExpiresAt: null });
        const preview = await stack.preview({ expectNoChanges: true });
        expect(preview.requests).toEqual([]);
    });

    it("keeps the account its state records with the account removed from the configuration: no change, and a rotation uses the account's routes", async () => {
        await stack.run(["config", "rm", "mailtrap:accountId"]);

        const preview = await stack.preview({ expectNoChanges: true });
        expect(preview.requests).toEqual([]);
        const before = await stack.stateOutputs("rotated");
        await stack.setConfig("rotatedRotate", "after-the-account-was-removed");
        const up = await stack.up();

        expect(opsOf(up, "rotated")).toEqual(["update"]);
        expect(requestLines(up)).toEqual([`POST ${tokens}/${before.tokenId}/reset`]);
        expect((await stack.stateOutputs("rotated")).accountId).toBe(golden.accountId);
        expect((await stack.preview({ expectNoChanges: true })).requests).toEqual([]);
    });

    it("destroys every token the stack holds: the live ones and a renewed predecessor, nothing else", async () => {
        const held = await stateOutputs();
        const expected = Object.values(held).flatMap((outputs) => [
            `DELETE ${tokens}/${outputs.tokenId}`,
            ...(outputs.previousTokenRetiredBy === "delete" ? [`DELETE ${tokens}/${outputs.previousTokenId}`] : []),
        ]);

        const destroy = await stack.destroy();

        expect(requestLines(destroy).sort()).toEqual(expected.sort());
        expect(await stack.stateResources()).toEqual([]);
        // What is left of the lineages is reset predecessors, which expire by themselves.
        const left = ws.emulator.listTokens(golden.accountId).filter((token) => token.name.startsWith("golden"));
        expect(left.every((token) => token.expires_at !== null)).toBe(true);
    });

    it("leaves the credential and every token value out of state, PULUMI_HOME and CLI output", () => {
        expect(ws.leaks()).toEqual([]);
    });
});
