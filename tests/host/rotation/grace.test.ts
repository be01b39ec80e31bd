/** Rotation through Pulumi's dynamic-provider host: the grace period during which the old value still works. */
import { RecordedResource } from "../../harness/engine";
import { HOUR_MS, T0, ACCOUNT, stack, inputs, useRotationStack, requestsOf, create, tokensPath } from "./support";

describe("ApiToken rotation through the dynamic-provider host", () => {
    useRotationStack();

    describe("grace period", () => {
        async function rotated(): Promise<{ original: RecordedResource; rotated: RecordedResource }> {
            const original = await create(inputs);
            const step = await stack.engine.register("token", { ...inputs, rotate: "2" }, original);
            expect(step.kind).toBe("update");
            return { original, rotated: step.resource! };
        }

        it("keeps the previous value working until previousTokenExpiresAt, and not after", async () => {
            const { original, rotated: resource } = await rotated();
            const outputs = resource.outputs;
            expect(outputs.previousTokenId).toBe(original.outputs.tokenId);
            const graceEnd = Date.parse(outputs.previousTokenExpiresAt as string);
            expect(graceEnd).toBe(T0 + 12 * HOUR_MS);
            // The provider's account of the grace matches the API's.
            expect(stack.emulator.getToken(ACCOUNT, outputs.previousTokenId as number)!.expires_at).toBe(outputs.previousTokenExpiresAt);

            expect(stack.emulator.isTokenValueLive(original.outputs.token as string)).toBe(true);
            stack.emulator.setNow(graceEnd);
            expect(stack.emulator.isTokenValueLive(original.outputs.token as string)).toBe(true);
            stack.emulator.setNow(graceEnd + 1);
            expect(stack.emulator.isTokenValueLive(original.outputs.token as string)).toBe(false);
            expect(stack.emulator.isTokenValueLive(outputs.token as string)).toBe(true);
        });

        it("destroy deletes only the live token and leaves the previous one to expire by itself", async () => {
            const { original, rotated: resource } = await rotated();

            const destroy = await requestsOf(() => stack.engine.destroy(resource));
            expect(destroy.requests).toEqual([{ method: "DELETE", path: `${tokensPath}/${String(resource.outputs.tokenId)}` }]);
            expect(stack.emulator.getToken(ACCOUNT, resource.outputs.tokenId as number)).toBeUndefined();
            expect(stack.emulator.isTokenValueLive(resource.outputs.token as string)).toBe(false);

            const previous = stack.emulator.getToken(ACCOUNT, original.outputs.tokenId as number);
            expect(previous).toBeDefined();
            expect(previous!.expires_at).toBe(resource.outputs.previousTokenExpiresAt);
            expect(stack.emulator.isTokenValueLive(original.outputs.token as string)).toBe(true);
            stack.emulator.setNow(Date.parse(resource.outputs.previousTokenExpiresAt as string) + 1);
            expect(stack.emulator.isTokenValueLive(original.outputs.token as string)).toBe(false);
        });
    });
});
