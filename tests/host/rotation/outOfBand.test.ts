/** Rotation through Pulumi's dynamic-provider host when the token was changed outside Pulumi. */
import { HOUR_MS, T0, ACCOUNT, stack, inputs, useRotationStack, requestsOf, outputOf, create, tokensPath } from "./support";

describe("ApiToken rotation through the dynamic-provider host", () => {
    useRotationStack();

    describe("changes made outside Pulumi", () => {
        it("recovers a token reset out of band: refresh shows it, the preview explains, the update issues a new token and leaves the successor alone", async () => {
            const resource = await create(inputs);
            const outOfBand = stack.emulator.resetToken(ACCOUNT, Number(resource.id));

            const refresh = await requestsOf(() => stack.engine.refresh(resource));
            expect(refresh.requests).toEqual([{ method: "GET", path: `${tokensPath}/${resource.id}` }]);
            const refreshed = refresh.result!;
            expect(refreshed.outputs.valueExpiresAt).toBe(new Date(T0 + 12 * HOUR_MS).toISOString());
            expect(refreshed.outputs.token).toBe(resource.outputs.token);
            expect(refreshed.outputs.tokenId).toBe(resource.outputs.tokenId);

            const preview = await requestsOf(() => stack.engine.register("token", inputs, refreshed, { preview: true }));
            expect(preview.result.kind).toBe("update");
            expect(preview.requests).toEqual([]);
            const notice = (await outputOf(stack.host, /reset outside Pulumi/)).split("\n").find((line) => /will rotate/.test(line));
            expect(notice).toMatch(/reset outside Pulumi/);
            expect(notice).toContain(`ApiToken "token"`);
            expect(notice).toContain(`"ci-sending"`);

            const up = await requestsOf(() => stack.engine.register("token", inputs, refreshed));
            expect(up.result.kind).toBe("update");
            // One create, one list to name the successor: the successor is never reset or deleted.
            expect(up.requests).toEqual([
                { method: "POST", path: tokensPath },
                { method: "GET", path: tokensPath },
            ]);
            const outputs = up.result.resource!.outputs;
            expect(stack.emulator.isTokenValueLive(outputs.token as string)).toBe(true);
            expect(outputs.token).toBe(stack.emulator.getToken(ACCOUNT, outputs.tokenId as number)!.token);
            expect(outputs.tokenId).not.toBe(outOfBand.id);
            expect(outputs.previousTokenId).toBe(resource.outputs.tokenId);
            expect(outputs.previousTokenExpiresAt).toBe(refreshed.outputs.valueExpiresAt);
            expect(outputs.valueExpiresAt).toBeNull();
            expect(up.result.resource!.id).toBe(resource.id);
            // Whoever reset it holds the successor's value: it stays live and unchanged, and is named.
            expect(stack.emulator.getToken(ACCOUNT, outOfBand.id)).toMatchObject({
                expires_at: outOfBand.expires_at,
                token: outOfBand.token,
            });
            const named = (await outputOf(stack.host, /new token \d+ is issued in its place/))
                .split("\n")
                .find((line) => /new token \d+ is issued in its place/.test(line));
            expect(named).toContain(`${outOfBand.id} "ci-sending" (last 4 digits ${outOfBand.token.slice(-4)})`);
            expect(named).toContain("left alone");

            // Recovered: the next preview is no change.
            const next = await stack.engine.register("token", inputs, up.result.resource!, { preview: true });
            expect(next.kind).toBe("same");
        });

        it("recovering from an out-of-band reset never takes over another resource's token of the same name and permissions", async () => {
            // Two resources of one stack (say, one per environment) declare identical tokens.
            const a = await create(inputs);
            const b = (await stack.engine.register("token-b", inputs)).resource!;
            const outOfBand = stack.emulator.resetToken(ACCOUNT, Number(a.id));
            const refreshed = (await stack.engine.refresh(a))!;

            const up = await requestsOf(() => stack.engine.register("token", inputs, refreshed));
            expect(up.result.kind).toBe("update");
            const outputs = up.result.resource!.outputs;
            // A ends with a live value of its own ...
            expect(stack.emulator.isTokenValueLive(outputs.token as string)).toBe(true);
            expect(outputs.tokenId).not.toBe(b.outputs.tokenId);
            expect(outputs.tokenId).not.toBe(outOfBand.id);
            // ... and B's token, which nobody reset, is untouched: still live, still without an expiry.
            expect(stack.emulator.getToken(ACCOUNT, b.outputs.tokenId as number)).toMatchObject({
                expires_at: null,
                token: b.outputs.token,
            });
            expect(stack.emulator.requests.map((r) => r.path)).not.toContain(`${tokensPath}/${String(b.outputs.tokenId)}/reset`);
        });

        it("recreates a token deleted out of band: refresh drops it, the next update creates it with one request", async () => {
            const resource = await create(inputs);
            expect(stack.emulator.deleteToken(ACCOUNT, Number(resource.id))).toBe(true);

            const refresh = await requestsOf(() => stack.engine.refresh(resource));
            expect(refresh.result).toBeUndefined();
            expect(refresh.requests).toEqual([{ method: "GET", path: `${tokensPath}/${resource.id}` }]);

            const up = await requestsOf(() => stack.engine.register("token", inputs, refresh.result));
            expect(up.result.kind).toBe("create");
            expect(up.requests).toEqual([{ method: "POST", path: tokensPath }]);
            const outputs = up.result.resource!.outputs;
            expect(outputs.tokenId).not.toBe(resource.outputs.tokenId);
            expect(stack.emulator.isTokenValueLive(outputs.token as string)).toBe(true);
        });
    });
});
