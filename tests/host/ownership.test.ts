import { EmulatorToken, RequestLogEntry } from "../../provider/emulator/server";
import { Engine, RecordedResource } from "../harness/engine";
import { PropertyMap, ProviderHost, ProviderOperationError } from "../harness/providerHost";
import { startStack, TestStack } from "../harness/stack";
import { RESETS_EXPIRING_TOKENS } from "../harness/apiModel";

/**
 * Touch only what the stack holds. Several stacks share one Mailtrap account, one credential and
 * the same token names, so a name, permissions or an id never prove a token is this stack's. Each
 * case puts another stack's same-named token in the account (made directly in the emulator: this
 * provider process has never seen it) and checks that no request resets, deletes or reads by id a
 * token outside the resource's own state or what its own create or reset just made.
 */
const ACCOUNT = 3229;
const TOKENS = `/api/accounts/${ACCOUNT}/api_tokens`;
const CONFIG = { "mailtrap:requestTimeoutMs": "500", "mailtrap:maxRetries": "2", "mailtrap:operationTimeoutMs": "5000" };
const PERMISSIONS = [{ resourceType: "project", resourceId: 42, accessLevel: "viewer" }];
const INPUTS: PropertyMap = { name: "ci-sending", resources: PERMISSIONS, rotate: "1" };

/** The token ids a request addresses (GET, DELETE or reset of one token), with what it did. */
function addressed(entries: RequestLogEntry[]): { id: number; action: string }[] {
    return entries.flatMap((entry) => {
        const match = /\/api_tokens\/(\d+)(\/reset)?$/.exec(entry.path);
        return match ? [{ id: Number(match[1]), action: match[2] ? "reset" : entry.method }] : [];
    });
}

