import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { NATIVE_TYPE, nativeImports, PACKAGE_VERSION, putPluginOnPath } from "./support/native";
import { E2EStack, E2EWorkspace, opsOf, requestLines } from "./support/pulumi";
import { IMPORTS, program, sha256, TOKEN_CONSUMER } from "./support/programs";

/**
 * Moving a stack from the dynamic ApiToken to the native `mailtrap:index:ApiToken` with the real
 * CLI: `pulumi up` with the dynamic resource, `pulumi stack export`, the installed package's
 * `mailtrap-migrate-state`, `pulumi stack import`, then the program switched to the native type
 * (the plugin on PATH, as in native.e2e.ts). The token keeps its id and value; nothing is called.
 */
const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/mailtrap:ApiToken";
const VERSION = PACKAGE_VERSION;
const NATIVE_IMPORTS = nativeImports({ version: VERSION });

/** The same token and a resource consuming its value, over either type. */
function body(kind: "dynamic" | "native", tokenName = "e2e-migrate"): string {
    const declare = kind === "dynamic" ? "new ApiToken" : "nativeToken";
    return program(
        kind === "dynamic" ? IMPORTS : NATIVE_IMPORTS,
        TOKEN_CONSUMER,
        `const token = ${declare}("ci-token", {
            name: "${tokenName}",
            resources: [{ resourceType: "inbox", resourceId: 7, accessLevel: "viewer" }],
            rotate: config.get("rotation") ?? "1",
            rotateAfterDays: 90,
        });
        const consumer = new TokenConsumer("consumer", { value: token.token });
        exports.tokenId = token.tokenId;
        exports.token = token.token;
        exports.hash = consumer.hash;`,
    );
}

/** Keys of an object, each marked `(secret)` when its value is a secret. */
function shape(props: Record<string, any> | undefined): string[] {
    return Object.entries(props ?? {})
        .map(([key, value]) =>
            value && typeof value === "object" && "4dabf18193072939515e22adb298388d" in value ? `${key} (secret)` : key,
        )
        .sort();
}

