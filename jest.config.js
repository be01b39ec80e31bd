/**
 * `npm test`: the projects of tests/jest.projects.js that run without the Pulumi CLI (the
 * end-to-end ones are tests/e2e/jest.config.js's). One project: `npx jest --selectProjects host`.
 */
const { jestProjects } = require("./tests/jest.projects");

module.exports = {
    projects: jestProjects("test"),
    testTimeout: 60000,
    // Jest's default, half the cores (one on CI's two): .ci/run runs a second lane beside npm test,
    // and with two files at a time per lane, provider hosts started under that load missed their
    // start and gRPC deadlines. `npm test -- --maxWorkers=2` runs two at a time on a quiet machine.
    // One packed install of the package shared by the files that install it (a copy each).
    globalSetup: "<rootDir>/tests/support/globalSetup.js",
    globalTeardown: "<rootDir>/tests/support/globalTeardown.js",
    reporters: ["<rootDir>/tests/support/quietReporter.js", "summary", "<rootDir>/tests/support/timingReporter.js"],
};
