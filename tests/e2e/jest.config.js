/**
 * The end-to-end suite (`npm run test:e2e`, which prepares the CLI and the installed package
 * first): tests/e2e/*.e2e.ts, each driving the real Pulumi CLI. `npm test` does not match these files.
 */
module.exports = {
    rootDir: "../..",
    preset: "ts-jest",
    testEnvironment: "node",
    roots: ["<rootDir>/tests/e2e"],
    testMatch: ["**/*.e2e.ts"],
    testPathIgnorePatterns: ["/node_modules/", "/bin/"],
    // Each step is a CLI run bounded by its own timeout; a scenario is several of them.
    testTimeout: 600000,
    // Two cores: each CLI run is busy with its language host, program and provider processes.
    maxWorkers: 2,
    verbose: true,
};