describe("moving a stack from the dynamic ApiToken to the native one", () => {
    const ws = new E2EWorkspace("migrate");
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    const live = (id: number) => ws.emulator.getToken(ws.accountId, id);
    const command = path.join(ws.context.packageDir, "node_modules", ".bin", "mailtrap-migrate-state");
    let stack: E2EStack;
    let tokenId: number;
    let value: string;
    let before: any;
    let migrated: any;
    let nativeProvider: any;

    beforeAll(async () => {
        putPluginOnPath(ws);
        await ws.start();
        stack = await ws.project("migrate", body("dynamic")).newStack("dev");
    });

    afterAll(() => ws.stop());

    it("starts from a dynamic token made by `pulumi up`", async () => {
        const up = await stack.up();

        expect(requestLines(up)).toEqual([`POST ${tokens()}`]);
        const outputs = await stack.outputs({ showSecrets: true });
        tokenId = outputs.tokenId;
        value = outputs.token;
        expect(value).toBe(live(tokenId)!.token);
        expect(await stack.stateResources(DYNAMIC_TYPE)).toHaveLength(1);
    });

    it("rewrites `pulumi stack export` with mailtrap-migrate-state, and `pulumi stack import` takes it", async () => {
        const beforeFile = path.join(ws.dir, "before.json");
        const afterFile = path.join(ws.dir, "after.json");
        await stack.run(["stack", "export", "--file", beforeFile]);
        before = JSON.parse(fs.readFileSync(beforeFile, "utf8"));

        const migrate = spawnSync(command, [beforeFile, "--out", afterFile], { encoding: "utf8" });

        expect(migrate.stderr).toContain(`${DYNAMIC_TYPE}::ci-token\n    -> `);
        expect(migrate.status).toBe(0);
        const after = JSON.parse(fs.readFileSync(afterFile, "utf8"));
        migrated = after;
        const token = after.deployment.resources.find((r: any) => r.type === NATIVE_TYPE);
        const old = before.deployment.resources.find((r: any) => r.type === DYNAMIC_TYPE);
        expect(token.id).toBe(String(tokenId));
        // The value's ciphertext moves as it was: it is never decrypted.
        expect(token.outputs.token).toEqual(old.outputs.token);
        ws.record("migrate-command.txt", migrate.stderr);

        await stack.run(["stack", "import", "--file", afterFile]);

        const [imported] = await stack.stateResources(NATIVE_TYPE);
        expect(imported.urn).toBe(`urn:pulumi:dev::migrate::${NATIVE_TYPE}::ci-token`);
        expect(await stack.stateResources(DYNAMIC_TYPE)).toEqual([]);
        const consumer = (await stack.exportState()).deployment.resources.find((r: any) => String(r.urn).endsWith("::consumer"));
        expect(consumer.dependencies).toEqual([imported.urn]);
        expect(consumer.propertyDependencies.value).toEqual([imported.urn]);
    });

    it("passes `pulumi preview --expect-no-changes` with the native program, calling nothing", async () => {
        stack.project.writeProgram(body("native"));

        const preview = await stack.preview({ expectNoChanges: true });

        expect(opsOf(preview, "ci-token")).toEqual(["same"]);
        expect(opsOf(preview, "consumer")).toEqual(["same"]);
        expect(preview.requests).toEqual([]);
        ws.record("migrate-preview.txt", preview.stdout);
    });

    it("keeps the token's id and value, live in the account", async () => {
        const outputs = await stack.stateOutputs("ci-token");
        expect(outputs.tokenId).toBe(tokenId);
        expect(outputs.token).toBe(value);
        expect(live(tokenId)!.token).toBe(value);
        expect((await stack.stateOutputs("consumer")).hash).toBe(sha256(value));
    });

    it("writes the state a native `pulumi up` writes for the same program", async () => {
        const fresh = await ws.project("migrate-fresh", body("native", "e2e-migrate-fresh")).newStack("dev");
        await fresh.up();
        const pick = (resources: any[]) => ({
            provider: resources.find((r) => r.type === "pulumi:providers:mailtrap"),
            token: resources.find((r) => r.type === NATIVE_TYPE),
        });
        const moved = pick(migrated.deployment.resources);
        const native = pick((await fresh.exportState()).deployment.resources);
        const summary = (r: any) => ({ urn: r.urn, fields: Object.keys(r), inputs: shape(r.inputs), outputs: shape(r.outputs) });
        ws.record(
            "migrate-states.json",
            JSON.stringify(
                { migrated: [moved.provider, moved.token].map(summary), native: [native.provider, native.token].map(summary) },
                null,
                2,
            ),
        );
        const fields = (r: any) => Object.keys(r).sort();
        expect(fields(moved.token)).toEqual(fields(native.token));
        expect(shape(moved.token.inputs)).toEqual(shape(native.token.inputs));
        expect(shape(moved.token.outputs)).toEqual(shape(native.token.outputs));
        expect(fields(moved.provider)).toEqual(fields(native.provider));
        expect(moved.provider.urn).toBe(`urn:pulumi:dev::migrate::pulumi:providers:mailtrap::default_${VERSION.replace(/\./g, "_")}`);
        // The config inputs the engine gives a default provider (the credential encrypted) come at the next `pulumi up`.
        expect(shape(moved.provider.inputs)).toEqual(["version"]);
        nativeProvider = native.provider;
        await fresh.destroy();
    });

    it("has nothing to do for the token on the first `pulumi up` after the move; the engine completes the provider", async () => {
        const up = await stack.up();

        expect(up.requests).toEqual([]);
        expect(opsOf(up, "ci-token")).toEqual(["same"]);
        expect(opsOf(up, "consumer")).toEqual(["same"]);
        const provider = (await stack.exportState()).deployment.resources.find((r: any) => r.type === "pulumi:providers:mailtrap");
        expect(shape(provider.inputs)).toEqual(shape(nativeProvider.inputs));
        expect(shape(provider.outputs)).toEqual(shape(nativeProvider.outputs));
        expect(provider.id).toBe(migrated.deployment.resources.find((r: any) => r.type === "pulumi:providers:mailtrap").id);
    });

    it("rotates with one reset", async () => {
        await stack.setConfig("rotation", "2");

        const up = await stack.up();

        expect(opsOf(up, "ci-token")).toEqual(["update"]);
        expect(requestLines(up)).toEqual([`POST ${tokens()}/${tokenId}/reset`]);
        const outputs = await stack.outputs({ showSecrets: true });
        expect(outputs.token).not.toBe(value);
        expect(outputs.token).toBe(live(outputs.tokenId)!.token);
        expect(outputs.hash).toBe(sha256(outputs.token));
    });

    it("deletes the token on `pulumi destroy`", async () => {
        const { tokenId: current } = await stack.stateOutputs("ci-token");

        const destroy = await stack.destroy();

        expect(opsOf(destroy, "ci-token")).toEqual(["delete"]);
        expect(requestLines(destroy)).toContain(`DELETE ${tokens()}/${current}`);
        expect(live(current)).toBeUndefined();
    });

    it("leaves the credential and every token value out of state files, PULUMI_HOME and CLI output", () => {
        expect(ws.leaks()).toEqual([]);
    });
});
