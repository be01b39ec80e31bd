import { CommandResult, E2EStack, E2EWorkspace, opsOf, requestLines } from "./support/pulumi";
import { IMPORTS, program, sha256, TOKEN_CONSUMER } from "./support/programs";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Rotation through the Pulumi CLI (today's API): by trigger, by age, of a fixed `expiresAt` and of
 * a rolling `expiresInDays` token, it is an update that resets the token once, stating the new
 * token's expiry, and updates what consumes the value in the same `pulumi up`; the API's grace
 * keeps the old value working and then expires it, so nothing is left to delete. A refresh keeps
 * the value, and destroy leaves only reset tokens already in their grace period. (settle.e2e.ts
 * checks that the stack settles after each kind.)
 */
describe("rotation through the Pulumi CLI", () => {
    const ws = new E2EWorkspace("rotation");
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    const live = (id: number) => ws.emulator.getToken(ws.accountId, id)!;

    /** A preview's text as the user sees it, kept for the README. */
    const recordPreview = (file: string, title: string, preview: CommandResult) =>
        ws.record(file, `# ${title}\n$ ${preview.command}\n${preview.output}`);

    beforeAll(() => ws.start());
    afterAll(() => ws.stop());

    describe("of a token without an expiry: an update", () => {
        let stack: E2EStack;
        const ids: number[] = [];
        let agePreview: CommandResult | undefined;

        beforeAll(async () => {
            const source = program(
                IMPORTS,
                TOKEN_CONSUMER,
                `const token = new ApiToken("ci-token", {
                    name: "e2e-rotation",
                    rotate: config.require("rotation"),
                    rotateAfterDays: 90,
                });
                const consumer = new TokenConsumer("consumer", { value: token.token });
                exports.tokenId = token.tokenId;
                exports.token = token.token;
                exports.issuedAt = token.issuedAt;
                exports.previousTokenId = token.previousTokenId;
                exports.previousTokenExpiresAt = token.previousTokenExpiresAt;
                exports.consumerHash = consumer.hash;`,
            );
            stack = await ws.project("rotation", source).newStack("dev");
            await stack.setConfig("rotation", "1");
            await stack.up();
            ids.push((await stack.outputs()).tokenId);
        });

        it("previews a `rotate` change as an update of the token and its consumer, without calling the API", async () => {
            await stack.setConfig("rotation", "2");
            const preview = await stack.preview();
            recordPreview(
                "preview-trigger.txt",
                "Rotation by trigger: `pulumi config set rotation 2` (the program passes it as `rotate`)",
                preview,
            );

            expect(opsOf(preview, "ci-token")).toEqual(["update"]);
            expect(opsOf(preview, "consumer")).toEqual(["update"]);
            expect(preview.summary).toMatchObject({ update: 2 });
            expect(preview.summary.replace ?? 0).toBe(0);
            expect(preview.stdout).toMatch(/~\s+.*mailtrap:ApiToken\s+ci-token\s+update\s+\[diff: ~rotate\]/);
            expect(preview.requests).toEqual([]);
        });

        it("resets the token once on `pulumi up` and updates the consumer in the same run", async () => {
            const [oldId] = ids;
            const up = await stack.up();
            const outputs = await stack.outputs({ showSecrets: true });
            ids.push(outputs.tokenId);

            expect(requestLines(up)).toEqual([`POST ${tokens()}/${oldId}/reset`]);
            expect(opsOf(up, "ci-token")).toEqual(["update"]);
            expect(opsOf(up, "consumer")).toEqual(["update"]);
            expect(outputs.tokenId).not.toBe(oldId);
            expect(outputs.token).toBe(live(outputs.tokenId).token);
            expect(outputs.consumerHash).toBe(sha256(outputs.token));
            expect(outputs.previousTokenId).toBe(oldId);
            // The old token keeps working for its grace period.
            expect(ws.emulator.isTokenValueLive(live(oldId).token)).toBe(true);
            expect(Date.parse(outputs.previousTokenExpiresAt)).toBeGreaterThan(Date.now() + 11 * HOUR_MS);
        });

        it("keeps the value through `pulumi refresh`, after which nothing is left to do", async () => {
            const before = await stack.stateOutputs("ci-token");
            const refresh = await stack.refresh();
            const after = await stack.stateOutputs("ci-token");

            expect(requestLines(refresh)).toEqual([`GET ${tokens()}/${before.tokenId}`]);
            expect(after.token).toBe(live(before.tokenId).token);
            expect(after).toEqual(before);
            const preview = await stack.preview({ expectNoChanges: true });
            expect(preview.requests).toEqual([]);
        });

        it("rotates by age: no change while the value is younger than rotateAfterDays, an update once it is older", async () => {
            const { issuedAt, tokenId } = await stack.outputs();
            const at = (days: number) => ({ MAILTRAP_PROVIDER_NOW: new Date(Date.parse(issuedAt) + days * DAY_MS).toISOString() });

            const young = await stack.preview({ expectNoChanges: true, env: at(89) });
            expect(opsOf(young, "ci-token")).toEqual(["same"]);

            const old = await stack.preview({ env: at(91) });
            agePreview = old;
            recordPreview("preview-age.txt", "Rotation by age: 91 days after the value was issued, rotateAfterDays 90", old);
            expect(opsOf(old, "ci-token")).toEqual(["update"]);
            expect(opsOf(old, "consumer")).toEqual(["update"]);
            // The engine shows no reason for this update: the provider says it, naming the resource, the token, the age and the limit.
            const notice = old.output.split("\n").find((line) => line.includes("will rotate")) ?? "";
            expect(notice).toContain('"ci-token"');
            expect(notice).toContain(String(tokenId));
            expect(notice).toMatch(/its value is 91\.0 days old and rotateAfterDays is 90/);
            expect(old.requests).toEqual([]);

            const up = await stack.up({ env: at(91) });
            const outputs = await stack.outputs({ showSecrets: true });
            ids.push(outputs.tokenId);
            expect(requestLines(up)).toEqual([`POST ${tokens()}/${tokenId}/reset`]);
            expect(opsOf(up, "consumer")).toEqual(["update"]);
            expect(outputs.token).toBe(live(outputs.tokenId).token);
            expect(outputs.consumerHash).toBe(sha256(outputs.token));
            expect(outputs.issuedAt).toBe(at(91).MAILTRAP_PROVIDER_NOW);

            // The new value is young again.
            await stack.preview({ expectNoChanges: true, env: at(91) });
        });

        // Once a bug: the outputs echo `resources: []` for a program that sets none, and the engine listed
        // the difference as `[diff: -resources]`, read as permissions being removed; check now fills it.
        it("names no input as changed in the age-rotation preview: nothing in the program changed", () => {
            const line = agePreview!.stdout.split("\n").find((l) => /ApiToken\s+ci-token\s+update/.test(l));
            expect(line).toBeDefined();
            expect(line).not.toMatch(/\[diff:/);
        });

        it("deletes the live token on `pulumi destroy` and leaves only the previous ones, each in its grace period", async () => {
            const liveId = ids[ids.length - 1];
            const destroy = await stack.destroy();

            expect(requestLines(destroy)).toEqual([`DELETE ${tokens()}/${liveId}`]);
            const left = ws.emulator.listTokens(ws.accountId).filter((t) => t.name === "e2e-rotation");
            expect(left.map((t) => t.id).sort()).toEqual(ids.slice(0, -1).sort());
            for (const token of left) {
                const expires = Date.parse(token.expires_at!);
                expect(expires).toBeGreaterThan(Date.now());
                expect(expires).toBeLessThanOrEqual(Date.now() + 12 * HOUR_MS);
            }
        });
    });

    describe("of a 90-day rolling token (expiresInDays): renewed once after day 75 by one reset, the old one expired by the API", () => {
        let stack: E2EStack;

        beforeAll(async () => {
            const source = program(
                IMPORTS,
                TOKEN_CONSUMER,
                `const token = new ApiToken("rolling", { name: "e2e-rolling", expiresInDays: 90 });
                const consumer = new TokenConsumer("consumer", { value: token.token });
                exports.tokenId = token.tokenId;
                exports.token = token.token;
                exports.issuedAt = token.issuedAt;
                exports.previousTokenId = token.previousTokenId;
                exports.previousTokenExpiresAt = token.previousTokenExpiresAt;
                exports.rotationCount = token.rotationCount;
                exports.rotationHistory = token.rotationHistory;
                exports.consumerHash = consumer.hash;`,
            );
            stack = await ws.project("rolling", source).newStack("dev");
            await stack.up();
        });

        it("renews at the first up after day 75 with one reset stating a new 90-day expiry, the preview saying why; the evidence gains an age entry", async () => {
            const first = await stack.outputs({ showSecrets: true });
            const at = (days: number) => ({ MAILTRAP_PROVIDER_NOW: new Date(Date.parse(first.issuedAt) + days * DAY_MS).toISOString() });
            expect(first.rotationCount).toBe(0);
            await stack.preview({ expectNoChanges: true, env: at(74) });

            const preview = await stack.preview({ env: at(76) });
            recordPreview("preview-rolling.txt", "A 90-day rolling token on day 76", preview);
            expect(opsOf(preview, "rolling")).toEqual(["update"]);
            expect(preview.output).toContain(
                `mailtrap: ApiToken "rolling" (Mailtrap token "e2e-rolling" ${first.tokenId}) will rotate: it is 76.0 days old, expires in 14.0 days: renewed with a new 90-day token`,
            );
            expect(preview.requests).toEqual([]);

            const up = await stack.up({ env: at(76) });
            const renewed = await stack.outputs({ showSecrets: true });
            // In whole seconds, as the API answers.
            const newExpiry = new Date(Math.floor(Date.parse(at(76 + 90).MAILTRAP_PROVIDER_NOW) / 1_000) * 1_000).toISOString();
            expect(requestLines(up)).toEqual([`POST ${tokens()}/${first.tokenId}/reset`]);
            expect(up.requests[0].body).toEqual({ expires_at: newExpiry });
            expect(opsOf(up, "consumer")).toEqual(["update"]);
            expect(renewed.consumerHash).toBe(sha256(renewed.token));
            expect(Date.parse(live(renewed.tokenId).expires_at!)).toBe(Date.parse(newExpiry));
            expect(renewed.previousTokenId).toBe(first.tokenId);
            expect(ws.emulator.isTokenValueLive(first.token)).toBe(true);
            expect(renewed.rotationCount).toBe(1);
            expect(renewed.rotationHistory.map((r: { cause: string }) => r.cause)).toEqual(["age", "created"]);

            // The reset's predecessor is the API's to expire: after its grace nothing is left to do.
            const afterGrace = { MAILTRAP_PROVIDER_NOW: new Date(Date.parse(renewed.previousTokenExpiresAt) + 60_000).toISOString() };
            const after = await stack.preview({ expectNoChanges: true, env: afterGrace });
            expect(after.requests).toEqual([]);
            const destroy = await stack.destroy();
            expect(requestLines(destroy)).toEqual([`DELETE ${tokens()}/${renewed.tokenId}`]);
        });
    });

    describe("of a token with a fixed expiry: one reset stating that expiry, the old one kept for the API's grace", () => {
        const expiresAt = new Date(Date.now() + 30 * DAY_MS).toISOString();
        let stack: E2EStack;

        beforeAll(async () => {
            const source = program(
                IMPORTS,
                TOKEN_CONSUMER,
                `const token = new ApiToken("contractor", {
                    name: "e2e-contractor",
                    expiresAt: "${expiresAt}",
                    rotate: config.require("rotation"),
                });
                const consumer = new TokenConsumer("consumer", { value: token.token });
                exports.tokenId = token.tokenId;
                exports.token = token.token;
                exports.previousTokenId = token.previousTokenId;
                exports.previousTokenExpiresAt = token.previousTokenExpiresAt;
                exports.consumerHash = consumer.hash;`,
            );
            stack = await ws.project("expiring", source).newStack("dev");
            await stack.setConfig("rotation", "1");
            await stack.up();
        });

        it("previews a `rotate` change as an update of the token and its consumer, saying why, without calling the API", async () => {
            await stack.setConfig("rotation", "2");
            const preview = await stack.preview();
            recordPreview("preview-expiring.txt", "Rotation of a token with an expiry: `pulumi config set rotation 2`", preview);

            expect(opsOf(preview, "contractor")).toEqual(["update"]);
            expect(opsOf(preview, "consumer")).toEqual(["update"]);
            expect(preview.summary.replace ?? 0).toBe(0);
            const notice = preview.output.split("\n").find((line) => line.includes("will rotate")) ?? "";
            expect(notice).toContain('"contractor"');
            expect(preview.requests).toEqual([]);
        });

        it("resets the token once, stating its fixed expiry, and updates the consumer; the old one keeps working for its grace", async () => {
            const { tokenId: oldId } = await stack.outputs();
            const up = await stack.up();
            const outputs = await stack.outputs({ showSecrets: true });

            expect(requestLines(up)).toEqual([`POST ${tokens()}/${oldId}/reset`]);
            expect(up.requests[0].body).toEqual({ expires_at: expiresAt });
            expect(opsOf(up, "contractor")).toEqual(["update"]);
            expect(opsOf(up, "consumer")).toEqual(["update"]);
            expect(outputs.tokenId).not.toBe(oldId);
            expect(live(outputs.tokenId).name).toBe("e2e-contractor");
            expect(Date.parse(live(outputs.tokenId).expires_at!)).toBe(Date.parse(expiresAt));
            expect(outputs.token).toBe(live(outputs.tokenId).token);
            expect(outputs.consumerHash).toBe(sha256(outputs.token));
            expect(outputs.previousTokenId).toBe(oldId);
            expect(ws.emulator.isTokenValueLive(live(oldId).token)).toBe(true);
            const graceEnd = Date.parse(outputs.previousTokenExpiresAt);
            expect(graceEnd).toBeGreaterThan(Date.now() + 11 * HOUR_MS);
            expect(graceEnd).toBeLessThanOrEqual(Date.now() + 12 * HOUR_MS);
        });

        it("has nothing to do after the old token's grace: the API expires it, nothing is deleted", async () => {
            const before = await stack.outputs({ showSecrets: true });
            const afterGrace = { MAILTRAP_PROVIDER_NOW: new Date(Date.parse(before.previousTokenExpiresAt) + 60_000).toISOString() };

            const preview = await stack.preview({ expectNoChanges: true, env: afterGrace });
            recordPreview("preview-expiring-retire.txt", "The first preview after the old token's grace", preview);
            expect(opsOf(preview, "contractor")).toEqual(["same"]);
            expect(preview.requests).toEqual([]);
        });

        it("deletes the live token on `pulumi destroy`; the reset predecessor is left to expire within its grace", async () => {
            await stack.setConfig("rotation", "3");
            await stack.up();
            const { tokenId, previousTokenId } = await stack.outputs();
            const destroy = await stack.destroy();

            expect(requestLines(destroy)).toEqual([`DELETE ${tokens()}/${tokenId}`]);
            const left = ws.emulator.listTokens(ws.accountId).filter((t) => t.name === "e2e-contractor");
            expect(left.map((t) => t.id)).toContain(previousTokenId);
            for (const token of left) expect(Date.parse(token.expires_at!)).toBeLessThanOrEqual(Date.now() + 12 * HOUR_MS);
        });
    });

    it("leaves the credential and every token value out of state files, PULUMI_HOME and CLI output", () => {
        expect(ws.leaks()).toEqual([]);
    });
});
