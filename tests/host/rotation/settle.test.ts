/**
 * Every kind of rotation settles, under the API model the suite runs against (today's, or the
 * older rule): after the `up`, every live token of the resource's name is held by its state, the
 * next preview is no change (also after a refresh), and no live token carries an expiry the
 * program did not declare, but a previous token in its grace. The requests of each rotation are
 * the ones the README states.
 */
import { RecordedResource } from "../../harness/engine";
import { PropertyMap } from "../../harness/providerHost";
import { RESETS_EXPIRING_TOKENS } from "../../harness/apiModel";
import { DAY_MS, T0, ACCOUNT, stack, inputs, useRotationStack, daysLater, requestsOf, create, tokensPath, resetOf } from "./support";

const FIXED_EXPIRY = new Date(T0 + 365 * DAY_MS).toISOString();

/** The program, the later up that rotates it (days after T0), and what that up sends. */
const rotations: { kind: string; program: PropertyMap; rotated: PropertyMap; days: number; expiring: boolean }[] = [
    { kind: "by trigger", program: inputs, rotated: { ...inputs, rotate: "2" }, days: 0, expiring: false },
    { kind: "by age", program: { ...inputs, rotateAfterDays: 30 }, rotated: { ...inputs, rotateAfterDays: 30 }, days: 31, expiring: false },
    {
        kind: "of a fixed expiry, by trigger",
        program: { ...inputs, expiresAt: FIXED_EXPIRY },
        rotated: { ...inputs, expiresAt: FIXED_EXPIRY, rotate: "2" },
        days: 0,
        expiring: true,
    },
    {
        kind: "of a rolling expiry, by age",
        program: { ...inputs, expiresInDays: 90 },
        rotated: { ...inputs, expiresInDays: 90 },
        days: 76,
        expiring: true,
    },
];

/** What one rotation sends: one reset; under the older rule a token with an expiry gets a refused reset, a GET and a new token. */
function renewalRequests(tokenId: unknown, expiring: boolean): { method: string; path: string }[] {
    return expiring && !RESETS_EXPIRING_TOKENS
        ? [resetOf(tokenId), { method: "GET", path: `${tokensPath}/${String(tokenId)}` }, { method: "POST", path: tokensPath }]
        : [resetOf(tokenId)];
}

/** The live tokens of the resource's name that its state does not hold. */
function unheldLiveTokens(resource: RecordedResource): number[] {
    const held = [resource.outputs.tokenId, resource.outputs.previousTokenId];
    return stack.emulator
        .listTokens(ACCOUNT)
        .filter((t) => t.name === inputs.name && stack.emulator.isTokenValueLive(t.token) && !held.includes(t.id))
        .map((t) => t.id);
}

describe("ApiToken rotation through the dynamic-provider host", () => {
    useRotationStack();

    describe.each(rotations)("a rotation $kind", ({ program, rotated, days, expiring }) => {
        it("sends one reset that states the declared expiry (under the older rule, a token with an expiry gets a new token)", async () => {
            const resource = await create(program);
            const later = await daysLater(days);

            const up = await requestsOf(() => later.register("token", rotated, resource));

            expect(up.result.kind).toBe("update");
            expect(up.requests).toEqual(renewalRequests(resource.outputs.tokenId, expiring));
            const stated = stack.emulator.requests.find((r) => r.path.endsWith("/reset"))!.body;
            expect(stated).toEqual({ expires_at: expiring ? expect.any(String) : null });
        });

        it("leaves every live token of its name held by its state, and none with an expiry the program did not declare", async () => {
            const resource = await create(program);
            const later = await daysLater(days);

            const after = (await later.register("token", rotated, resource)).resource!;

            expect(unheldLiveTokens(after)).toEqual([]);
            const live = stack.emulator.getToken(ACCOUNT, after.outputs.tokenId as number)!;
            expect(live.expires_at === null).toBe(!expiring);
            expect(after.outputs.issuedExpiresAt).toBe(live.expires_at);
        });

        it("settles: the next preview is no change, and so is the one after a refresh", async () => {
            const resource = await create(program);
            const later = await daysLater(days);
            const after = (await later.register("token", rotated, resource)).resource!;

            const preview = await requestsOf(() => later.register("token", rotated, after, { preview: true }));
            expect(preview.result.kind).toBe("same");
            expect(preview.requests).toEqual([]);

            const refreshed = (await later.refresh(after))!;
            const afterRefresh = await requestsOf(() => later.register("token", rotated, refreshed, { preview: true }));
            expect(afterRefresh.result.kind).toBe("same");
            expect(afterRefresh.requests).toEqual([]);
        });
    });

    it("creates with one POST stating the expiry, and destroys with one DELETE per token the state must delete", async () => {
        const create = await requestsOf(() => stack.engine.register("token", inputs));
        expect(create.requests).toEqual([{ method: "POST", path: tokensPath }]);
        expect((stack.emulator.requests[0].body as { expires_at: unknown }).expires_at).toBeNull();

        const rotated = (await stack.engine.register("token", { ...inputs, rotate: "2" }, create.result.resource!)).resource!;
        const destroy = await requestsOf(() => stack.engine.destroy(rotated));
        // A reset's predecessor expires by itself at the end of its grace.
        expect(destroy.requests).toEqual([{ method: "DELETE", path: `${tokensPath}/${String(rotated.outputs.tokenId)}` }]);
    });
});
