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
} from "./support";

describe("ApiToken rotation through the dynamic-provider host", () => {
    useRotationStack();

    describe("a rolling token (expiresInDays: 90)", () => {
        const rolling = { ...inputs, expiresInDays: 90 };

        it("is renewed once at the first up after day 75: a new 90-day token, no reset, the old one valid through its grace and retired after it", async () => {
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
            expect(up.requests).toEqual([{ method: "POST", path: tokensPath }]);
            const renewed = up.result.resource!;
            expect(renewed.id).toBe(resource.id);
            expect(stack.emulator.getToken(ACCOUNT, renewed.outputs.tokenId as number)!.expires_at).toBe(
                new Date(T0 + 166 * DAY_MS).toISOString(),
            );
            expect(renewed.outputs).toMatchObject({
                rotationCount: 1,
                previousTokenId: resource.outputs.tokenId,
                previousTokenExpiresAt: new Date(T0 + 76 * DAY_MS + 12 * HOUR_MS).toISOString(),
                previousTokenRetiredBy: "delete",
                nextRotationAt: new Date(T0 + 151 * DAY_MS).toISOString(),
            });
            expect((renewed.outputs.rotationHistory as { cause: string }[]).map((r) => r.cause)).toEqual(["age", "created"]);
            expect(stack.emulator.isTokenValueLive(resource.outputs.token as string)).toBe(true);

            // Within the grace: no change. After it: an update that retires the old token, and says so.
            const inGrace = await daysLater(76.25);
            expect((await requestsOf(() => inGrace.register("token", rolling, renewed))).requests).toEqual([]);
            const afterGrace = await daysLater(77);
            const retire = await requestsOf(() => afterGrace.register("token", rolling, renewed));
            expect(retire.result.kind).toBe("update");
            expect(retire.requests).toEqual([{ method: "DELETE", path: `${tokensPath}/${String(resource.outputs.tokenId)}` }]);
            expect(await outputOf(afterGrace.host, /retires previous token/)).toContain(
                `retires previous token ${String(resource.outputs.tokenId)}, grace ended`,
            );
            expect(retire.result.resource!.outputs.previousTokenId).toBeUndefined();
            expect(retire.result.resource!.outputs.rotationCount).toBe(1);
            expect(stack.emulator.isTokenValueLive(renewed.outputs.token as string)).toBe(true);
        });

        it("destroy deletes a renewed token's predecessor too: it stays valid until its own expiry", async () => {
            const resource = await create(rolling);
            const renewed = (await stack.engine.register("token", { ...rolling, rotate: "2" }, resource)).resource!;
            const destroy = await requestsOf(() => stack.engine.destroy(renewed));
            expect(destroy.requests).toEqual([
                { method: "DELETE", path: `${tokensPath}/${String(renewed.outputs.tokenId)}` },
                { method: "DELETE", path: `${tokensPath}/${String(resource.outputs.tokenId)}` },
            ]);
        });
    });
});
