/**
 * Rotation of a rolling token (expiresInDays) through Pulumi's dynamic-provider host and the emulator,
 * on the provider's and the emulator's clocks kept in step.
 */
import {
    DAY_MS,
    HOUR_MS,
    T0,
    ACCOUNT,
    stack,
    inputs,
    useRotationStack,
    daysLater,
    requestsOf,
    outputOf,
    create,
    tokensPath,
    resetOf,
} from "./support";
import { RESETS_EXPIRING_TOKENS } from "../../harness/apiModel";

describe("ApiToken rotation through the dynamic-provider host", () => {
    useRotationStack();

    describe("a rolling token (expiresInDays: 90)", () => {
        const rolling = { ...inputs, expiresInDays: 90 };

        it("is renewed once at the first up after day 75: one reset with a fresh 90-day expiry (a new token under the older rule), the old one valid through its grace", async () => {
            const resource = await create(rolling);
            expect(resource.outputs).toMatchObject({
                rotationCount: 0,
                nextRotationAt: new Date(T0 + 75 * DAY_MS).toISOString(),
                valueExpiresAt: new Date(T0 + 90 * DAY_MS).toISOString(),
            });
            expect(resource.outputs.rotationHistory).toEqual([
                {
                    tokenId: resource.outputs.tokenId,
                    last4Digits: resource.outputs.last4Digits,
                    issuedAt: new Date(T0).toISOString(),
                    cause: "created",
                },
            ]);

            // Day 74: nothing due, no request.
            const early = await daysLater(74);
            const quiet = await requestsOf(() => early.register("token", rolling, resource));
            expect(quiet.result.kind).toBe("same");
            expect(quiet.requests).toEqual([]);

            // Day 76: the preview says why, the up issues a new token with a fresh expiry.
            const later = await daysLater(76);
            const preview = await requestsOf(() => later.register("token", rolling, resource, { preview: true }));
            expect(preview.result.kind).toBe("update");
            expect(preview.requests).toEqual([]);
            const notice = (await outputOf(later.host, /renewed with a new 90-day token/))
                .split("\n")
                .find((line) => /renewed with a new 90-day token/.test(line));
            expect(notice).toBe(
                `mailtrap: ApiToken "token" (Mailtrap token "ci-sending" ${String(resource.outputs.tokenId)}) will rotate: it is 76.0 days old, expires in 14.0 days: renewed with a new 90-day token`,
            );
            const up = await requestsOf(() => later.register("token", rolling, resource));
            const oldId = resource.outputs.tokenId;
            expect(up.requests).toEqual(
                RESETS_EXPIRING_TOKENS
                    ? [resetOf(oldId)]
                    : [resetOf(oldId), { method: "GET", path: `${tokensPath}/${String(oldId)}` }, { method: "POST", path: tokensPath }],
            );
            const renewed = up.result.resource!;
            expect(renewed.id).toBe(resource.id);
            expect(stack.emulator.getToken(ACCOUNT, renewed.outputs.tokenId as number)!.expires_at).toBe(
                new Date(T0 + 166 * DAY_MS).toISOString(),
            );
            expect(renewed.outputs).toMatchObject({
                rotationCount: 1,
                previousTokenId: oldId,
                previousTokenExpiresAt: new Date(T0 + 76 * DAY_MS + 12 * HOUR_MS).toISOString(),
                previousTokenRetiredBy: RESETS_EXPIRING_TOKENS ? "expiry" : "delete",
                nextRotationAt: new Date(T0 + 151 * DAY_MS).toISOString(),
            });
            expect((renewed.outputs.rotationHistory as { cause: string }[]).map((r) => r.cause)).toEqual(["age", "created"]);
            expect(stack.emulator.isTokenValueLive(resource.outputs.token as string)).toBe(true);

            // Within the grace: no change. After it: a reset predecessor has expired by itself; a new
            // token's predecessor is deleted in an update that says so.
            const inGrace = await daysLater(76.25);
            expect((await requestsOf(() => inGrace.register("token", rolling, renewed))).requests).toEqual([]);
            const afterGrace = await daysLater(77);
            const retire = await requestsOf(() => afterGrace.register("token", rolling, renewed));
            expect(stack.emulator.isTokenValueLive(resource.outputs.token as string)).toBe(false);
            expect(stack.emulator.isTokenValueLive(renewed.outputs.token as string)).toBe(true);
            if (RESETS_EXPIRING_TOKENS) {
                expect(retire.result.kind).toBe("same");
                expect(retire.requests).toEqual([]);
                return;
            }
            expect(retire.result.kind).toBe("update");
            expect(retire.requests).toEqual([{ method: "DELETE", path: `${tokensPath}/${String(oldId)}` }]);
            expect(await outputOf(afterGrace.host, /retires previous token/)).toContain(
                `retires previous token ${String(oldId)}, grace ended`,
            );
            expect(retire.result.resource!.outputs.previousTokenId).toBeUndefined();
            expect(retire.result.resource!.outputs.rotationCount).toBe(1);
        });

        it("destroy deletes the live token, and a new token's predecessor too (it stays valid until its own expiry)", async () => {
            const resource = await create(rolling);
            const renewed = (await stack.engine.register("token", { ...rolling, rotate: "2" }, resource)).resource!;
            const destroy = await requestsOf(() => stack.engine.destroy(renewed));
            const live = { method: "DELETE", path: `${tokensPath}/${String(renewed.outputs.tokenId)}` };
            const predecessor = { method: "DELETE", path: `${tokensPath}/${String(resource.outputs.tokenId)}` };
            expect(destroy.requests).toEqual(RESETS_EXPIRING_TOKENS ? [live] : [live, predecessor]);
        });
    });
});
