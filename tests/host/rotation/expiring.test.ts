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
    resetOf,
} from "./support";
import { RESETS_EXPIRING_TOKENS } from "../../harness/apiModel";

/** What renews a token with an expiry: one reset; under the older rule a refused reset, one GET, then a new token. */
const renewalOf = (tokenId: unknown) =>
    RESETS_EXPIRING_TOKENS
        ? [resetOf(tokenId)]
        : [resetOf(tokenId), { method: "GET", path: `${tokensPath}/${String(tokenId)}` }, { method: "POST", path: tokensPath }];

describe("ApiToken rotation through the dynamic-provider host", () => {
    useRotationStack();

    describe("an expiring token (expiresAt set)", () => {
        const expiring = { ...inputs, expiresAt: new Date(T0 + 365 * DAY_MS).toISOString() };

        it("is rotated in an update when its trigger changes: a reset that keeps the expiry (a new token under the older rule), the old value working through the grace", async () => {
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
            expect(up.requests).toEqual(renewalOf(resource.outputs.tokenId));
            const outputs = up.result.resource!.outputs;
            expect(up.result.resource!.id).toBe(resource.id);
            expect(stack.emulator.getToken(ACCOUNT, outputs.tokenId as number)!.expires_at).toBe(expiring.expiresAt);
            expect(outputs.issuedExpiresAt).toBe(expiring.expiresAt);
            expect(stack.emulator.isTokenValueLive(outputs.token as string)).toBe(true);
            // Anything outside the stack still holding the old value keeps working through the grace period.
            expect(stack.emulator.isTokenValueLive(resource.outputs.token as string)).toBe(true);
            expect(outputs).toMatchObject({
                previousTokenId: resource.outputs.tokenId,
                previousTokenExpiresAt: new Date(T0 + 12 * HOUR_MS).toISOString(),
                previousTokenRetiredBy: RESETS_EXPIRING_TOKENS ? "expiry" : "delete",
                rotationCount: 1,
            });
        });

        it("settles after its rotation: the next preview is no change, also after a refresh", async () => {
            const resource = await create(expiring);
            const rotated = (await stack.engine.register("token", { ...expiring, rotate: "2" }, resource)).resource!;
            const refreshed = (await stack.engine.refresh(rotated))!;

            const preview = await requestsOf(() =>
                stack.engine.register("token", { ...expiring, rotate: "2" }, refreshed, { preview: true }),
            );
            expect(preview.result.kind).toBe("same");
            expect(preview.requests).toEqual([]);
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
            expect(up.requests).toEqual(renewalOf(resource.outputs.tokenId));
            expect(up.result.resource!.outputs.issuedAt).toBe(new Date(T0 + 31 * DAY_MS).toISOString());
        });
    });
});
