/**
 * Rotation of an expiring token (expiresAt set) through Pulumi's dynamic-provider host and the emulator,
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

    describe("an expiring token (expiresAt set)", () => {
        const expiring = { ...inputs, expiresAt: new Date(T0 + 365 * DAY_MS).toISOString() };

        it("is rotated in an update when its trigger changes: a new token with the same expiry, the old one kept for the grace period", async () => {
            const resource = await create(expiring);
            expect(stack.emulator.getToken(ACCOUNT, Number(resource.id))!.expires_at).toBe(expiring.expiresAt);

            const preview = await requestsOf(() =>
                stack.engine.register("token", { ...expiring, rotate: "2" }, resource, { preview: true }),
            );
            expect(preview.result.kind).toBe("update");
            expect(preview.result.diff).toMatchObject({ changes: "some", replaces: [] });
            expect(preview.requests).toEqual([]);

            const up = await requestsOf(() => stack.engine.register("token", { ...expiring, rotate: "2" }, resource));
            expect(up.result.kind).toBe("update");
            expect(up.requests).toEqual([{ method: "POST", path: tokensPath }]);
            const outputs = up.result.resource!.outputs;
            expect(up.result.resource!.id).toBe(resource.id);
            expect(stack.emulator.getToken(ACCOUNT, outputs.tokenId as number)!.expires_at).toBe(expiring.expiresAt);
            expect(stack.emulator.isTokenValueLive(outputs.token as string)).toBe(true);
            // Anything outside the stack still holding the old value keeps working through the grace period.
            expect(stack.emulator.isTokenValueLive(resource.outputs.token as string)).toBe(true);
            expect(outputs).toMatchObject({
                previousTokenId: resource.outputs.tokenId,
                previousTokenExpiresAt: new Date(T0 + 12 * HOUR_MS).toISOString(),
                previousTokenRetiredBy: "delete",
                rotationCount: 1,
            });
        });

        it("is rotated in an update when its age passes rotateAfterDays, and the preview says so", async () => {
            const scheduled = { ...expiring, rotateAfterDays: 30 };
            const resource = await create(scheduled);
            const later = await daysLater(31);

            const preview = await requestsOf(() => later.register("token", scheduled, resource, { preview: true }));
            expect(preview.result.kind).toBe("update");
            expect(preview.requests).toEqual([]);
            const notice = (await outputOf(later.host, /will rotate/)).split("\n").find((line) => /will rotate/.test(line));
            expect(notice).toContain(`ApiToken "token"`);
            expect(notice).toContain("31.0 days old");
            expect(notice).toContain("rotateAfterDays is 30");

            const up = await requestsOf(() => later.register("token", scheduled, resource));
            expect(up.requests).toEqual([{ method: "POST", path: tokensPath }]);
            expect(up.result.resource!.outputs.issuedAt).toBe(new Date(T0 + 31 * DAY_MS).toISOString());
        });
    });
});
