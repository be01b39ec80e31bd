import { Engine, RecordedResource } from "../harness/engine";
import { PropertyMap, ProviderHost } from "../harness/providerHost";
import { startStack, TestStack } from "../harness/stack";

/**
 * Rotation through Pulumi's dynamic-provider host and the emulator: schedules, triggers, expiring
 * tokens, grace periods and out-of-band changes. Time is the provider clock (MAILTRAP_PROVIDER_NOW,
 * read when a host configures) and the emulator's manual clock, kept in step. Every `pulumi up`
 * "days later" is a new host process, as it is with the Pulumi CLI. Each step counts the requests
 * the emulator received.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** "Now" for the first `pulumi up`: whole milliseconds, so ages come out exact. */
const T0 = Date.parse("2031-03-01T09:00:00.000Z");
const ACCOUNT = 3229;

/** What the provider prints when a preview renews a token's value (rotation or rotation by replacement). */
const ROTATION_NOTICE = /will (rotate|be replaced)/;

describe("ApiToken rotation through the dynamic-provider host", () => {
    let stack: TestStack;
    let laterHosts: ProviderHost[] = [];

    const inputs: PropertyMap = {
        name: "ci-sending",
        resources: [{ resourceType: "project", resourceId: 42, accessLevel: "viewer" }],
        rotate: "1",
    };

    beforeEach(async () => {
        stack = await startStack({ hostEnv: { MAILTRAP_PROVIDER_NOW: new Date(T0).toISOString() } });
        stack.emulator.setNow(T0);
    });
    afterEach(async () => {
        await Promise.all(laterHosts.map((host) => host.stop()));
        laterHosts = [];
        await stack.stop();
    });

    /** A later `pulumi up`: a new host whose provider clock reads T0 + days; the emulator's clock moves along. */
    async function daysLater(days: number): Promise<Engine> {
        const now = T0 + days * DAY_MS;
        const host = await ProviderHost.start({
            env: {
                MAILTRAP_API_TOKEN: undefined,
                MAILTRAP_ACCOUNT_ID: undefined,
                MAILTRAP_BASE_URL: undefined,
                MAILTRAP_PROVIDER_NOW: new Date(now).toISOString(),
            },
        });
        laterHosts.push(host);
        await host.configure(stack.config);
        stack.emulator.setNow(now);
        return new Engine(host, stack.engine.serializedProvider);
    }

    /** Runs a step and returns what it returned and the requests it made, in order. */
    async function requestsOf<T>(step: () => Promise<T>): Promise<{ result: T; requests: { method: string; path: string }[] }> {
        stack.emulator.clearRequests();
        const result = await step();
        return { result, requests: stack.emulator.requests.map(({ method, path }) => ({ method, path })) };
    }

    /**
     * What a host printed, once it has arrived: the provider's console output and the gRPC answer
     * travel on different pipes. With a pattern, waits (bounded) for it; without one, waits for a
     * marker line the provider prints after everything before it, so nothing in flight is missed.
     */
    async function outputOf(host: ProviderHost, expected?: RegExp): Promise<string> {
        if (!expected) {
            return outputBefore(host, await printMarker(host));
        }
        const deadline = Date.now() + 5000;
        while (Date.now() < deadline && !expected.test(host.output())) {
            await new Promise((resolve) => setTimeout(resolve, 25));
        }
        return host.output();
    }

    let markers = 0;
    /** Has the provider print a line naming a fresh marker (a preview diff of a trigger change: no request). */
    async function printMarker(host: ProviderHost): Promise<string> {
        const marker = `output-marker-${++markers}`;
        const engine = new Engine(host, stack.engine.serializedProvider);
        const prior: RecordedResource = {
            urn: engine.urn(marker),
            id: "1",
            inputs: {},
            outputs: {
                name: marker,
                accountId: ACCOUNT,
                resources: [],
                expiresAt: null,
                rotate: "a",
                tokenId: 1,
                token: "x",
                issuedAt: new Date(T0).toISOString(),
            },
        };
        await engine.register(marker, { name: marker, rotate: "b" }, prior, { preview: true });
        return marker;
    }

    async function outputBefore(host: ProviderHost, marker: string): Promise<string> {
        const deadline = Date.now() + 5000;
        while (Date.now() < deadline && !host.output().includes(marker)) {
            await new Promise((resolve) => setTimeout(resolve, 25));
        }
        const output = host.output();
        expect(output).toContain(marker);
        return output.slice(0, output.indexOf(marker));
    }

    async function create(programInputs: PropertyMap): Promise<RecordedResource> {
        const step = await stack.engine.register("token", programInputs);
        expect(step.kind).toBe("create");
        return step.resource!;
    }

    const tokensPath = `/api/accounts/${ACCOUNT}/api_tokens`;
    const resetOf = (tokenId: unknown) => ({ method: "POST", path: `${tokensPath}/${String(tokenId)}/reset` });

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
            // One list to name the successor, one create: the successor is never reset or deleted.
            expect(up.requests).toEqual([
                { method: "GET", path: tokensPath },
                { method: "POST", path: tokensPath },
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
            expect(stack.emulator.getToken(ACCOUNT, outOfBand.id)).toMatchObject({ expires_at: null, token: outOfBand.token });
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
