import * as path from "path";
import { CommandResult, E2EStack, E2EWorkspace, opsOf, requestLines } from "./support/pulumi";
import { IMPORTS, program } from "./support/programs";
import { NATIVE_TYPE, nativeImports, PACKAGE_VERSION, putPluginOnPath } from "./support/native";
import { PluginKind, pluginKind, writePlugin } from "./support/pluginBinary";

/**
 * The native provider `pulumi-resource-mailtrap` through the Pulumi CLI: the same lifecycle as the
 * dynamic resource, served as a plugin. The executable on PATH is the self-contained build
 * (./support/pluginBinary; MAILTRAP_E2E_PLUGIN=node: a script running the installed package's
 * `bin/provider/native/main.js`); the programs declare `mailtrap:index:ApiToken`
 * as a plain `pulumi.CustomResource` (no generated SDK).
 */
const NATIVE_IMPORTS = nativeImports();

describe("the native provider pulumi-resource-mailtrap through the Pulumi CLI", () => {
    const ws = new E2EWorkspace("native");
    const tokens = () => `/api/accounts/${ws.accountId}/api_tokens`;
    const live = (id: number) => ws.emulator.getToken(ws.accountId, id);

    beforeAll(async () => {
        putPluginOnPath(ws);
        await ws.start();
    });

    afterAll(() => ws.stop());

    describe("a token's life", () => {
        let stack: E2EStack;
        let tokenId: number;

        beforeAll(async () => {
            const source = program(
                NATIVE_IMPORTS,
                `const token = nativeToken("ci-token", {
                    name: "e2e-native",
                    resources: [{ resourceType: "inbox", resourceId: 7, accessLevel: "viewer" }],
                    rotate: config.get("rotation") ?? "1",
                });
                exports.tokenId = token.tokenId;
                exports.token = token.token;
                exports.last4Digits = token.last4Digits;`,
            );
            stack = await ws.project("native-life", source).newStack("dev");
        });

        it("previews the create without calling the API", async () => {
            const preview = await stack.preview();

            expect(opsOf(preview, "ci-token")).toEqual(["create"]);
            expect(preview.stdout).toMatch(/\+\s+.*mailtrap:index:ApiToken\s+ci-token\s+create/);
            expect(preview.requests).toEqual([]);
        });

        it("creates the token with one POST; `token` is secret in outputs and state", async () => {
            const up = await stack.up();

            expect(opsOf(up, "ci-token")).toEqual(["create"]);
            expect(requestLines(up)).toEqual([`POST ${tokens()}`]);
            const outputs = await stack.outputs();
            tokenId = outputs.tokenId;
            expect(live(tokenId)).toMatchObject({
                name: "e2e-native",
                resources: [{ resource_type: "inbox", resource_id: 7, access_level: 10 }],
            });
            expect(outputs.token).toBe("[secret]");
            expect(await stack.output("token", { showSecrets: true })).toBe(live(tokenId)!.token);

            const [resource] = await stack.stateResources(NATIVE_TYPE);
            expect(resource.id).toBe(String(tokenId));
            expect(Object.keys(resource.outputs.token)).toContain("ciphertext");
            expect(resource.inputs.__resourceName).toBeUndefined();
            expect(resource.outputs.__resourceName).toBeUndefined();
        });

        it("passes `pulumi preview --expect-no-changes` without calling the API", async () => {
            const preview = await stack.preview({ expectNoChanges: true });
            expect(opsOf(preview, "ci-token")).toEqual(["same"]);
            expect(preview.requests).toEqual([]);
        });

        it("resets the token once on a `rotate` change, naming the resource in its line", async () => {
            const before = live(tokenId)!.token;
            await stack.setConfig("rotation", "2");

            const up = await stack.up();

            expect(opsOf(up, "ci-token")).toEqual(["update"]);
            expect(requestLines(up)).toEqual([`POST ${tokens()}/${tokenId}/reset`]);
            const outputs = await stack.outputs({ showSecrets: true });
            expect(outputs.token).not.toBe(before);
            expect(outputs.token).toBe(live(outputs.tokenId)!.token);
            // Sent through the engine's Log with the resource's URN: the CLI files it under the resource.
            expect(up.stdout).toMatch(
                /mailtrap:index:ApiToken \(ci-token\):\n\s+mailtrap: ApiToken "ci-token" \(Mailtrap token "e2e-native" \d+\) will rotate: its rotate trigger changed/,
            );
            ws.record("native-rotation.txt", up.stdout);
        });

        it("keeps the value on `pulumi refresh` (one GET), and a preview after it has nothing to do", async () => {
            const before = await stack.stateOutputs("ci-token");

            const refresh = await stack.refresh();

            expect(requestLines(refresh)).toEqual([`GET ${tokens()}/${before.tokenId}`]);
            const after = await stack.stateOutputs("ci-token");
            expect(after.token).toBe(before.token);
            expect(after.token).not.toBe("");
            const preview = await stack.preview({ expectNoChanges: true });
            expect(preview.requests).toEqual([]);
        });

        it("deletes the token on `pulumi destroy`", async () => {
            const { tokenId: current } = await stack.stateOutputs("ci-token");

            const destroy = await stack.destroy();

            expect(opsOf(destroy, "ci-token")).toEqual(["delete"]);
            expect(requestLines(destroy)).toContain(`DELETE ${tokens()}/${current}`);
            expect(live(current)).toBeUndefined();
            expect(await stack.stateResources(NATIVE_TYPE)).toEqual([]);
        });
    });

    it("fails bad input in one line naming the property, before any request", async () => {
        const source = program(
            NATIVE_IMPORTS,
            `nativeToken("bad", { name: "e2e-bad", resources: [{ resourceType: "mailbox", resourceId: 7, accessLevel: "viewer" }] });`,
        );
        const stack = await ws.project("native-bad", source).newStack("dev");

        const up = await stack.up({ expectFailure: true });

        expect(up.requests).toEqual([]);
        expect(up.output).toMatch(/resources.*resources\[0\]\.resourceType/);
        expect(up.output).not.toMatch(/\n\s+at .*\.js:\d+/);
    });

    it("fails an API error in one line, without a stack trace or the credential", async () => {
        const source = program(NATIVE_IMPORTS, `nativeToken("refused", { name: "e2e-refused" });`);
        const stack = await ws.project("native-refused", source).newStack("dev", { apiToken: "not-the-credential-0000" });

        const up = await stack.up({ expectFailure: true });

        expect(requestLines(up)).toEqual([`POST ${tokens()}`]);
        expect(up.output).toMatch(/error: mailtrap: create API token "e2e-refused" in account \d+ failed: HTTP 401/);
        expect(up.output).not.toMatch(/\n\s+at .*\.js:\d+/);
        expect(up.output).not.toContain("not-the-credential-0000");
    });

    describe("`pulumi import` of a token made outside Pulumi", () => {
        let stack: E2EStack;
        let importedId: number;
        const declared = (rotation: string | undefined) =>
            program(
                NATIVE_IMPORTS,
                `const token = nativeToken("imported", {
                    name: "e2e-made-outside",
                    resources: [{ resourceType: "project", resourceId: 12, accessLevel: "viewer" }],
                    ${rotation ? `rotate: "${rotation}",` : ""}
                });
                exports.tokenId = token.tokenId;
                exports.token = token.token;`,
            );

        beforeAll(async () => {
            importedId = ws.emulator.createToken(ws.accountId, {
                name: "e2e-made-outside",
                resources: [{ resource_type: "project", resource_id: 12, access_level: 10 }],
                expires_at: null,
            }).id;
            stack = await ws.project("native-import", declared(undefined)).newStack("dev");
        });

        it("brings the token into state with one GET (--skip-preview); its value stays empty", async () => {
            const result = await stack.importResource(NATIVE_TYPE, "imported", `${ws.accountId}/${importedId}`);

            expect(requestLines(result)).toEqual([`GET ${tokens()}/${importedId}`]);
            const [resource] = await stack.stateResources(NATIVE_TYPE);
            expect(resource.id).toBe(`${ws.accountId}/${importedId}`);
            expect(resource.inputs).toMatchObject({ name: "e2e-made-outside", accountId: ws.accountId });
            const outputs = await stack.stateOutputs("imported");
            expect(outputs.tokenId).toBe(importedId);
            expect(outputs.token).toBe("");
        });

        it("matches the program that declares it: a preview shows no change", async () => {
            const preview = await stack.preview({ expectNoChanges: true });
            expect(opsOf(preview, "imported")).toEqual(["same"]);
            expect(preview.requests).toEqual([]);
        });

        it("gets a value at the first rotation", async () => {
            stack.project.writeProgram(declared("1"));

            const up = await stack.up();

            expect(opsOf(up, "imported")).toEqual(["update"]);
            expect(requestLines(up)).toEqual([`POST ${tokens()}/${importedId}/reset`]);
            const outputs = await stack.outputs({ showSecrets: true });
            expect(outputs.token).not.toBe("");
            expect(outputs.token).toBe(live(outputs.tokenId)!.token);
        });

        it("deletes it on `pulumi destroy`", async () => {
            const { tokenId } = await stack.stateOutputs("imported");
            await stack.destroy();
            expect(live(tokenId)).toBeUndefined();
        });
    });

    it("takes a token over with the `import` resource option: one GET, then nothing to do", async () => {
        const existing = ws.emulator.createToken(ws.accountId, { name: "e2e-import-option", resources: [], expires_at: null }).id;
        const source = program(
            NATIVE_IMPORTS,
            `const token = nativeToken("by-option", { name: "e2e-import-option" }, { import: config.require("importId") });
            exports.tokenId = token.tokenId;`,
        );
        const stack = await ws.project("native-import-option", source).newStack("dev");
        await stack.setConfig("importId", `${ws.accountId}/${existing}`);

        const up = await stack.up();

        expect(opsOf(up, "by-option")).toEqual(["import"]);
        expect(requestLines(up)).toEqual([`GET ${tokens()}/${existing}`]);
        expect((await stack.outputs()).tokenId).toBe(existing);
        const preview = await stack.preview({ expectNoChanges: true });
        expect(preview.requests).toEqual([]);
        await stack.destroy();
        expect(live(existing)).toBeUndefined();
    });

    it("lists tokens through getApiTokens as an invoke", async () => {
        const source = program(
            NATIVE_IMPORTS,
            `const listed = pulumi.runtime.invoke("mailtrap:index:getApiTokens", {});
            exports.count = listed.then((r) => r.tokens.length);
            exports.names = listed.then((r) => r.tokens.map((t) => t.name));`,
        );
        ws.emulator.createToken(ws.accountId, { name: "e2e-listed", resources: [], expires_at: null });
        const stack = await ws.project("native-invoke", source).newStack("dev");

        const up = await stack.up();

        expect(requestLines(up)).toEqual([`GET ${tokens()}`]);
        expect((await stack.outputs()).names).toContain("e2e-listed");
    });

    it("times one `pulumi up` of 20 tokens through the native provider (its self-contained build and Node) and the dynamic one", async () => {
        const count = 20;
        const timings: string[] = [];
        // Each native run puts its plugin first on PATH (the CLI's folder stays ahead of it).
        const pluginPath = (kind: PluginKind) => {
            const dir = path.join(ws.dir, `timing-plugin-${kind}`);
            writePlugin(ws.context, PACKAGE_VERSION, kind, dir);
            return [ws.context.cliDir, dir, process.env.PATH ?? ""].join(path.delimiter);
        };
        const run = async (kind: PluginKind | "dynamic") => {
            const body =
                kind === "dynamic"
                    ? program(IMPORTS, `for (let i = 0; i < ${count}; i++) new ApiToken("t-" + i, { name: "e2e-dynamic-scale-" + i });`)
                    : program(
                          NATIVE_IMPORTS,
                          `for (let i = 0; i < ${count}; i++) nativeToken("t-" + i, { name: "e2e-native-scale-" + i });`,
                      );
            const stack = await ws.project(`scale-${kind}`, body).newStack("dev");
            const env: Record<string, string> = kind === "dynamic" ? {} : { PATH: pluginPath(kind) };
            const up: CommandResult = await stack.up({ env });
            expect(up.requests.filter((r) => r.method === "POST")).toHaveLength(count);
            const destroy = await stack.destroy({ env });
            const label = { binary: "native, self-contained plugin", node: "native, plugin on Node", dynamic: "dynamic provider" }[kind];
            timings.push(
                `${label}: pulumi up of ${count} tokens ${(up.durationMs / 1000).toFixed(1)} s, destroy ${(destroy.durationMs / 1000).toFixed(1)} s`,
            );
        };
        if (pluginKind(ws.context, PACKAGE_VERSION) === "binary") await run("binary");
        await run("node");
        await run("dynamic");
        console.log(timings.join("\n"));
        ws.record("native-vs-dynamic-timing.txt", timings.join("\n"));
    });

    it("leaves the credential and every token value out of state files, PULUMI_HOME and CLI output", () => {
        expect(ws.leaks()).toEqual([]);
    });
});
