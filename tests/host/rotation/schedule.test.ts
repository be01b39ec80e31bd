/**
 * Rotation on a schedule (rotateAfterDays) through Pulumi's dynamic-provider host and the emulator. Time is
 * the provider clock (MAILTRAP_PROVIDER_NOW, read when a host configures) and the emulator's manual clock,
 * kept in step; every `pulumi up` "days later" is a new host process, as it is with the Pulumi CLI.
 */
import {
    DAY_MS,
    HOUR_MS,
    T0,
    ACCOUNT,
    ROTATION_NOTICE,
    stack,
    inputs,
    useRotationStack,
    daysLater,
    requestsOf,
    outputOf,
    create,
    resetOf,
} from "./support";

describe("ApiToken rotation through the dynamic-provider host", () => {
    useRotationStack();

    describe("on a schedule (rotateAfterDays)", () => {
        const scheduled = { ...inputs, rotateAfterDays: 30 };

        it("shows no change and makes no request while the value is younger than rotateAfterDays", async () => {
            const resource = await create(scheduled);
            const later = await daysLater(10);

            const preview = await requestsOf(() => later.register("token", scheduled, resource, { preview: true }));
            expect(preview.result.kind).toBe("same");
            expect(preview.result.diff).toMatchObject({ changes: "none", replaces: [] });
            expect(preview.requests).toEqual([]);

            const up = await requestsOf(() => later.register("token", scheduled, resource));
            expect(up.result.kind).toBe("same");
            expect(up.requests).toEqual([]);
            expect(up.result.resource!.outputs).toEqual(resource.outputs);

            expect(await outputOf(later.host)).not.toMatch(ROTATION_NOTICE);
        });

        it("rotates with one reset, as an update, once the value is older than rotateAfterDays, and the preview says why", async () => {
            const resource = await create(scheduled);
            const later = await daysLater(31);

            const preview = await requestsOf(() => later.register("token", scheduled, resource, { preview: true }));
            expect(preview.result.kind).toBe("update");
            expect(preview.result.diff).toMatchObject({ changes: "some", replaces: [] });
            expect(preview.requests).toEqual([]);
            const notice = (await outputOf(later.host, /will rotate/)).split("\n").find((line) => /will rotate/.test(line));
            expect(notice).toBeDefined();
            expect(notice).toContain(`"ci-sending"`);
            expect(notice).toContain(`ApiToken "token"`);
            expect(notice).toContain(`"ci-sending" ${String(resource.outputs.tokenId)}`);
            expect(notice).toContain("31.0 days old");
            expect(notice).toContain("rotateAfterDays is 30");

            const up = await requestsOf(() => later.register("token", scheduled, resource));
            expect(up.result.kind).toBe("update");
            expect(up.requests).toEqual([resetOf(resource.outputs.tokenId)]);

            const outputs = up.result.resource!.outputs;
            const successor = stack.emulator.getToken(ACCOUNT, outputs.tokenId as number)!;
            expect(successor).toBeDefined();
            expect(outputs.tokenId).not.toBe(resource.outputs.tokenId);
            expect(outputs.token).toBe(successor.token);
            expect(outputs.token).not.toBe(resource.outputs.token);
            expect(outputs.issuedAt).toBe(new Date(T0 + 31 * DAY_MS).toISOString());
            expect(outputs.previousTokenId).toBe(resource.outputs.tokenId);
            expect(outputs.previousTokenExpiresAt).toBe(new Date(T0 + 31 * DAY_MS + 12 * HOUR_MS).toISOString());
            expect(up.result.resource!.id).toBe(resource.id);

            // The new value is young again: the next preview on the same day is no change.
            const after = await later.register("token", scheduled, up.result.resource!, { preview: true });
            expect(after.kind).toBe("same");
        });

        it("makes one reset when the trigger changes and the schedule is due at once", async () => {
            const resource = await create(scheduled);
            const later = await daysLater(31);

            const preview = await requestsOf(() => later.register("token", { ...scheduled, rotate: "2" }, resource, { preview: true }));
            expect(preview.result.kind).toBe("update");
            expect(preview.requests).toEqual([]);

            const up = await requestsOf(() => later.register("token", { ...scheduled, rotate: "2" }, resource));
            expect(up.result.kind).toBe("update");
            expect(up.requests).toEqual([resetOf(resource.outputs.tokenId)]);
            expect(up.result.resource!.outputs).toMatchObject({ rotate: "2", previousTokenId: resource.outputs.tokenId });
            expect(stack.emulator.isTokenValueLive(up.result.resource!.outputs.token as string)).toBe(true);
        });

        it.each([5, 15])(
            "treats a change of rotateAfterDays alone (10 to 20) as no change when the value (%i days old) is not due",
            async (days) => {
                const resource = await create({ ...inputs, rotateAfterDays: 10 });
                const later = await daysLater(days);

                const diff = await requestsOf(() =>
                    later.host.diff(resource.id, resource.urn, resource.outputs, { ...resource.inputs, rotateAfterDays: 20 }),
                );
                expect(diff.result).toMatchObject({ changes: "none", replaces: [] });
                expect(diff.requests).toEqual([]);

                const preview = await requestsOf(() =>
                    later.register("token", { ...inputs, rotateAfterDays: 20 }, resource, { preview: true }),
                );
                expect(preview.result.kind).toBe("same");
                expect(preview.requests).toEqual([]);
                expect(await outputOf(later.host)).not.toMatch(ROTATION_NOTICE);
            },
        );
    });
});
