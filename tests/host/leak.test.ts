import { ChildProcess } from "child_process";
import { once } from "events";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot, runProgram, serializedProvider } from "../harness/captureProgram";
import { Engine, RecordedResource } from "../harness/engine";
import { PropertyMap, ProviderHost } from "../harness/providerHost";
import { BASIC_PROGRAM, startStack, TestStack } from "../harness/stack";

/**
 * Secret hygiene through the dynamic-provider host: a full lifecycle with a known credential,
 * including operations that fail, and then a search of everything the host printed, every error
 * the tests saw, every property the host returned (except the `token` output itself) and the
 * serialized provider, for the credential, a wrong credential a second host was given, and every
 * token value the emulator ever issued. The provider is captured the way a user's program is
 * serialized: with the credential in stack config and in the environment of the capturing process.
 */
const CREDENTIAL = "c0ffee" + "0123456789abcdef0123456789";
const WRONG_CREDENTIAL = "badc0de" + "fedcba9876543210fedcba987";
const ACCOUNT = 3229;
const CONFIG = {
    "mailtrap:requestTimeoutMs": "500",
    "mailtrap:maxRetries": "1",
    "mailtrap:operationTimeoutMs": "5000",
};

interface Seen {
    where: string;
    text: string;
}

/**
 * The serialized provider of `program`, captured with `credential` present in stack config and in
 * the environment, as in a user's `pulumi up`: a provider that captured it would hold it.
 */
async function providerCapturedWith(credential: string, program = BASIC_PROGRAM, type?: string): Promise<string> {
    const run = await runProgram(program, {
        config: { "mailtrap:accountId": String(ACCOUNT), "mailtrap:apiToken": credential },
        env: { MAILTRAP_API_TOKEN: credential },
    });
    return serializedProvider(run.resources, type);
}

/** Each secret found in each text, whole or by its first half (a truncated value leaks too). */
function leaksIn(seen: Seen[], secrets: { label: string; value: string }[]): string[] {
    const leaks: string[] = [];
    for (const { where, text } of seen) {
        for (const { label, value } of secrets) {
            if (text.includes(value) || text.includes(value.slice(0, value.length / 2))) {
                leaks.push(`${label} in ${where}`);
            }
        }
    }
    return leaks;
}

/** Stops a host and waits until its stdout and stderr have closed: everything it printed has then arrived. */
async function stopAndDrain(host: ProviderHost): Promise<void> {
    const { child } = host as unknown as { child?: ChildProcess };
    if (!child) {
        throw new Error("ProviderHost no longer exposes its child process: drain its output another way");
    }
    const streams = [child.stdout, child.stderr].filter((stream) => stream !== null && !stream.closed);
    const closed = Promise.all(streams.map((stream) => once(stream!, "close")));
    await host.stop();
    await closed;
}

/**
 * A program whose dynamic provider captures the credential from stack config and from the
 * environment: what the search must catch. It loads @pulumi/pulumi from this repository, the
 * module the program runner mocks.
 */
function writeLeakyProgram(dir: string): string {
    const file = path.join(dir, "leaky.js");
    const pulumiPath = require.resolve("@pulumi/pulumi", { paths: [repoRoot()] });
    fs.writeFileSync(
        file,
        [
            `const pulumi = require(${JSON.stringify(pulumiPath)});`,
            `const fromConfig = new pulumi.Config("mailtrap").get("apiToken");`,
            `const fromEnv = process.env.MAILTRAP_API_TOKEN;`,
            `const provider = { async create() { return { id: "leaky", outs: { used: [fromConfig, fromEnv].join("").length } }; } };`,
            `new pulumi.dynamic.Resource(provider, "leaky", {});`,
        ].join("\n"),
    );
    return file;
}

