import { execFileSync } from "child_process";
import * as path from "path";
import * as ts from "typescript";
import { repoRoot } from "../harness/captureProgram";

/**
 * The policy entry as a package subpath: `pulumi-mailtrap-tokens/policy` (the `exports` map),
 * the only module that imports `@pulumi/policy`, an optional peer dependency.
 */
const root = repoRoot();

/** Runs a script with node in the repository root (where the package resolves itself by name) and returns its output. */
function node(script: string): string {
    return execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" });
}

/** Makes `require("@pulumi/policy")` fail, as it does where the optional peer dependency is not installed. */
const WITHOUT_POLICY_SDK = `
const Module = require("module");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
    if (request === "@pulumi/policy" || request.startsWith("@pulumi/policy/")) {
        throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: "MODULE_NOT_FOUND" });
    }
    return resolve.call(this, request, ...rest);
};
`;

describe("pulumi-mailtrap-tokens/policy", () => {
    it("resolves through the package's exports map to the compiled policy entry, and ./state still resolves", () => {
        const resolved = JSON.parse(
            node(
                'console.log(JSON.stringify({ policy: require.resolve("pulumi-mailtrap-tokens/policy"), state: require.resolve("pulumi-mailtrap-tokens/state"),' +
                    ' names: require("pulumi-mailtrap-tokens/policy").mailtrapTokenPolicies().map((p) => p.name) }))',
            ),
        );
        expect(resolved).toEqual({
            policy: path.join(root, "bin", "provider", "policy", "index.js"),
            state: path.join(root, "bin", "provider", "state", "entry.js"),
            names: [
                "mailtrap-token-max-lifetime",
                "mailtrap-token-no-account-admin",
                "mailtrap-admin-token-expires",
                "mailtrap-token-protected-in-production",
            ],
        });
    });

    it("is the only entry needing @pulumi/policy: the main entry and the state entry load without it", () => {
        const loaded = node(
            WITHOUT_POLICY_SDK +
                `const main = require("pulumi-mailtrap-tokens");
                 const state = require("pulumi-mailtrap-tokens/state");
                 let policy;
                 try { require("pulumi-mailtrap-tokens/policy"); policy = "loaded"; } catch (error) { policy = error.message; }
                 console.log(JSON.stringify({ main: typeof main.ApiToken, state: typeof state.dispatch, policy,
                     policySdkLoaded: Object.keys(require.cache).some((file) => file.includes("@pulumi/policy")) }));`,
        );
        expect(JSON.parse(loaded)).toEqual({
            main: "function",
            state: "function",
            policy: "Cannot find module '@pulumi/policy'",
            policySdkLoaded: false,
        });
    });

    it("has its types found by TypeScript through the exports map (node16 and bundler module resolution)", () => {
        // A file under the repository root package.json, where the package resolves itself by name.
        const importer = path.join(root, "tests", "policy", "entry.test.ts");
        for (const moduleResolution of [ts.ModuleResolutionKind.Node16, ts.ModuleResolutionKind.Bundler]) {
            const options: ts.CompilerOptions = {
                moduleResolution,
                module: moduleResolution === ts.ModuleResolutionKind.Bundler ? ts.ModuleKind.ESNext : ts.ModuleKind.Node16,
            };
            const { resolvedModule } = ts.resolveModuleName("pulumi-mailtrap-tokens/policy", importer, options, ts.sys);
            expect(resolvedModule?.resolvedFileName).toBe(path.join(root, "bin", "provider", "policy", "index.d.ts"));
        }
    });
});
