/**
 * Every jest project of the repository, declared once. `npm test` runs the `test` ones
 * (jest.config.js), `npm run test:e2e` the `e2e` ones (tests/e2e/jest.config.js, through the real
 * Pulumi CLI); a project is picked by name, e.g. `npx jest --selectProjects host`,
 * `npm run test:e2e -- --selectProjects e2e-native`, and `.ci/run` names projects the same way
 * (scripts/test-on-node.sh). Globs are relative to the repository root; a file belongs to one
 * project, except the suites `host-older` and `without-account` run a second time under other
 * conditions (the older API rule; no account configured, permissions answered renamed).
 */
const ROOT = require("path").resolve(__dirname, "..");

const PROJECTS = [
    // npm test
    { name: "unit", runner: "test", what: "validation, diff, retry, pacing, schedule, settings, state versions", files: ["tests/unit/**"] },
    {
        name: "client",
        runner: "test",
        what: "the API client against the emulator; getApiTokens",
        files: ["tests/client/**", "tests/getApiTokens.test.ts"],
    },
    {
        name: "emulator",
        runner: "test",
        what: "the Mailtrap emulator: endpoints, faults, rate limit, both API models",
        files: ["tests/emulator/**"],
    },
    {
        name: "contract",
        runner: "test",
        what: "the API's contract, against the emulator (or real Mailtrap)",
        files: ["tests/contract.test.ts"],
    },
    {
        name: "conformance",
        runner: "test",
        what: "the emulator and the client against the vendor's OpenAPI description and npm client",
        files: ["tests/conformance/**"],
    },
    {
        name: "host",
        runner: "test",
        what: "Pulumi's dynamic-provider host driven over gRPC as the engine drives it; the harness; the benchmark's quick mode",
        files: ["tests/host/**", "tests/harness.test.ts", "tests/bench.test.ts"],
    },
    {
        name: "host-older",
        runner: "test",
        // The host specs whose traffic differs under the older rule (a reset refused for a token with an
        // expiry, a reset out of band without a body): under both rules the others sent the same requests,
        // got the same statuses and left the same tokens (request logs and token stores compared).
        what: "the host specs of expiring and rolling tokens, settling, changes out of band and ownership again, under the older API rule",
        files: [
            "tests/host/rotation/expiring.test.ts",
            "tests/host/rotation/rolling.test.ts",
            "tests/host/rotation/settle.test.ts",
            "tests/host/rotation/outOfBand.test.ts",
            "tests/host/ownership.test.ts",
        ],
        setupFiles: ["<rootDir>/tests/support/olderApiModel.js"],
    },
    {
        name: "without-account",
        runner: "test",
        what: "settling, drift, permissions and the random histories again, with no account configured and permissions answered renamed",
        files: [
            "tests/host/rotation/settle.test.ts",
            "tests/host/rotation/outOfBand.test.ts",
            "tests/host/rotation/gone.test.ts",
            "tests/host/rotation/permissions.test.ts",
            "tests/histories/histories.test.ts",
        ],
        setupFiles: ["<rootDir>/tests/support/withoutAccount.js"],
    },
    {
        name: "native",
        runner: "test",
        what: "the native provider's gRPC server, in process and as a plugin process",
        files: ["tests/native/**"],
    },
    { name: "policy", runner: "test", what: "the policy pack's rules", files: ["tests/policy/policies.test.ts"] },
    {
        name: "policy-pack",
        runner: "test",
        what: "the policy pack as the engine runs it: its entry, the analyzer, the pack as a process",
        files: ["tests/policy/analyzer.test.ts", "tests/policy/entry.test.ts", "tests/policy/packProcess.test.ts"],
    },
    {
        name: "packaging",
        runner: "test",
        what: "the packed package installed and driven through the host; golden states of earlier releases",
        files: ["tests/package.test.ts", "tests/goldenStates.test.ts"],
    },
    {
        name: "install",
        runner: "test",
        what: "the packed tarball as a user installs it, and its emulator command",
        files: ["tests/tarballInstall.test.ts", "tests/emulatorBin.test.ts"],
    },
    {
        name: "histories",
        runner: "test",
        what: "random histories of one token from fixed seeds; the regression specs",
        files: ["tests/histories/**"],
    },
    {
        name: "docs",
        runner: "test",
        what: "the README's and docs' commands, run; the README's length and figures",
        files: ["tests/readme.test.ts", "tests/docs.test.ts"],
    },
    {
        name: "examples",
        runner: "test",
        what: "the examples under mocks, and examples/ci's workflows run against the emulator",
        files: ["tests/examples.test.ts", "tests/evidenceExample.test.ts", "tests/workflows.test.ts"],
    },
    {
        name: "distribution",
        runner: "test",
        what: "npm run release, the plugin bundle check, the schema, the CI and release workflows, these projects",
        files: [
            "tests/release.test.ts",
            "tests/pluginBundle.test.ts",
            "tests/schema.test.ts",
            "tests/ciWorkflow.test.ts",
            "tests/jestProjects.test.ts",
        ],
    },
    // npm run test:e2e
    {
        name: "e2e-lifecycle",
        runner: "e2e",
        what: "the dynamic resource's life: lifecycle, rotation, drift",
        files: ["tests/e2e/lifecycle.e2e.ts", "tests/e2e/rotation.e2e.ts", "tests/e2e/drift.e2e.ts"],
    },
    {
        name: "e2e-state",
        runner: "e2e",
        what: "what exists and what stacks stored: lookups, golden stacks of earlier releases",
        files: ["tests/e2e/lookup.e2e.ts", "tests/e2e/goldenStack.e2e.ts"],
    },
    {
        name: "e2e-dynamic",
        runner: "e2e",
        what: "the dynamic resource's other scenarios: adoption, errors, two stacks, settling, histories, scale, no account (and native), permissions answered otherwise",
        files: [
            "tests/e2e/adopt.e2e.ts",
            "tests/e2e/errors.e2e.ts",
            "tests/e2e/stacks.e2e.ts",
            "tests/e2e/settle.e2e.ts",
            "tests/e2e/histories.e2e.ts",
            "tests/e2e/scale.e2e.ts",
            "tests/e2e/accountless.e2e.ts",
            "tests/e2e/permissions.e2e.ts",
        ],
    },
    {
        name: "e2e-native",
        runner: "e2e",
        what: "the native plugin: lifecycle, Python and YAML programs, plugin install, policy, migration",
        files: [
            "tests/e2e/native.e2e.ts",
            "tests/e2e/python.e2e.ts",
            "tests/e2e/yaml.e2e.ts",
            "tests/e2e/plugin.e2e.ts",
            "tests/e2e/policyNative.e2e.ts",
            "tests/e2e/migrate.e2e.ts",
        ],
    },
    {
        name: "e2e-node-sdk",
        runner: "e2e",
        what: "the generated Node.js SDK with the plugin (needs Node 22)",
        files: ["tests/e2e/nodeSdk.e2e.ts"],
    },
    {
        name: "e2e-distribution",
        runner: "e2e",
        what: "the plugin as downloaded, on linux-arm64 (qemu) and windows-amd64 (Wine), and its start-up",
        files: ["tests/e2e/download.e2e.ts", "tests/e2e/arm64.e2e.ts", "tests/e2e/windows.e2e.ts", "tests/e2e/pluginStart.e2e.ts"],
    },
];

/** What every project shares: TypeScript through ts-jest, node, the repository root. */
const BASE = {
    rootDir: ROOT,
    // Each file transpiled on its own, not type-checked: `npm run build` (tsc, which `npm test` runs
    // first) and `npm run lint` check the types, and ts-jest's per-file check cost more than the tests.
    transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tests/tsconfig.jest.json" }] },
    testEnvironment: "node",
    roots: ["<rootDir>/tests"],
    testPathIgnorePatterns: ["/node_modules/", "/bin/"],
};

/** The jest projects one runner runs ("test" or "e2e"). */
function jestProjects(runner) {
    return PROJECTS.filter((project) => project.runner === runner).map((project) => ({
        ...BASE,
        displayName: project.name,
        testMatch: project.files.map(
            (glob) => `<rootDir>/${glob.endsWith("/**") ? `${glob}/*.${runner === "e2e" ? "e2e" : "test"}.ts` : glob}`,
        ),
        ...(project.setupFiles ? { setupFiles: project.setupFiles } : {}),
    }));
}

module.exports = { PROJECTS, jestProjects };