describe("no credential or token value leaks", () => {
    let stack: TestStack;
    let engine: Engine;
    /** The provider the engine drives, captured with the credential present. */
    let provider: string;
    let wrongHost: ProviderHost | undefined;
    /** Every value the emulator issued, from create, reset and out-of-band creates. */
    const issued = new Set<string>();
    /** Texts to search: errors, properties (without `token`), outputs, the provider. */
    const seen: Seen[] = [];
    /** Every `token` output the host returned. */
    const tokenOutputs: { where: string; value: unknown }[] = [];

    beforeAll(async () => {
        stack = await startStack({ emulator: { credential: CREDENTIAL }, config: CONFIG });
        provider = await providerCapturedWith(CREDENTIAL);
        engine = new Engine(stack.host, provider);
        // Record each value as the emulator makes it, including values that are never answered.
        // (Every token the emulator makes goes through its store's insertToken.)
        const store = (stack.emulator as unknown as { store: { insertToken: (...args: unknown[]) => { token: string } } }).store;
        const insertToken = store.insertToken.bind(store);
        store.insertToken = (...args: unknown[]) => {
            const token = insertToken(...args);
            issued.add(token.token);
            return token;
        };
    }, 60_000);
    afterAll(async () => {
        await wrongHost?.stop();
        await stack?.stop();
    });

    function seeProperties(where: string, properties: PropertyMap | undefined): void {
        if (!properties) {
            return;
        }
        const { token, ...rest } = properties;
        if (token !== undefined) {
            tokenOutputs.push({ where, value: token });
        }
        seen.push({ where, text: JSON.stringify(rest) });
    }

    function seeResource(where: string, resource: RecordedResource | undefined): RecordedResource | undefined {
        if (resource) {
            seeProperties(`${where} outputs`, resource.outputs);
            seeProperties(`${where} inputs`, resource.inputs);
            seen.push({ where: `${where} id`, text: resource.id });
        }
        return resource;
    }

    /** Runs a step that must fail, and keeps everything its error carries. */
    async function failing(where: string, step: () => Promise<unknown>): Promise<Error> {
        let error: Error | undefined;
        try {
            await step();
        } catch (e) {
            error = e as Error;
        }
        expect(error).toBeDefined();
        const e = error as Error & { details?: string; initFailure?: { properties: PropertyMap; reasons: string[] }; failures?: unknown };
        seen.push({ where: `${where} message`, text: e.message });
        seen.push({ where: `${where} stack`, text: e.stack ?? "" });
        seen.push({ where: `${where} details`, text: String(e.details ?? "") });
        seen.push({ where: `${where} failures`, text: JSON.stringify(e.failures ?? null) });
        if (e.initFailure) {
            seeProperties(`${where} initFailure`, e.initFailure.properties);
            seen.push({ where: `${where} initFailure reasons`, text: JSON.stringify(e.initFailure.reasons) });
        }
        return error!;
    }

    const inputs: PropertyMap = {
        name: "leak-sending",
        resources: [{ resourceType: "project", resourceId: 42, accessLevel: "viewer" }],
        rotate: "1",
    };

    it("would catch a provider that captured the credential (the control for the search below)", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailtrap-leaky-"));
        try {
            const leaky = await providerCapturedWith(CREDENTIAL, writeLeakyProgram(dir), "pulumi-nodejs:dynamic:Resource");
            expect(leaksIn([{ where: "leaky provider", text: leaky }], [{ label: "credential", value: CREDENTIAL }])).toEqual([
                "credential in leaky provider",
            ]);
            // Captured the same way, the real provider holds none of it.
            expect(leaksIn([{ where: "provider", text: provider }], [{ label: "credential", value: CREDENTIAL }])).toEqual([]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("runs a lifecycle with failures and leaves no secret anywhere but the token output", async () => {
        const { emulator } = stack;

        // Create, refresh, look up, rotate, refresh again.
        const created = seeResource("create", (await engine.register("leak", inputs)).resource)!;
        const refreshed = seeResource("refresh", await engine.refresh(created))!;
        seeResource("get", await engine.get("leak-lookup", created.id));
        seeResource("get with account", await engine.get("leak-lookup-2", `${ACCOUNT}/${created.id}`));
        const rotated = seeResource("rotate", (await engine.register("leak", { ...inputs, rotate: "2" }, refreshed)).resource)!;
        expect(rotated.outputs.token).not.toBe(created.outputs.token);
        const rotatedRefresh = seeResource("refresh after rotate", await engine.refresh(rotated))!;

        // A token with an expiry rotates by replacement; the diff explains it on the host's output.
        const expiring = seeResource(
            "create expiring",
            (
                await engine.register("leak-expiring", {
                    name: "leak-expiring",
                    expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
                    rotate: "1",
                })
            ).resource,
        )!;
        const expiringInputs = { name: "leak-expiring", expiresAt: expiring.outputs.expiresAt, rotate: "2" };
        const renewed = seeResource("renew expiring", (await engine.register("leak-expiring", expiringInputs, expiring)).resource)!;
        expect(renewed.outputs.tokenId).not.toBe(expiring.outputs.tokenId);

        // Ambiguous create and ambiguous reset: values nobody received.
        emulator.injectFault({ method: "POST", path: /\/api_tokens$/, fault: { kind: "apply-then-drop" } });
        const ambiguous = seeResource("ambiguous create", (await engine.register("leak-ambiguous", { name: "leak-ambiguous" })).resource)!;
        emulator.injectFault({ method: "POST", path: /\/reset$/, fault: { kind: "apply-then-drop" } });
        const ambiguousReset = seeResource(
            "ambiguous reset",
            (await engine.register("leak-ambiguous", { name: "leak-ambiguous", rotate: "x" }, ambiguous)).resource,
        )!;

        // Failing operations.
        emulator.injectFault({
            method: "POST",
            path: /\/api_tokens$/,
            fault: { kind: "status", status: 422, body: { errors: { name: ["has already been taken"] } } },
        });
        const unprocessable = await failing("422 create", () => engine.register("leak-422", { name: "leak-422" }));
        expect(unprocessable.message).toContain("HTTP 422");

        emulator.injectFault({
            method: "GET",
            path: `/api_tokens/${rotated.outputs.tokenId}`,
            fault: { kind: "status", status: 500 },
            times: Infinity,
        });
        const serverError = await failing("500 refresh", () => engine.refresh(rotatedRefresh));
        expect(serverError.message).toContain("HTTP 500");
        emulator.clearFaults();

        emulator.injectFault({
            method: "POST",
            path: /\/reset$/,
            fault: { kind: "status", status: 403, body: { errors: "Access forbidden" } },
        });
        await failing("403 rotate", () => engine.register("leak", { ...inputs, rotate: "3" }, rotatedRefresh));

        const other = emulator.createToken(ACCOUNT, { name: "made elsewhere", expires_at: null });
        const mismatch = await failing("adoption mismatch", () => engine.register("leak-adopt", { ...inputs, adoptTokenId: other.id }));
        expect(mismatch.message).toContain("cannot adopt API token");

        const checkFailure = await failing("check failure", () =>
            engine.register("leak-bad", { name: " ", rotation: "1", rotateAfterDays: -1 }),
        );
        expect(checkFailure.message).toContain("check failed");

        await failing("get of a missing token", () => engine.get("leak-missing", "not-an-id"));

        // A second host with a wrong credential: 401 on create, refresh and delete.
        wrongHost = await ProviderHost.start({
            env: { MAILTRAP_API_TOKEN: undefined, MAILTRAP_ACCOUNT_ID: undefined, MAILTRAP_BASE_URL: undefined },
        });
        await wrongHost.configure({ ...stack.config, "mailtrap:apiToken": WRONG_CREDENTIAL });
        const wrongProvider = await providerCapturedWith(WRONG_CREDENTIAL);
        const wrongEngine = new Engine(wrongHost, wrongProvider);
        const unauthorized = await failing("401 create", () => wrongEngine.register("leak-401", { name: "leak-401" }));
        expect(unauthorized.message).toContain("HTTP 401");
        await failing("401 refresh", () => wrongEngine.refresh(rotatedRefresh));
        await failing("401 delete", () => wrongEngine.destroy(rotatedRefresh));

        // Destroy everything.
        for (const resource of [rotatedRefresh, renewed, ambiguousReset]) {
            await engine.destroy(resource);
        }
        // Both hosts are done: once their output pipes close, everything they printed is here.
        await stopAndDrain(stack.host);
        await stopAndDrain(wrongHost);

        // ---- the search ----
        seen.push({ where: "serialized provider", text: provider });
        seen.push({ where: "serialized provider captured with the wrong credential", text: wrongProvider });
        seen.push({ where: "host output", text: stack.host.output() });
        seen.push({ where: "wrong-credential host output", text: wrongHost.output() });

        const secrets = [
            { label: "credential", value: CREDENTIAL },
            { label: "wrong credential", value: WRONG_CREDENTIAL },
            ...[...issued].map((value, i) => ({ label: `issued value #${i + 1}`, value })),
        ];
        // Reset 3x (rotate, ambiguous x2), creates: leak, expiring x2, ambiguous x2, other.
        expect(issued.size).toBeGreaterThanOrEqual(9);
        expect(leaksIn(seen, secrets)).toEqual([]);

        // The `token` output holds an issued value or nothing, never the credential.
        for (const { where, value } of tokenOutputs) {
            expect([where, typeof value === "string" && (value === "" || issued.has(value))]).toEqual([where, true]);
            expect(value).not.toBe(CREDENTIAL);
        }
        // The values in state are the live ones.
        expect(emulator.isTokenValueLive(created.outputs.token as string)).toBe(true); // in its grace period
        // The host printed something (notices, retries) and it was searched.
        expect(stack.host.output()).toMatch(/will rotate: its rotate trigger changed/);
        expect(stack.host.output()).toMatch(/may have been made by it and is left in place/);
    }, 90_000);
});
