/**
 * A live token deleted outside Pulumi while the state still holds a previous token to delete,
 * through Pulumi's dynamic-provider host and the emulator. Under the older rule a rotation of an
 * expiring token issues a new token and keeps the old one for its grace, to be deleted later
 * (under today's API a reset leaves nothing to delete, so this file runs the older rule whatever
 * MAILTRAP_TEST_API_MODEL says). Dropping the resource at refresh would leave that previous token
 * live and unseen; so refresh keeps it with the live token marked gone, the next up issues a new
 * token and keeps the previous one until its grace ends (the first up after it deletes it), and
 * destroy deletes it. Without such a previous token a 404
 * still means gone (tests/host/lifecycle.test.ts: "drops a token deleted outside Pulumi on refresh").
 */
import { RecordedResource } from "../../harness/engine";
import { PropertyMap } from "../../harness/providerHost";
import { startStack, TestStack } from "../../harness/stack";
import { ACCOUNT, T0, inputs, outputOf, tokensPath, tokenIdsOfTheName } from "./support";

const rolling: PropertyMap = { ...inputs, expiresInDays: 90 };
const rotated: PropertyMap = { ...rolling, rotate: "2" };

let stack: TestStack;

beforeEach(async () => {
    stack = await startStack({ emulator: { apiModel: "older" }, hostEnv: { MAILTRAP_PROVIDER_NOW: new Date(T0).toISOString() } });
    stack.emulator.setNow(T0);
});
afterEach(async () => {
    await stack.stop();
});

async function requestsOf<T>(step: () => Promise<T>): Promise<{ result: T; requests: { method: string; path: string }[] }> {
    stack.emulator.clearRequests();
    const result = await step();
    return { result, requests: stack.emulator.requests.map(({ method, path }) => ({ method, path })) };
}

/** Created at T0, then rotated by its trigger: under the older rule a new token, the first one kept for its grace. */
async function renewedByANewToken(): Promise<{ first: RecordedResource; renewed: RecordedResource }> {
    const first = (await stack.engine.register("token", rolling)).resource!;
    const renewed = (await stack.engine.register("token", rotated, first)).resource!;
    expect(renewed.outputs).toMatchObject({ previousTokenId: first.outputs.tokenId, previousTokenRetiredBy: "delete" });
    expect(renewed.outputs.tokenId).not.toBe(first.outputs.tokenId);
    return { first, renewed };
}

/** …and then its live token is deleted in the Mailtrap UI, and `pulumi refresh` runs. */
async function liveTokenDeletedThenRefreshed() {
    const { first, renewed } = await renewedByANewToken();
    stack.emulator.deleteToken(ACCOUNT, renewed.outputs.tokenId as number);
    const refresh = await requestsOf(() => stack.engine.refresh(renewed));
    // Dropped from the state, the resource would leave its previous token live and unseen.
    expect(refresh.result).toBeDefined();
    return { first, renewed, refreshed: refresh.result!, refreshRequests: refresh.requests };
}

describe("a live token deleted outside Pulumi while its renewed predecessor is still to be deleted (older rule)", () => {
    it("refresh keeps the resource, its id and its previous token, with the live token marked gone, in one GET", async () => {
        const { first, renewed, refreshed, refreshRequests } = await liveTokenDeletedThenRefreshed();
        expect(refreshRequests).toEqual([{ method: "GET", path: `${tokensPath}/${String(renewed.outputs.tokenId)}` }]);
        expect(refreshed.id).toBe(renewed.id);
        expect(refreshed.outputs).toMatchObject({
            tokenGone: true,
            tokenId: renewed.outputs.tokenId,
            previousTokenId: first.outputs.tokenId,
            previousTokenRetiredBy: "delete",
        });
    });

    it("the preview says it will rotate: the live token was deleted outside Pulumi; no request", async () => {
        const { renewed, refreshed } = await liveTokenDeletedThenRefreshed();
        const preview = await requestsOf(() => stack.engine.register("token", rotated, refreshed, { preview: true }));
        expect(preview.result.kind).toBe("update");
        expect(preview.requests).toEqual([]);
        const pattern = /its live token was deleted outside Pulumi/;
        const line = (await outputOf(stack.host, pattern)).split("\n").find((l) => pattern.test(l));
        expect(line).toBe(
            `mailtrap: ApiToken "token" (Mailtrap token "ci-sending" ${String(renewed.outputs.tokenId)}) will rotate: ` +
                "its live token was deleted outside Pulumi: a new token is issued, and each previous token the stack holds stays until its grace ends",
        );
    });

    it("the up issues a new one (cause recovered), keeping the previous token in the state until its grace ends", async () => {
        const { first, refreshed } = await liveTokenDeletedThenRefreshed();
        const up = await requestsOf(() => stack.engine.register("token", rotated, refreshed));
        expect(up.result.kind).toBe("update");
        expect(up.requests).toEqual([{ method: "POST", path: tokensPath }]);
        const after = up.result.resource!;
        expect(after.id).toBe(refreshed.id);
        expect(after.outputs.tokenGone).toBeUndefined();
        expect(after.outputs.previousTokens).toEqual([expect.objectContaining({ tokenId: first.outputs.tokenId, retiredBy: "delete" })]);
        expect(tokenIdsOfTheName(stack.emulator)).toEqual([first.outputs.tokenId, after.outputs.tokenId]);
        expect(after.outputs.token).toBe(stack.emulator.getToken(ACCOUNT, after.outputs.tokenId as number)!.token);
        expect(stack.emulator.isTokenValueLive(after.outputs.token as string)).toBe(true);
        expect((after.outputs.rotationHistory as { cause: string; tokenId: number }[])[0]).toMatchObject({
            cause: "recovered",
            tokenId: after.outputs.tokenId,
        });
    });

    it("destroy deletes the previous token; the gone live token's 404 counts as done", async () => {
        const { first, renewed, refreshed } = await liveTokenDeletedThenRefreshed();
        const destroy = await requestsOf(() => stack.engine.destroy(refreshed));
        expect(destroy.requests).toEqual([
            { method: "DELETE", path: `${tokensPath}/${String(renewed.outputs.tokenId)}` },
            { method: "DELETE", path: `${tokensPath}/${String(first.outputs.tokenId)}` },
        ]);
        expect(stack.emulator.requests.map((r) => r.status)).toEqual([404, 204]);
        expect(tokenIdsOfTheName(stack.emulator)).toEqual([]);
    });
});
