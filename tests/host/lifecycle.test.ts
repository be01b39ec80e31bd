import { PropertyMap } from "../harness/providerHost";
import { RecordedResource } from "../harness/engine";
import { capturedProvider, startStack, TestStack } from "../harness/stack";

/**
 * The ApiToken lifecycle as the engine drives it: every call crosses Pulumi's dynamic-provider
 * host over gRPC with the provider serialized from the basic example. Each step counts the
 * requests the emulator received.
 */
describe("ApiToken through the dynamic-provider host", () => {
    let stack: TestStack;
    const inputs: PropertyMap = {
        name: "ci-sending",
        resources: [{ resourceType: "project", resourceId: 42, accessLevel: "viewer" }],
        rotate: "1",
    };

    beforeEach(async () => {
        stack = await startStack();
    });
    afterEach(async () => {
        await stack.stop();
    });

    /** Runs a step and returns how many API requests it made. */
    async function requestsOf<T>(step: () => Promise<T>): Promise<{ result: T; requests: number }> {
        stack.emulator.clearRequests();
        const result = await step();
        return { result, requests: stack.emulator.requests.length };
    }

    /** A token made outside Pulumi that matches `inputs`: what adoption takes over. */
    function matchingTokenMadeElsewhere() {
        return stack.emulator.createToken(3229, {
            name: "ci-sending",
            resources: [{ resource_type: "project", resource_id: 42, access_level: 10 }],
            expires_at: null,
        });
    }

    async function created(): Promise<RecordedResource> {
        const step = await stack.engine.register("token", inputs);
        return step.resource!;
    }

    it("creates a token with one request, recording its id, value and every input", async () => {
        const { result: step, requests } = await requestsOf(() => stack.engine.register("token", inputs));
        expect(requests).toBe(1);
        const outputs = step.resource!.outputs;
        const live = stack.emulator.getToken(stack.emulator.accountId, Number(step.resource!.id))!;
        expect(outputs).toMatchObject({
            name: "ci-sending",
            accountId: stack.emulator.accountId,
            resources: inputs.resources,
            rotate: "1",
            tokenId: live.id,
            token: live.token,
            last4Digits: live.token.slice(-4),
            expiresAt: null,
        });
        expect(step.resource!.id).toBe(String(live.id));
        expect(Date.parse(outputs.issuedAt as string)).not.toBeNaN();
    });

    it("asks the API for a token that never expires when expiresAt is not given", async () => {
        const resource = await created();
        expect(stack.emulator.getToken(stack.emulator.accountId, Number(resource.id))!.expires_at).toBeNull();
        expect(stack.emulator.requests[0].body).toMatchObject({ expires_at: null });
    });

    it("previews unchanged inputs as no change, with no request", async () => {
        const resource = await created();
        const { result: step, requests } = await requestsOf(() => stack.engine.register("token", inputs, resource, { preview: true }));
        expect(step.kind).toBe("same");
        expect(requests).toBe(0);
    });

    it("rotates on a rotate change with one reset, as an update", async () => {
        const resource = await created();
        const preview = await requestsOf(() => stack.engine.register("token", { ...inputs, rotate: "2" }, resource, { preview: true }));
        expect(preview.result.kind).toBe("update");
        expect(preview.requests).toBe(0);

        const { result: step, requests } = await requestsOf(() => stack.engine.register("token", { ...inputs, rotate: "2" }, resource));
        expect(step.kind).toBe("update");
        expect(requests).toBe(1);
        expect(stack.emulator.requests[0]).toMatchObject({ method: "POST", path: `/api/accounts/3229/api_tokens/${resource.id}/reset` });
        const outputs = step.resource!.outputs;
        const successor = stack.emulator.getToken(stack.emulator.accountId, outputs.tokenId as number)!;
        expect(outputs.tokenId).not.toBe(resource.outputs.tokenId);
        expect(outputs.token).toBe(successor.token);
        expect(outputs.previousTokenId).toBe(resource.outputs.tokenId);
        expect(Date.parse(outputs.previousTokenExpiresAt as string)).toBeGreaterThan(Date.now());
        expect(step.resource!.id).toBe(resource.id);
    });

    it("refreshes and deletes the rotated token, keeping its value", async () => {
        const resource = await created();
        const rotated = (await stack.engine.register("token", { ...inputs, rotate: "2" }, resource)).resource!;

        const refresh = await requestsOf(() => stack.engine.refresh(rotated));
        expect(refresh.requests).toBe(1);
        expect(stack.emulator.requests[0].path).toBe(`/api/accounts/3229/api_tokens/${rotated.outputs.tokenId}`);
        expect(refresh.result!.outputs.token).toBe(rotated.outputs.token);

        const destroy = await requestsOf(() => stack.engine.destroy(refresh.result!));
        expect(destroy.requests).toBe(1);
        expect(stack.emulator.requests[0]).toMatchObject({
            method: "DELETE",
            path: `/api/accounts/3229/api_tokens/${rotated.outputs.tokenId}`,
        });
        expect(stack.emulator.getToken(3229, rotated.outputs.tokenId as number)).toBeUndefined();
    });

    it.each([
        ["name", { name: "ci-sending-2" }],
        ["resources", { resources: [{ resourceType: "project", resourceId: 42, accessLevel: "admin" }] }],
        ["accountId", { accountId: 4000 }],
        ["expiresAt", { expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() }],
    ])("replaces the token when %s changes", async (key, change) => {
        const resource = await created();
        const { result: diff, requests } = await requestsOf(() =>
            stack.engine.host.diff(resource.id, resource.urn, resource.outputs, { ...resource.inputs, ...change }),
        );
        expect(requests).toBe(0);
        expect(diff).toMatchObject({ changes: "some", replaces: [key] });
    });

    it("replaces once when a replace input and the trigger change together", async () => {
        const resource = await created();
        const { result: step, requests } = await requestsOf(() =>
            stack.engine.register("token", { ...inputs, name: "renamed", rotate: "2" }, resource),
        );
        expect(step.kind).toBe("replace");
        expect(step.diff!.replaces).toEqual(["name"]);
        expect(requests).toBe(2);
        expect(stack.emulator.requests.map((r) => r.method)).toEqual(["POST", "DELETE"]);
        expect(stack.emulator.listTokens(3229).map((t) => t.name)).toContain("renamed");
        expect(stack.emulator.getToken(3229, Number(resource.id))).toBeUndefined();
    });

    it("shows an out-of-band rename after refresh, and the next update replaces the token", async () => {
        const resource = await created();
        stack.emulator.renameToken(3229, Number(resource.id), "renamed in the UI");
        const refreshed = (await stack.engine.refresh(resource))!;
        expect(refreshed.outputs.name).toBe("renamed in the UI");
        expect(refreshed.inputs.name).toBe("ci-sending");
        expect(refreshed.outputs.token).toBe(resource.outputs.token);
        const step = await stack.engine.register("token", inputs, refreshed, { preview: true });
        expect(step.kind).toBe("replace");
    });

    it("leaves no false diff after a refresh of an unchanged token", async () => {
        const resource = await created();
        const refreshed = (await stack.engine.refresh(resource))!;
        expect(refreshed.outputs).toEqual(resource.outputs);
        const step = await stack.engine.register("token", inputs, refreshed, { preview: true });
        expect(step.kind).toBe("same");
    });

    it("drops a token deleted outside Pulumi on refresh", async () => {
        const resource = await created();
        stack.emulator.deleteToken(3229, Number(resource.id));
        const { result, requests } = await requestsOf(() => stack.engine.refresh(resource));
        expect(result).toBeUndefined();
        expect(requests).toBe(1);
    });

    it("treats a delete of a token already gone as done", async () => {
        const resource = await created();
        stack.emulator.deleteToken(3229, Number(resource.id));
        await expect(stack.engine.destroy(resource)).resolves.toBeUndefined();
    });

    it.each([
        ["<tokenId>", (id: number) => String(id)],
        ["<accountId>/<tokenId>", (id: number) => `3229/${id}`],
    ])("looks up an existing token by %s with one request and no value", async (_form, idOf) => {
        const existing = stack.emulator.createToken(3229, { name: "made elsewhere", expires_at: null });
        const { result, requests } = await requestsOf(() => stack.engine.get("looked-up", idOf(existing.id)));
        expect(requests).toBe(1);
        expect(result!.outputs).toMatchObject({
            tokenId: existing.id,
            name: "made elsewhere",
            accountId: 3229,
            token: "",
            last4Digits: existing.last_4_digits,
        });
        expect(result!.inputs).toMatchObject({ name: "made elsewhere", accountId: 3229 });
    });

    it("adopts an existing token with one GET instead of creating one", async () => {
        const existing = matchingTokenMadeElsewhere();
        const { result: step, requests } = await requestsOf(() => stack.engine.register("token", { ...inputs, adoptTokenId: existing.id }));
        expect(requests).toBe(1);
        expect(stack.emulator.requests[0].method).toBe("GET");
        expect(step.resource!.id).toBe(String(existing.id));
        expect(step.resource!.outputs).toMatchObject({ tokenId: existing.id, token: "", adoptTokenId: existing.id });
        expect(stack.emulator.listTokens(3229)).toHaveLength(2);
    });

    it("refuses to adopt a token whose name or permissions differ, saying what differs", async () => {
        const existing = stack.emulator.createToken(3229, { name: "other name", expires_at: null });
        await expect(stack.engine.register("token", { ...inputs, adoptTokenId: existing.id })).rejects.toThrow(
            /cannot adopt API token \d+ in account 3229: name is "other name" but the inputs say "ci-sending"; resources are none but the inputs say project 42 viewer/,
        );
    });

    it("gives an adopted token a value at its first rotation", async () => {
        const existing = matchingTokenMadeElsewhere();
        const adopted = (await stack.engine.register("token", { ...inputs, adoptTokenId: existing.id })).resource!;
        const rotated = (await stack.engine.register("token", { ...inputs, adoptTokenId: existing.id, rotate: "2" }, adopted)).resource!;
        expect(rotated.outputs.token).toBe(stack.emulator.getToken(3229, rotated.outputs.tokenId as number)!.token);
    });

    it("replaces an adopted token with a new one, never adopting the same token again", async () => {
        const existing = matchingTokenMadeElsewhere();
        const adopted = (await stack.engine.register("token", { ...inputs, adoptTokenId: existing.id })).resource!;
        const { result: step, requests } = await requestsOf(() =>
            stack.engine.register("token", { ...inputs, name: "ci-sending-v2", adoptTokenId: existing.id }, adopted),
        );
        expect(step.kind).toBe("replace");
        expect(stack.emulator.requests.map((r) => r.method)).toEqual(["POST", "DELETE"]);
        expect(requests).toBe(2);
        const replacement = step.resource!.outputs;
        expect(replacement.tokenId).not.toBe(existing.id);
        expect(replacement.token).toBe(stack.emulator.getToken(3229, replacement.tokenId as number)!.token);
        expect(stack.emulator.getToken(3229, existing.id)).toBeUndefined();
    });

    it("reports an API error as one line with operation, status and the API's message, and no secret", async () => {
        const resource = await created();
        stack.emulator.injectFault({ method: "POST", fault: { kind: "status", status: 403, body: { errors: "Access forbidden" } } });
        const failure = await stack.engine.register("token", { ...inputs, rotate: "2" }, resource).catch((e: Error) => e);
        expect(failure).toBeInstanceOf(Error);
        const message = (failure as Error).message;
        expect(message).toBe(`mailtrap: reset API token ${resource.id} in account 3229 failed: HTTP 403: Access forbidden`);
        expect(stack.host.output()).not.toContain(stack.emulator.credential);
        expect(stack.host.output()).not.toContain(resource.outputs.token as string);
    });
});

