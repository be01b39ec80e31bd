import { startStack, TestStack } from "../harness/stack";

/**
 * 200 creates at once through one provider host, as one `pulumi up` of 200 tokens runs them, against
 * the API's limit of 150 requests per 10 s per credential, with the provider's default pacing.
 */
const COUNT = 200;
const LIMIT = { requests: 150, windowMs: 10_000 };

describe("a burst of parallel creates through one host", () => {
    let stack: TestStack;

    beforeAll(async () => {
        stack = await startStack();
        stack.emulator.setRateLimit(LIMIT);
    }, 60_000);
    afterAll(async () => {
        await stack?.stop();
    });

    it(`creates ${COUNT} tokens with no failure and no duplicate under ${LIMIT.requests} requests per ${LIMIT.windowMs / 1000} s`, async () => {
        const names = Array.from({ length: COUNT }, (_, i) => `burst-${String(i).padStart(3, "0")}`);
        stack.emulator.clearRequests();
        const started = Date.now();
        const outcomes = await Promise.allSettled(names.map((name) => stack.engine.register(name, { name })));
        const wallMs = Date.now() - started;

        const requests = stack.emulator.requests;
        const rateLimited = requests.filter((r) => r.status === 429).length;
        const failures = outcomes.flatMap((o, i) => (o.status === "rejected" ? [`${names[i]}: ${(o.reason as Error).message}`] : []));
        const perSecond = LIMIT.requests / (LIMIT.windowMs / 1000);
        const spanS = requests.length > 1 ? (requests[requests.length - 1].at - requests[0].at) / 1000 : 0;
        console.log(
            `burst: ${COUNT} creates in ${(wallMs / 1000).toFixed(1)} s wall time (rate-limit floor: ${COUNT} requests at ${perSecond}/s ≈ ` +
                `${(COUNT / perSecond).toFixed(1)} s); ${requests.length} requests over ${spanS.toFixed(1)} s, ${rateLimited} answered 429, ` +
                `${failures.length} failures`,
        );

        expect(failures).toEqual([]);
        const created = stack.emulator.listTokens(stack.emulator.accountId).filter((t) => t.name !== "Emulator admin");
        expect(created).toHaveLength(COUNT);
        expect(stack.emulator.listTokens(stack.emulator.accountId)).toHaveLength(COUNT + 1);
        // Each name exactly once, and each resource's state names its own token with its value.
        expect(created.map((t) => t.name).sort()).toEqual(names);
        outcomes.forEach((o, i) => {
            const resource = (o as PromiseFulfilledResult<Awaited<ReturnType<typeof stack.engine.register>>>).value.resource!;
            const token = created.find((t) => t.name === names[i])!;
            expect(resource.id).toBe(String(token.id));
            expect(resource.outputs.token).toBe(token.token);
        });
        // No create was repeated: one POST per token, plus a retry per 429 at most.
        const posts = requests.filter((r) => r.method === "POST");
        expect(posts.length - posts.filter((r) => r.status === 429).length).toBe(COUNT);
        expect(requests.filter((r) => r.method !== "POST")).toEqual([]);
        expect(rateLimited).toBeLessThanOrEqual(10);
    }, 90_000);
});
