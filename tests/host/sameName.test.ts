/**
 * Two ApiTokens with the same Pulumi name under different parents stay apart in the provider
 * process: the resource class sends `__resourceKey` ("<parent URN>::<name>", or the bare name at
 * the top level) as a hidden input, and the process remembers resources by it, not by the name.
 * Otherwise a create of the second resource after the first was diffed reads as a replacement of
 * the first, and its adoptTokenId is ignored (a new token is made instead).
 *
 * The host part gives the inputs directly, as the class would send them (the harness's URN is the
 * name's; the dynamic provider never sees a URN, only the inputs).
 */
import * as path from "path";
import { repoRoot, runProgram } from "../harness/captureProgram";
import { Engine, RecordedResource } from "../harness/engine";
import { PropertyMap, ProviderHost, ProviderOperationError } from "../harness/providerHost";
import { startStack, TestStack } from "../harness/stack";
import { outputOf } from "./rotation/support";

const ACCOUNT = 3229;
const TOKENS = `/api/accounts/${ACCOUNT}/api_tokens`;
const PROGRAM = path.join(repoRoot(), "bin", "tests", "programs", "parentedTokens.js");
const TYPE = "pulumi-nodejs:dynamic/mailtrap:ApiToken";
const PARENT_A = "urn:pulumi:dev::mailtrap-test::mailtrap-test:index:TokenGroup::group-a";
const PARENT_B = "urn:pulumi:dev::mailtrap-test::mailtrap-test:index:TokenGroup::group-b";
const A: PropertyMap = { name: "group-a-sending", __resourceKey: `${PARENT_A}::token` };
const B: PropertyMap = { name: "group-b-sending", __resourceKey: `${PARENT_B}::token` };

describe("the ApiToken class sends its parent's URN with its name as __resourceKey", () => {
    it("a child of a component sends '<parent URN>::<name>'; one at the top level sends its name", async () => {
        const run = await runProgram(PROGRAM, { config: { "mailtrap:accountId": "3229" } });
        const parents = (run.exports as { parentUrns: { a: string; b: string } }).parentUrns;
        expect(parents).toEqual({ a: PARENT_A, b: PARENT_B });
        const keys = run.resources.filter((r) => r.type === TYPE).map((r) => [r.name, r.inputs.name, r.inputs.__resourceKey]);
        // Registered in no fixed order: the children wait for their parent's URN.
        expect(keys).toHaveLength(3);
        expect(keys).toEqual(
            expect.arrayContaining([
                ["token", "group-a-sending", `${parents.a}::token`],
                ["token", "group-b-sending", `${parents.b}::token`],
                ["top", "top-level", "top"],
            ]),
        );
    });
});

describe("two ApiTokens named alike under different parents, through the dynamic-provider host", () => {
    let stack: TestStack;
    let laterHosts: ProviderHost[] = [];

    beforeEach(async () => {
        stack = await startStack();
    });
    afterEach(async () => {
        await Promise.all(laterHosts.map((host) => host.stop()));
        laterHosts = [];
        await stack.stop();
    });

    /** The first up created "token" under parent A; a later up (a fresh process) diffs it before it creates anything. */
    async function firstDiffedInALaterUp(): Promise<{ engine: Engine; first: RecordedResource }> {
        const created = (await stack.engine.register("token", A)).resource!;
        const host = await ProviderHost.start({
            env: { MAILTRAP_API_TOKEN: undefined, MAILTRAP_ACCOUNT_ID: undefined, MAILTRAP_BASE_URL: undefined },
        });
        laterHosts.push(host);
        await host.configure(stack.config);
        const engine = new Engine(host, stack.engine.serializedProvider);
        const same = await engine.register("token", A, created);
        expect(same.kind).toBe("same");
        return { engine, first: same.resource! };
    }

    function unheldToken(name: string) {
        return stack.emulator.createToken(ACCOUNT, { name, expires_at: null });
    }

    it("the second one's create honours its adoptTokenId: one GET, and it holds the adopted token", async () => {
        const { engine } = await firstDiffedInALaterUp();
        const existing = unheldToken("group-b-sending");
        stack.emulator.clearRequests();
        const step = await engine.register("token", { ...B, adoptTokenId: existing.id });
        expect(step.kind).toBe("create");
        expect(stack.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${TOKENS}/${existing.id}`]);
        expect(step.resource!.id).toBe(String(existing.id));
        expect(step.resource!.outputs).toMatchObject({ tokenId: existing.id, adoptTokenId: existing.id, token: "" });
    });

    it("the second one cannot adopt the first one's token: the first, named alike, is another resource", async () => {
        const { engine, first } = await firstDiffedInALaterUp();
        const tokenId = first.outputs.tokenId as number;
        stack.emulator.clearRequests();
        const failure = await engine.register("token", { ...B, name: "group-a-sending", adoptTokenId: tokenId }).then(
            () => undefined,
            (error: unknown) => error,
        );
        expect(failure).toBeInstanceOf(ProviderOperationError);
        expect((failure as ProviderOperationError).details).toContain(
            `cannot adopt API token ${tokenId} in account ${ACCOUNT}: ApiToken "token" of this stack holds it`,
        );
        expect(stack.emulator.requests).toEqual([]);
    });

    // The contrast: the key, not the name, is what tells a replacement from another resource.
    it("a create under the first one's own key is its replacement: adoptTokenId is ignored, a new token is made", async () => {
        const { engine } = await firstDiffedInALaterUp();
        const existing = unheldToken("group-a-sending");
        stack.emulator.clearRequests();
        const step = await engine.register("token", { ...A, adoptTokenId: existing.id });
        expect(stack.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${TOKENS}`]);
        expect(step.resource!.outputs.tokenId).not.toBe(existing.id);
        const notice = /is replaced by a new token: adoptTokenId \d+ applies only to the resource's first create/;
        expect(await outputOf(engine.host, notice)).toMatch(notice);
    });
});