describe("a stack touches only the tokens its state holds", () => {
    let stack: TestStack;
    let otherStacksToken: EmulatorToken;
    let extraHosts: ProviderHost[] = [];

    beforeEach(async () => {
        stack = await startStack({ config: CONFIG });
        // Another stack's live token: same account, credential, name and permissions.
        otherStacksToken = stack.emulator.createToken(ACCOUNT, {
            name: "ci-sending",
            resources: [{ resource_type: "project", resource_id: 42, access_level: 10 }],
            expires_at: null,
        });
        stack.emulator.clearRequests();
    });
    afterEach(async () => {
        await Promise.all(extraHosts.map((host) => host.stop()));
        extraHosts = [];
        await stack.stop();
    });

    /** A later `pulumi up`: a fresh provider process that has seen nothing yet. */
    async function freshProcess(): Promise<Engine> {
        const host = await ProviderHost.start({
            env: { MAILTRAP_API_TOKEN: undefined, MAILTRAP_ACCOUNT_ID: undefined, MAILTRAP_BASE_URL: undefined },
        });
        extraHosts.push(host);
        await host.configure(stack.config);
        return new Engine(host, stack.engine.serializedProvider);
    }

    function expectOtherStacksTokenUntouched(): void {
        expect(stack.emulator.getToken(ACCOUNT, otherStacksToken.id)).toMatchObject({ expires_at: null, token: otherStacksToken.token });
        expect(addressed(stack.emulator.requests).filter((r) => r.id === otherStacksToken.id)).toEqual([]);
    }

    async function outputMatching(host: ProviderHost, pattern: RegExp): Promise<string> {
        const deadline = Date.now() + 5000;
        while (Date.now() < deadline && !pattern.test(host.output())) {
            await new Promise((resolve) => setTimeout(resolve, 25));
        }
        return (
            host
                .output()
                .split("\n")
                .find((line) => pattern.test(line)) ?? ""
        );
    }

    describe("a create whose answer is lost", () => {
        it("never deletes another stack's token in a fresh process (lost before reaching the API); it creates once more and names the look-alike", async () => {
            const engine = await freshProcess();
            stack.emulator.injectFault({ method: "POST", path: /\/api_tokens$/, fault: { kind: "reset" } });

            const step = await engine.register("token", INPUTS);

            expect(step.kind).toBe("create");
            expect(stack.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
                `POST ${TOKENS}`,
                `POST ${TOKENS}`,
                `GET ${TOKENS}`,
            ]);
            expect(stack.emulator.requestCount({ method: "DELETE" })).toBe(0);
            expectOtherStacksTokenUntouched();
            const line = await outputMatching(engine.host, /left in place/);
            expect(line).toContain(`ApiToken "token"`);
            expect(line).toContain(`${otherStacksToken.id} "ci-sending" (last 4 digits ${otherStacksToken.token.slice(-4)})`);
            expect(line).toContain("last4Digits");
        });

        it("leaves the token a lost create made in place, names it, and ends with one token whose value state holds", async () => {
            stack.emulator.injectFault({ method: "POST", path: /\/api_tokens$/, fault: { kind: "apply-then-drop" } });

            const step = await stack.engine.register("token", INPUTS);

            const outputs = step.resource!.outputs;
            expect(stack.emulator.isTokenValueLive(outputs.token as string)).toBe(true);
            expect(stack.emulator.requestCount({ method: "DELETE" })).toBe(0);
            const leftover = stack.emulator
                .listTokens(ACCOUNT)
                .find((t) => t.id !== otherStacksToken.id && t.id !== outputs.tokenId && t.name === "ci-sending")!;
            expect(leftover).toBeDefined();
            const line = await outputMatching(stack.host, /left in place/);
            expect(line).toContain(`${leftover.id} "ci-sending"`);
            expectOtherStacksTokenUntouched();
        });

        it("gives up after two creates with a message naming what may be left, deleting nothing", async () => {
            stack.emulator.injectFault({ method: "POST", path: /\/api_tokens$/, times: 2, fault: { kind: "apply-then-drop" } });

            const failure = await stack.engine.register("token", INPUTS).catch((error: ProviderOperationError) => error);

            expect(failure).toBeInstanceOf(ProviderOperationError);
            const message = (failure as ProviderOperationError).details;
            expect(message).toMatch(
                /^mailtrap: ApiToken "token" \(Mailtrap token "ci-sending"\): create API token "ci-sending" in account 3229 failed/,
            );
            expect(message).toContain("left in place");
            expect(stack.emulator.requestCount({ method: "POST" })).toBe(2);
            expect(stack.emulator.requestCount({ method: "DELETE" })).toBe(0);
            const made = stack.emulator.listTokens(ACCOUNT).filter((t) => t.name === "ci-sending" && t.id !== otherStacksToken.id);
            expect(made).toHaveLength(2);
            for (const token of made) {
                expect(message).toContain(`${token.id} "ci-sending"`);
            }
            expectOtherStacksTokenUntouched();
        });
    });

    describe("a token reset outside Pulumi", () => {
        async function createdThenResetOutside(): Promise<{ resource: RecordedResource; successor: EmulatorToken }> {
            const resource = (await stack.engine.register("token", INPUTS)).resource!;
            const successor = stack.emulator.resetToken(ACCOUNT, Number(resource.id));
            const refreshed = (await stack.engine.refresh(resource))!;
            stack.emulator.clearRequests();
            return { resource: refreshed, successor };
        }

        it("gets a new token in its place: neither the successor nor another stack's look-alike is reset or deleted", async () => {
            const { resource, successor } = await createdThenResetOutside();

            const step = await (await freshProcess()).register("token", INPUTS, resource);

            expect(step.kind).toBe("update");
            expect(stack.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${TOKENS}`, `GET ${TOKENS}`]);
            expect(stack.emulator.getToken(ACCOUNT, successor.id)).toMatchObject({
                expires_at: successor.expires_at,
                token: successor.token,
            });
            expectOtherStacksTokenUntouched();
            expect(stack.emulator.isTokenValueLive(step.resource!.outputs.token as string)).toBe(true);
        });

        it("after a reset this process's own update lost, with another stack's look-alike present, touches neither candidate", async () => {
            const resource = (await stack.engine.register("token", INPUTS)).resource!;
            // The other stack's token is newer than this one, so it too could be the successor.
            const newer = stack.emulator.createToken(ACCOUNT, {
                name: "ci-sending",
                resources: [{ resource_type: "project", resource_id: 42, access_level: 10 }],
                expires_at: null,
            });
            stack.emulator.clearRequests();
            stack.emulator.injectFault({ method: "POST", path: /\/reset$/, fault: { kind: "apply-then-drop" } });

            const step = await stack.engine.register("token", { ...INPUTS, rotate: "2" }, resource);

            const touched = addressed(stack.emulator.requests);
            expect(touched).toEqual([
                { id: Number(resource.id), action: "reset" },
                { id: Number(resource.id), action: "GET" },
            ]);
            expect(stack.emulator.getToken(ACCOUNT, newer.id)).toMatchObject({ expires_at: null, token: newer.token });
            const outputs = step.resource!.outputs;
            expect(stack.emulator.isTokenValueLive(outputs.token as string)).toBe(true);
            expect(outputs.previousTokenId).toBe(resource.outputs.tokenId);
            const line = await outputMatching(stack.host, /nothing proves which/);
            expect(line).toContain(`${newer.id} "ci-sending"`);
        });

        it("after a reset this process's own update lost, deletes the one successor above every id it held (proven its own), then issues a new token", async () => {
            const resource = (await stack.engine.register("token", INPUTS)).resource!;
            stack.emulator.clearRequests();
            stack.emulator.injectFault({ method: "POST", path: /\/reset$/, fault: { kind: "apply-then-drop" } });

            const step = await stack.engine.register("token", { ...INPUTS, rotate: "2" }, resource);

            const successor = stack.emulator.getToken(ACCOUNT, Number(resource.id))!.reset_to!;
            expect(addressed(stack.emulator.requests)).toEqual([
                { id: Number(resource.id), action: "reset" },
                { id: Number(resource.id), action: "GET" },
                { id: successor, action: "DELETE" },
            ]);
            expect(stack.emulator.getToken(ACCOUNT, successor)).toBeUndefined();
            expect(stack.emulator.isTokenValueLive(step.resource!.outputs.token as string)).toBe(true);
            expectOtherStacksTokenUntouched();
        });
    });

    describe("a process killed in the middle of a step", () => {
        it("a reset applied whose process died: the next up issues a new token and leaves the successor alone", async () => {
            const resource = (await stack.engine.register("token", INPUTS)).resource!;
            // The reset reached the API; the process that sent it is gone, with its answer.
            const orphanSuccessor = stack.emulator.resetToken(ACCOUNT, Number(resource.id));
            const next = await freshProcess();
            const refreshed = (await next.refresh(resource))!;
            stack.emulator.clearRequests();

            const step = await next.register("token", { ...INPUTS, rotate: "2" }, refreshed);

            expect(stack.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${TOKENS}`, `GET ${TOKENS}`]);
            expect(stack.emulator.isTokenValueLive(step.resource!.outputs.token as string)).toBe(true);
            expect(stack.emulator.getToken(ACCOUNT, orphanSuccessor.id)!.expires_at).toBe(orphanSuccessor.expires_at);
            expectOtherStacksTokenUntouched();
        });

        it("a create applied whose process died: the next up creates one token and touches nothing else", async () => {
            // The engine recorded only a pending create; the token it made exists with no owner.
            const leftover = stack.emulator.createToken(ACCOUNT, {
                name: "ci-sending",
                resources: [{ resource_type: "project", resource_id: 42, access_level: 10 }],
                expires_at: null,
            });
            const next = await freshProcess();
            stack.emulator.clearRequests();

            const step = await next.register("token", INPUTS);

            expect(stack.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${TOKENS}`]);
            expect(stack.emulator.isTokenValueLive(step.resource!.outputs.token as string)).toBe(true);
            expect(stack.emulator.getToken(ACCOUNT, leftover.id)).toMatchObject({ expires_at: null, token: leftover.token });
            expectOtherStacksTokenUntouched();
        });
    });

    describe("adoption", () => {
        async function adopted(extra: PropertyMap = {}): Promise<{ resource: RecordedResource; token: EmulatorToken }> {
            const token = stack.emulator.createToken(ACCOUNT, {
                name: "adopted",
                resources: [{ resource_type: "project", resource_id: 42, access_level: 10 }],
                expires_at: (extra.expiresAt as string | undefined) ?? null,
            });
            const step = await stack.engine.register("adopted", {
                name: "adopted",
                resources: PERMISSIONS,
                adoptTokenId: token.id,
                ...extra,
            });
            expect(stack.emulator.requests.at(-1)).toMatchObject({ method: "GET", path: `${TOKENS}/${token.id}` });
            return { resource: step.resource!, token };
        }

        it("a rename of an adopted token is a replacement that creates a new token, never adopting again", async () => {
            const { resource, token } = await adopted();
            stack.emulator.clearRequests();

            const step = await stack.engine.register(
                "adopted",
                { name: "renamed", resources: PERMISSIONS, adoptTokenId: token.id },
                resource,
            );

            expect(step.kind).toBe("replace");
            expect(stack.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${TOKENS}`, `DELETE ${TOKENS}/${token.id}`]);
            expect(step.resource!.outputs.name).toBe("renamed");
            expect(stack.emulator.isTokenValueLive(step.resource!.outputs.token as string)).toBe(true);
        });

        it("rotating an adopted token with an expiry resets it in an update (a new token under the older rule), the adopted one working through its grace", async () => {
            const expiresAt = new Date(stack.emulator.now() + 30 * 86_400_000).toISOString();
            const { resource, token } = await adopted({ expiresAt });
            stack.emulator.clearRequests();

            const step = await stack.engine.register(
                "adopted",
                { name: "adopted", resources: PERMISSIONS, adoptTokenId: token.id, expiresAt, rotate: "now" },
                resource,
            );

            expect(step.kind).toBe("update");
            expect(stack.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(
                RESETS_EXPIRING_TOKENS
                    ? [`POST ${TOKENS}/${token.id}/reset`]
                    : [`POST ${TOKENS}/${token.id}/reset`, `GET ${TOKENS}/${token.id}`, `POST ${TOKENS}`],
            );
            const outputs = step.resource!.outputs;
            expect(outputs.tokenId).not.toBe(token.id);
            expect(outputs.previousTokenId).toBe(token.id);
            expect(stack.emulator.isTokenValueLive(outputs.token as string)).toBe(true);
        });

        it("an adopted token that no longer exists fails the create with a message saying what to do", async () => {
            const { resource, token } = await adopted();
            stack.emulator.deleteToken(ACCOUNT, token.id);
            expect(await stack.engine.refresh(resource)).toBeUndefined();

            const failure = await (
                await freshProcess()
            )
                .register("adopted", { name: "adopted", resources: PERMISSIONS, adoptTokenId: token.id })
                .catch((error: ProviderOperationError) => error);

            expect((failure as ProviderOperationError).details).toBe(
                `mailtrap: ApiToken "adopted" (Mailtrap token "adopted") cannot adopt API token ${token.id} in account ${ACCOUNT}: no such token exists (it may have been deleted). Drop adoptTokenId to create a new token.`,
            );
        });
    });
});
