/**
 * The end-to-end suite (`npm run test:e2e`, which prepares the CLI and the installed package
 * first): the `e2e` projects of tests/jest.projects.js, each file driving the real Pulumi CLI
 * (`npm run test:e2e -- --selectProjects e2e-native`). `npm test` does not match these files.
 */
const { jestProjects } = require("../jest.projects");

module.exports = {
    rootDir: "../..",
    projects: jestProjects("e2e"),
    // Each step is a CLI run bounded by its own timeout; a scenario is several of them.
    testTimeout: 600000,
    // Two cores: each CLI run is busy with its language host, program and provider processes.
    maxWorkers: 2,
    verbose: true,
};
