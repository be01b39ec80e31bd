import { E2EStack, E2EWorkspace, opsOf, requestLines } from "./support/pulumi";
import { IMPORTS, program } from "./support/programs";
import { DAY_MS, Declared, HOUR_MS, resetsOf, unheldTokensNamed, unsettled } from "./support/settled";

/**
 * Issue 19's "Done when", through the real CLI under today's API: each rotation kind (trigger, age,
 * a fixed expiresAt, a rolling expiresInDays) is one reset stating the new token's expiry, after
 * which every live token of the resource's name is held by its state, `preview --expect-no-changes`
 * passes (and again after `refresh`), and no live token carries an expiry the program did not
 * declare. One stack goes through every step; the provider's and the emulator's clocks move together.
 */
describe("a stack settles after every rotation through the Pulumi CLI (today's API)", () => {
    const ws = new E2EWorkspace("settle");
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    // Whole seconds, as the API answers.
    const t0 = Math.floor(Date.now() / 1_000) * 1_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    /** Moves the emulator's clock to `days` after t0 and returns the provider's clock for the same instant. */
    const at = (days: number) => {
        ws.emulator.setNow(t0 + days * DAY_MS);
        return { MAILTRAP_PROVIDER_NOW: iso(t0 + days * DAY_MS) };
    };

    beforeAll(async () => {
        at(0);
        await ws.start();
    });
    afterAll(() => ws.stop());

    describe("four tokens: trigger, age, fixed expiresAt and rolling expiresInDays", () => {
        const fixedExpiry = iso(t0 + 200 * DAY_MS);
        const declared: Record<string, Declared> = {
            trigger: { name: "e2e-settle-trigger", expiry: { never: true } },
            aged: { name: "e2e-settle-aged", expiry: { never: true } },
            fixed: { name: "e2e-settle-fixed", expiry: { at: fixedExpiry } },
            rolling: { name: "e2e-settle-rolling", expiry: { rollingDays: 90 } },
        };
        let stack: E2EStack;
        let env = at(0);

        /** Settled now, `--expect-no-changes` without calling the API, and both again after a refresh. */
        async function expectSettled(): Promise<void> {
            expect(unsettled(ws, await stack.stateOutputsByName(), declared)).toEqual([]);
            expect((await stack.preview({ expectNoChanges: true, env })).requests).toEqual([]);
            await stack.refresh({ env });
            expect(unsettled(ws, await stack.stateOutputsByName(), declared)).toEqual([]);
            await stack.preview({ expectNoChanges: true, env });
        }

        /** The ids in state before a step, by resource name. */
        async function idsBefore(): Promise<Record<string, number>> {
            const states = await stack.stateOutputsByName();
            return Object.fromEntries(Object.entries(states).map(([name, s]) => [name, s.tokenId as number]));
        }

        beforeAll(async () => {
            const source = program(
                IMPORTS,
                `const rotation = config.require("rotation");
                new ApiToken("trigger", { name: "e2e-settle-trigger", rotate: rotation });
                new ApiToken("aged", { name: "e2e-settle-aged", rotateAfterDays: 60 });
                new ApiToken("fixed", { name: "e2e-settle-fixed", expiresAt: "${fixedExpiry}", rotate: rotation });
                new ApiToken("rolling", { name: "e2e-settle-rolling", expiresInDays: 90 });`,
            );
            stack = await ws.project("settle", source).newStack("dev");
            await stack.setConfig("rotation", "1");
        });

        it("creates each token stating its expiry (null, the fixed one, or 90 days on), then settles", async () => {
            const up = await stack.up({ env });

            const creates = up.requests.filter((r) => r.method === "POST").map((r) => r.body as Record<string, unknown>);
            expect(creates.map((b) => [b.name, b.expires_at]).sort()).toEqual(
                [
                    ["e2e-settle-aged", null],
                    ["e2e-settle-fixed", fixedExpiry],
                    ["e2e-settle-rolling", iso(t0 + 90 * DAY_MS)],
                    ["e2e-settle-trigger", null],
                ].sort(),
            );
            await expectSettled();
        });

        it("rotates by trigger a token without expiry and a fixed-expiry one: one reset each, stating null and the fixed expiry", async () => {
            const before = await idsBefore();
            await stack.setConfig("rotation", "2");

            const up = await stack.up({ env });

            expect(opsOf(up, "trigger")).toEqual(["update"]);
            expect(opsOf(up, "fixed")).toEqual(["update"]);
            expect(resetsOf(up).sort((a, b) => a.path.localeCompare(b.path))).toEqual(
                [
                    { path: `${tokens()}/${before.trigger}/reset`, body: { expires_at: null } },
                    { path: `${tokens()}/${before.fixed}/reset`, body: { expires_at: fixedExpiry } },
                ].sort((a, b) => a.path.localeCompare(b.path)),
            );
            expect(up.requests).toHaveLength(2);
            const states = await stack.stateOutputsByName();
            expect(states.trigger.previousTokenId).toBe(before.trigger);
            expect(states.fixed.previousTokenId).toBe(before.fixed);
            expect(states.fixed.previousTokenRetiredBy).toBe("expiry");
            await expectSettled();
        });

        it("rotates by age (day 61, rotateAfterDays 60): one reset stating no expiry, nothing else touched", async () => {
            const before = await idsBefore();
            env = at(61);

            const up = await stack.up({ env });

            expect(opsOf(up, "aged")).toEqual(["update"]);
            expect(requestLines(up)).toEqual([`POST ${tokens()}/${before.aged}/reset`]);
            expect(resetsOf(up)[0].body).toEqual({ expires_at: null });
            await expectSettled();
        });

        it("renews the rolling token after day 75 with one reset stating a new 90-day expiry, nothing to delete later", async () => {
            const before = await idsBefore();
            env = at(76);
            const preview = await stack.preview({ env });
            expect(opsOf(preview, "rolling")).toEqual(["update"]);

            const up = await stack.up({ env });

            expect(requestLines(up)).toEqual([`POST ${tokens()}/${before.rolling}/reset`]);
            expect(resetsOf(up)[0].body).toEqual({ expires_at: iso(t0 + (76 + 90) * DAY_MS) });
            const rolling = (await stack.stateOutputsByName()).rolling;
            expect(rolling.previousTokenId).toBe(before.rolling);
            expect(rolling.previousTokenRetiredBy).toBe("expiry");
            await expectSettled();
        });

        it("destroys every live token it holds; what is left are reset predecessors, each live at most for its grace", async () => {
            const held = await idsBefore();

            const destroy = await stack.destroy({ env });

            expect(requestLines(destroy).sort()).toEqual(
                Object.values(held)
                    .map((id) => `DELETE ${tokens()}/${id}`)
                    .sort(),
            );
            const graceEnd = ws.emulator.now() + 12 * HOUR_MS;
            for (const { name } of Object.values(declared)) {
                const left = ws.emulator.listTokens(ws.accountId).filter((t) => t.name === name);
                expect(
                    left.filter((t) => t.reset_to === undefined || t.expires_at === null || Date.parse(t.expires_at) > graceEnd),
                ).toEqual([]);
            }
        });
    });

    describe("a rolling token past its expiry whose DELETE fails", () => {
        const name = "e2e-settle-expired";
        // After the stack above: its clock moved on to day 76.
        const start = 100;
        let stack: E2EStack;

        beforeAll(async () => {
            const source = program(IMPORTS, `new ApiToken("expired", { name: "${name}", expiresInDays: 30 });`);
            stack = await ws.project("expired", source).newStack("dev");
            // Short retries: the 503 burst outlasts them at once.
            await stack.setConfig("mailtrap:maxRetries", "1");
            await stack.up({ env: at(start) });
        });

        it("is renewed anyway in a burst of 503s; the up fails after recording the new token and the expired one to delete, which the next up deletes", async () => {
            const { tokenId: expiredId } = await stack.stateOutputs("expired");
            const env = at(start + 31);
            ws.emulator.injectFault({ method: "DELETE", path: `/${expiredId}`, times: 2, fault: { kind: "status", status: 503 } });

            const up = await stack.up({ env, expectFailure: true });

            expect(requestLines(up)).toEqual([`DELETE ${tokens()}/${expiredId}`, `DELETE ${tokens()}/${expiredId}`, `POST ${tokens()}`]);
            expect(up.requests.map((r) => r.status)).toEqual([503, 503, 200]);
            expect(up.output).toContain(`deleting expired token ${expiredId} failed`);
            expect(up.output).toContain("the next pulumi up deletes it");
            // The engine recorded the partial update: the new token and its value, the expired token still held.
            const renewed = await stack.stateOutputs("expired");
            expect(renewed.tokenId).not.toBe(expiredId);
            expect(renewed.token).toBe(ws.emulator.getToken(ws.accountId, renewed.tokenId)!.token);
            expect(renewed.previousTokenId).toBe(expiredId);
            expect(renewed.previousTokenRetiredBy).toBe("delete");
            expect(ws.emulator.getToken(ws.accountId, expiredId)).toBeDefined();

            ws.emulator.clearFaults();
            const retire = await stack.up({ env });

            expect(requestLines(retire)).toEqual([`DELETE ${tokens()}/${expiredId}`]);
            expect(ws.emulator.getToken(ws.accountId, expiredId)).toBeUndefined();
            const states = await stack.stateOutputsByName();
            expect(states.expired.tokenId).toBe(renewed.tokenId);
            expect(states.expired.previousTokenId).toBeUndefined();
            expect(unheldTokensNamed(ws, name, states)).toEqual([]);
            expect(unsettled(ws, states, { expired: { name, expiry: { rollingDays: 30 } } })).toEqual([]);
            await stack.preview({ expectNoChanges: true, env });
            await stack.destroy({ env });
        });
    });

    it("leaves the credential and every token value out of state files, PULUMI_HOME and CLI output", () => {
        expect(ws.leaks()).toEqual([]);
    });
});
