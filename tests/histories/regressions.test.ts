/**
 * Histories that broke the rotation, each a named specification: the nine a review found (issue 25; each
 * fails on 47c9ee0 for the defect it names), those the random histories found, and the new behaviour they
 * led to (specified here; 47c9ee0 behaves otherwise without that defect). Each drives one stack in
 * process against the emulator (historyStack.ts).
 */
import { DAY_MS, Declaration, HistoryStack, HOUR_MS } from "./historyStack";

const PERMISSIONS = [{ resourceType: "project" as const, resourceId: 42, accessLevel: "viewer" as const }];
const TOKENS = "/api/accounts/3229/api_tokens";

let stack: HistoryStack;
afterEach(async () => stack && (await stack.stop()));

async function upOk(declaration: Declaration): Promise<void> {
    const result = await stack.up(declaration);
    if (!result.ok) throw result.error;
}
const requests = () => stack.emulator.requests.map((r) => `${r.method} ${r.path}`);
const live = (id: number) => stack.emulator.getToken(stack.emulator.accountId, id);

describe("1. a declared expiry under the older rule, whose reset takes no body", () => {
    it("issues a new token with the expiry once, then settles", async () => {
        stack = await HistoryStack.start("older");
        await upOk({ resources: PERMISSIONS });
        const declared = { resources: PERMISSIONS, expiresInDays: 30 };
        await upOk(declared);
        const state = stack.state!;
        expect(live(state.tokenId)!.expires_at).toBe(new Date(stack.now + 30 * DAY_MS).toISOString());
        expect(stack.notices.join("\n")).toMatch(/does not give a reset's successor the declared expiry/);
        expect(await stack.preview(declared)).toEqual({ changes: false, replaces: [] });
    });
});

describe("2. a teammate's reset in the UI, then an up whose own reset is answered 503", () => {
    it("tells the teammate's reset by its earlier end of grace and leaves the teammate's successor alone", async () => {
        stack = await HistoryStack.start("today");
        await upOk({ resources: PERMISSIONS, rotate: "1" });
        const teammates = stack.emulator.resetToken(stack.emulator.accountId, stack.state!.tokenId, null);
        stack.advance(HOUR_MS);
        stack.emulator.injectFault({ method: "POST", path: /\/reset$/, fault: { kind: "status", status: 503 } });
        stack.emulator.clearRequests();
        await upOk({ resources: PERMISSIONS, rotate: "2" });
        expect(requests().filter((r) => r.includes(`/${teammates.id}`))).toEqual([]);
        expect(stack.emulator.isTokenValueLive(teammates.token)).toBe(true);
        expect(live(teammates.id)!.expires_at).toBeNull();
        expect(stack.notices.join("\n")).toMatch(/was reset outside Pulumi/);
    });
});

describe("3. a lost reset of a token whose expiry is sooner than the grace", () => {
    it("issues a new token in the same up and names the successor nobody holds", async () => {
        stack = await HistoryStack.start("today");
        const declared = { resources: PERMISSIONS, expiresInDays: 1 };
        await upOk(declared);
        const first = stack.state!.tokenId;
        stack.advance(13 * HOUR_MS);
        stack.emulator.injectFault({ method: "POST", path: /\/reset$/, fault: { kind: "apply-then-drop" } });
        await upOk(declared);
        const successor = live(first)!.reset_to!;
        expect(stack.state!.tokenId).not.toBe(successor);
        expect(stack.notices.join("\n")).toContain(`${successor} "ci-sending"`);
        expect(await stack.preview(declared)).toEqual({ changes: false, replaces: [] });
    });
});

describe("4. expiresInDays: 1", () => {
    it("has a positive default schedule: an up an hour later changes nothing", async () => {
        stack = await HistoryStack.start("today");
        const declared = { resources: PERMISSIONS, expiresInDays: 1 };
        await upOk(declared);
        stack.advance(HOUR_MS);
        expect(await stack.preview(declared)).toEqual({ changes: false, replaces: [] });
        expect(stack.state!.nextRotationAt).toBe(new Date(stack.now - HOUR_MS + 12 * HOUR_MS).toISOString());
    });
});

describe("5. adopting a token another resource of the stack holds", () => {
    it("created by the holder earlier in the same up, is refused, naming the holder", async () => {
        stack = await HistoryStack.start("today");
        // No earlier up: the holder creates its token in this up, then the adopter asks for that token's id.
        const created = Math.max(...stack.emulator.listTokens(stack.emulator.accountId).map((t) => t.id)) + 1;
        const result = await stack.up({ resources: PERMISSIONS }, { adoptTokenId: created });
        expect(result.ok).toBe(true);
        expect(stack.state!.tokenId).toBe(created);
        expect(result.adoption).toMatchObject({
            ok: false,
            error: { message: expect.stringMatching(/ApiToken "token" of this stack holds it/) },
        });
    });

    it("registered before the holder, the holder's diff fails naming both, so two resources never hold one token unseen", async () => {
        stack = await HistoryStack.start("today");
        await upOk({ resources: PERMISSIONS });
        const result = await stack.up({ resources: PERMISSIONS }, { adoptTokenId: stack.state!.tokenId, first: true });
        expect(result).toMatchObject({
            ok: false,
            error: { message: expect.stringMatching(/which ApiToken "adopter" adopted in this update/) },
        });
    });
});

describe("6. expiresInDays raised from 90 to 180 on day 65", () => {
    it("renews at the live token's own schedule (day 75), with the new lifetime", async () => {
        stack = await HistoryStack.start("today");
        await upOk({ resources: PERMISSIONS, expiresInDays: 90 });
        const first = stack.state!.tokenId;
        stack.advance(65 * DAY_MS);
        const raised = { resources: PERMISSIONS, expiresInDays: 180 };
        expect(await stack.preview(raised)).toEqual({ changes: false, replaces: [] });
        await upOk(raised);
        expect(stack.state!.tokenId).toBe(first);
        stack.advance(11 * DAY_MS);
        await upOk(raised);
        expect(stack.state!.tokenId).not.toBe(first);
        expect(stack.state!.valueExpiresAt).toBe(new Date(stack.now + 180 * DAY_MS).toISOString());
    });
});

describe("7. an expiresAt within 5 × 365.25 days but past five calendar years", () => {
    it("is refused by check, before any request, naming the calendar limit", async () => {
        stack = await HistoryStack.start("today");
        // From 2032-03-01T09:00Z, five calendar years hold one 29 February: 1,826 days, to 2037-03-01T09:00Z;
        // 5 × 365.25 days reach 2037-03-01T15:00Z. The declared expiry lies between the two.
        stack.advance(366 * DAY_MS);
        expect(new Date(stack.now).toISOString()).toBe("2032-03-01T09:00:00.000Z");
        stack.emulator.clearRequests();
        const result = await stack.up({ resources: PERMISSIONS, expiresAt: "2037-03-01T12:00:00.000Z" });
        expect(result.ok).toBe(false);
        expect(requests()).toEqual([]);
        expect(result).toMatchObject({
            error: { message: expect.stringMatching(/5 calendar years ahead \(by 2037-03-01T09:00:00.000Z\)/) },
        });
    });
});

describe("8. two renewals within 12 hours", () => {
    it("keeps both predecessors in the state, each valid until its own grace ends (today's rule)", async () => {
        stack = await HistoryStack.start("today");
        await upOk({ resources: PERMISSIONS, rotate: "1" });
        const first = stack.state!.tokenId;
        stack.advance(HOUR_MS);
        await upOk({ resources: PERMISSIONS, rotate: "2" });
        const second = stack.state!.tokenId;
        stack.advance(HOUR_MS);
        await upOk({ resources: PERMISSIONS, rotate: "3" });
        expect(stack.state!.previousTokens.map((p) => p.tokenId)).toEqual([first, second]);
        expect(stack.emulator.isTokenValueLive(live(first)!.token)).toBe(true);
    });

    it("deletes no new-token predecessor before its grace ends (older rule)", async () => {
        stack = await HistoryStack.start("older");
        const declared = (rotate: string) => ({ resources: PERMISSIONS, expiresInDays: 30, rotate });
        await upOk(declared("1"));
        const first = stack.state!.tokenId;
        stack.advance(HOUR_MS);
        await upOk(declared("2"));
        stack.advance(HOUR_MS);
        stack.emulator.clearRequests();
        await upOk(declared("3"));
        expect(requests().filter((r) => r.startsWith("DELETE"))).toEqual([]);
        expect(stack.state!.previousTokens.map((p) => [p.tokenId, p.retiredBy])).toContainEqual([first, "delete"]);
        stack.advance(11 * HOUR_MS);
        stack.emulator.clearRequests();
        await upOk(declared("3"));
        expect(requests()).toContain(`DELETE ${TOKENS}/${first}`);
    });
});

describe("9. the live token deleted outside, then an up that renews it meets a 503 on the create", () => {
    it("fails once; the next up, without a refresh, succeeds", async () => {
        stack = await HistoryStack.start("today");
        await upOk({ resources: PERMISSIONS, rotate: "1" });
        stack.emulator.deleteToken(stack.emulator.accountId, stack.state!.tokenId);
        stack.emulator.injectFault({ method: "POST", path: /\/api_tokens$/, fault: { kind: "status", status: 503 }, times: 2 });
        expect((await stack.up({ resources: PERMISSIONS, rotate: "2" })).ok).toBe(false);
        stack.emulator.clearFaults();
        await upOk({ resources: PERMISSIONS, rotate: "2" });
        expect(stack.emulator.isTokenValueLive(stack.state!.token)).toBe(true);
    });
});

describe("found by the random histories", () => {
    it("under the older rule, a lost reset then a refused one is the older rule: the old token is kept to delete once the grace ends", async () => {
        stack = await HistoryStack.start("older");
        await upOk({ resources: PERMISSIONS, expiresInDays: 30, rotateAfterDays: 1 });
        const first = stack.state!.tokenId;
        stack.emulator.injectFault({ method: "POST", path: /\/reset$/, fault: { kind: "status", status: 503 } });
        await upOk({ resources: PERMISSIONS, expiresInDays: 1 });
        expect(stack.state!.tokenId).not.toBe(first);
        expect(stack.state!.previousTokens).toEqual([expect.objectContaining({ tokenId: first, retiredBy: "delete" })]);
        expect(stack.emulator.isTokenValueLive(live(first)!.token)).toBe(true);
    });

    it("a refresh that finds the live token deleted keeps a reset predecessor still in its grace", async () => {
        stack = await HistoryStack.start("today");
        await upOk({ resources: PERMISSIONS, rotate: "1" });
        const first = stack.state!.tokenId;
        await upOk({ resources: PERMISSIONS, rotate: "2" });
        stack.emulator.deleteToken(stack.emulator.accountId, stack.state!.tokenId);
        const refreshed = await stack.refresh();
        expect(refreshed.ok).toBe(true);
        expect(stack.state).toMatchObject({ tokenGone: true, previousTokens: [{ tokenId: first, retiredBy: "expiry" }] });
    });

    it("a reset answered not as asked, then a failed create, records the reset's successor (StepFailedAfterIssue)", async () => {
        stack = await HistoryStack.start("older");
        await upOk({ resources: PERMISSIONS });
        const first = stack.state!.tokenId;
        stack.emulator.injectFault({ method: "POST", path: /\/api_tokens$/, fault: { kind: "status", status: 422 } });
        const failed = await stack.up({ resources: PERMISSIONS, expiresInDays: 30 });
        expect(failed.ok).toBe(false);
        const successor = live(first)!.reset_to!;
        expect(stack.state).toMatchObject({ tokenId: successor, previousTokens: [{ tokenId: first, retiredBy: "expiry" }] });
        expect(stack.emulator.isTokenValueLive(stack.state!.token)).toBe(true);
    });
});

describe("new behaviour the random histories led to (specifications, not regressions: 47c9ee0 behaves otherwise without a defect)", () => {
    it("a reset lost twice (503 both times, nothing applied) keeps the old token in the state, to delete once its grace ends", async () => {
        stack = await HistoryStack.start("today");
        await upOk({ resources: PERMISSIONS, expiresInDays: 30, rotateAfterDays: 1 });
        const first = stack.state!.tokenId;
        stack.emulator.injectFault({ method: "POST", path: /\/reset$/, fault: { kind: "status", status: 503 }, times: 2 });
        await upOk({ resources: PERMISSIONS, rotateAfterDays: 1 });
        // Still valid for 30 days: the API expires nothing that was never reset.
        expect(live(first)!.reset_to).toBeUndefined();
        expect(stack.state!.previousTokens).toEqual([expect.objectContaining({ tokenId: first, retiredBy: "delete" })]);
        stack.advance(13 * HOUR_MS);
        stack.emulator.clearRequests();
        await upOk({ resources: PERMISSIONS, rotateAfterDays: 1 });
        expect(requests()).toEqual([`DELETE ${TOKENS}/${first}`]);
    });

    it("a delete that fails during an up fails the up after recording the state; the next up deletes it", async () => {
        stack = await HistoryStack.start("today");
        const declared = { resources: PERMISSIONS, expiresInDays: 30, rotateAfterDays: 1 };
        await upOk(declared);
        const expired = stack.state!.tokenId;
        stack.advance(40 * DAY_MS);
        stack.emulator.injectFault({ method: "DELETE", path: /\/api_tokens\/\d+$/, fault: { kind: "status", status: 503 }, times: 2 });
        const failed = await stack.up(declared);
        expect(failed).toMatchObject({ ok: false, error: { message: expect.stringMatching(/deleting expired token/) } });
        expect(stack.state!.previousTokens).toContainEqual(expect.objectContaining({ tokenId: expired, retiredBy: "delete" }));
        stack.emulator.clearRequests();
        await upOk(declared);
        expect(requests()).toEqual([`DELETE ${TOKENS}/${expired}`]);
    });
});
