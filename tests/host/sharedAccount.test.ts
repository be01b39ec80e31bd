import { Engine, RecordedResource } from "../harness/engine";
import { ProviderHost } from "../harness/providerHost";
import { startStack, TestStack } from "../harness/stack";

/**
 * Two stacks, one account: two provider processes with the same credential and account, each
 * creating, rotating and deleting 100 tokens of the same name at once. The emulator enforces one
 * limit for that credential while each process paces itself to that limit on its own, so 429s
 * happen and are retried. Every operation succeeds, no token is made twice, and each token is
 * reset and deleted exactly as its own stack's state says: no process touches the other's tokens.
 *
 * The limit is Mailtrap's 150 requests per 10 s at five times the speed (150 per 2 s), and each
 * provider is told so through its public setting (`mailtrap:requestsPer10Seconds`: 750): the same
 * contention in a fifth of the time. Pacing at the default 150 per 10 s is burst.test.ts's.
 */
const COUNT = 100;
const LIMIT = { requests: 150, windowMs: 2_000 };
const PACE = { "mailtrap:requestsPer10Seconds": String((LIMIT.requests * 10_000) / LIMIT.windowMs) };
const ACCOUNT = 3229;
const INPUTS = { name: "ci-sending", resources: [{ resourceType: "project", resourceId: 42, accessLevel: "viewer" }] };

describe("two stacks sharing one account, credential and token name", () => {
    let stack: TestStack;
    let secondHost: ProviderHost;

    beforeAll(async () => {
        stack = await startStack({ config: PACE });
        stack.emulator.setRateLimit(LIMIT);
        secondHost = await ProviderHost.start({
            env: { MAILTRAP_API_TOKEN: undefined, MAILTRAP_ACCOUNT_ID: undefined, MAILTRAP_BASE_URL: undefined },
        });
        await secondHost.configure(stack.config);
    }, 60_000);
    afterAll(async () => {
        await secondHost?.stop();
        await stack?.stop();
    });

    /** One stack's `pulumi up` (create), `pulumi up` (rotate) and `pulumi destroy` of COUNT tokens, all at once. */
    async function lifecycle(engine: Engine, stackName: string): Promise<{ created: RecordedResource[]; rotated: RecordedResource[] }> {
        const names = Array.from({ length: COUNT }, (_, i) => `${stackName}-${i}`);
        const created = await Promise.all(names.map((name) => engine.register(name, { ...INPUTS, rotate: "1" }).then((s) => s.resource!)));
        const rotated = await Promise.all(
            created.map((resource, i) => engine.register(names[i], { ...INPUTS, rotate: "2" }, resource).then((s) => s.resource!)),
        );
        await Promise.all(rotated.map((resource) => engine.destroy(resource)));
        return { created, rotated };
    }

    it(`each stack creates, rotates and deletes ${COUNT} same-named tokens, touching only its own`, async () => {
        stack.emulator.clearRequests();
        const [dev, prod] = await Promise.all([
            lifecycle(stack.engine, "dev"),
            lifecycle(new Engine(secondHost, stack.engine.serializedProvider), "prod"),
        ]);

        const requests = stack.emulator.requests.filter((r) => r.status !== 429);
        const originals = [...dev.created, ...prod.created].map((r) => r.outputs.tokenId as number);
        const successors = [...dev.rotated, ...prod.rotated].map((r) => r.outputs.tokenId as number);
        // No duplicate: one create per resource, each a distinct token; one reset each, into a distinct successor.
        expect(new Set(originals).size).toBe(2 * COUNT);
        expect(new Set(successors).size).toBe(2 * COUNT);
        expect(requests.filter((r) => r.method === "POST" && /\/api_tokens$/.test(r.path))).toHaveLength(2 * COUNT);
        // Each original reset once, by the stack whose state held it; each successor deleted once; nothing else addressed.
        const resets = requests.filter((r) => r.path.endsWith("/reset")).map((r) => Number(r.path.split("/")[5]));
        const deletes = requests.filter((r) => r.method === "DELETE").map((r) => Number(r.path.split("/").pop()));
        expect(resets.sort()).toEqual([...originals].sort());
        expect(deletes.sort()).toEqual([...successors].sort());
        expect(requests.filter((r) => r.method === "GET")).toEqual([]);
        [...dev.rotated, ...prod.rotated].forEach((resource, i) => {
            expect(resource.outputs.previousTokenId).toBe(originals[i]);
        });
        // What remains: the originals, expiring at the end of their grace period.
        const left = stack.emulator.listTokens(ACCOUNT).filter((t) => t.name === "ci-sending");
        expect(left.map((t) => t.id).sort()).toEqual([...originals].sort());
        expect(left.every((t) => t.expires_at !== null)).toBe(true);
        console.log(
            `two stacks: ${stack.emulator.requests.length} requests, ${stack.emulator.requests.length - requests.length} answered 429 and retried`,
        );
    }, 240_000);
});
