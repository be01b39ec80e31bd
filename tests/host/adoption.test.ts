/**
 * Adoption never takes a token another resource of the same stack holds, through Pulumi's
 * dynamic-provider host and the emulator: destroying either resource would delete the token under
 * the other. Best effort: the provider process knows a holder once the engine has diffed it, as it
 * does for every resource already in the state before it creates new ones. Adopting a token no
 * resource holds is tests/host/lifecycle.test.ts's ("adopts an existing token with one GET"), and
 * in the same up after another resource was diffed, tests/host/sameName.test.ts's.
 */
import { Engine, RecordedResource } from "../harness/engine";
import { PropertyMap, ProviderHost, ProviderOperationError } from "../harness/providerHost";
import { startStack, TestStack } from "../harness/stack";

const ACCOUNT = 3229;
const PERMISSIONS = [{ resourceType: "project", resourceId: 42, accessLevel: "viewer" }];
const INPUTS: PropertyMap = { name: "ci-sending", resources: PERMISSIONS };

describe("adoption of a token another resource of the stack holds", () => {
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

    /** A later `pulumi up`: a fresh provider process that has seen nothing yet. */
    async function laterUp(): Promise<Engine> {
        const host = await ProviderHost.start({
            env: { MAILTRAP_API_TOKEN: undefined, MAILTRAP_ACCOUNT_ID: undefined, MAILTRAP_BASE_URL: undefined },
        });
        laterHosts.push(host);
        await host.configure(stack.config);
        return new Engine(host, stack.engine.serializedProvider);
    }

    /** The first up creates "holder"; a later up diffs it (no change) before it creates anything. */
    async function holderDiffedInALaterUp(holderInputs: PropertyMap = INPUTS): Promise<{ engine: Engine; holder: RecordedResource }> {
        const created = (await stack.engine.register("holder", holderInputs)).resource!;
        const engine = await laterUp();
        const same = await engine.register("holder", holderInputs, created);
        expect(same.kind).toBe("same");
        return { engine, holder: same.resource! };
    }

    async function adoptionFailure(engine: Engine, tokenId: unknown): Promise<ProviderOperationError> {
        const failure = await engine.register("adopter", { ...INPUTS, adoptTokenId: tokenId }).then(
            () => undefined,
            (error: unknown) => error,
        );
        expect(failure).toBeInstanceOf(ProviderOperationError);
        return failure as ProviderOperationError;
    }

    it("fails the create with a message naming the holder, before any request", async () => {
        const { engine, holder } = await holderDiffedInALaterUp();
        const tokenId = holder.outputs.tokenId as number;
        stack.emulator.clearRequests();
        const failure = await adoptionFailure(engine, tokenId);
        expect(failure.details).toBe(
            `mailtrap: ApiToken "adopter" (Mailtrap token "ci-sending") cannot adopt API token ${tokenId} in account ${ACCOUNT}: ` +
                'ApiToken "holder" of this stack holds it. Drop adoptTokenId to create a new token, or adopt a token no resource holds.',
        );
        expect(stack.emulator.requests).toEqual([]);
    });

    it("leaves the held token untouched and issues none: the holder's value still works, and no token of the name is added", async () => {
        const { engine, holder } = await holderDiffedInALaterUp();
        const tokenId = holder.outputs.tokenId as number;
        const before = stack.emulator.getToken(ACCOUNT, tokenId)!;
        await adoptionFailure(engine, tokenId);
        expect(stack.emulator.getToken(ACCOUNT, tokenId)).toEqual(before);
        expect(stack.emulator.isTokenValueLive(holder.outputs.token as string)).toBe(true);
        expect(
            stack.emulator
                .listTokens(ACCOUNT)
                .filter((t) => t.name === INPUTS.name)
                .map((t) => t.id),
        ).toEqual([tokenId]);
    });

    it("refuses the holder's previous token too, while it works through its grace after a rotation", async () => {
        const created = (await stack.engine.register("holder", { ...INPUTS, rotate: "1" })).resource!;
        const rotated = (await stack.engine.register("holder", { ...INPUTS, rotate: "2" }, created)).resource!;
        const previousId = rotated.outputs.previousTokenId as number;
        expect(previousId).toBe(created.outputs.tokenId);
        const engine = await laterUp();
        expect((await engine.register("holder", { ...INPUTS, rotate: "2" }, rotated)).kind).toBe("same");
        stack.emulator.clearRequests();
        const failure = await adoptionFailure(engine, previousId);
        expect(failure.details).toContain(
            `cannot adopt API token ${previousId} in account ${ACCOUNT}: ApiToken "holder" of this stack holds it`,
        );
        expect(stack.emulator.requests).toEqual([]);
    });
});