describe("the serialized provider", () => {
    it("holds no credential, config or token value, though the credential was in config and env when it was captured", async () => {
        const stack = await startStack();
        try {
            // Imported here so this block stands alone in the file.
            const { runProgram, serializedProvider } = await import("../harness/captureProgram");
            const { BASIC_PROGRAM } = await import("../harness/stack");
            const { Engine } = await import("../harness/engine");
            const credential = stack.emulator.credential;
            // Captured as in a user's `pulumi up`: the credential in stack config and in the environment
            // (tests/host/leak.test.ts shows a provider that captured it, captured this way, holds it).
            const run = await runProgram(BASIC_PROGRAM, { config: stack.config, env: { MAILTRAP_API_TOKEN: credential } });
            expect(stack.config["mailtrap:apiToken"]).toBe(credential);
            const provider = serializedProvider(run.resources);
            const resource = (await new Engine(stack.host, provider).register("token", { name: "t" })).resource!;
            expect(resource.outputs.token).toEqual(expect.stringMatching(/.{8,}/));
            expect(provider).not.toContain(credential);
            expect(provider).not.toContain(credential.slice(0, credential.length / 2));
            expect(provider).not.toContain(resource.outputs.token as string);
            expect(provider).not.toContain(stack.config["mailtrap:baseUrl"]);
            expect(provider).not.toMatch(/mailtrap:apiToken"\s*:/);
            expect(resource.outputs.__provider).toBe(provider);
            // Nothing of the config or the environment made it in: without them the capture is the same.
            expect(provider).toBe(await capturedProvider());
        } finally {
            await stack.stop();
        }
    });
});
