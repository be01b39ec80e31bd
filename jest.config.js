/**
 * `npm test`: the projects of tests/jest.projects.js that run without the Pulumi CLI (the
 * end-to-end ones are tests/e2e/jest.config.js's). One project: `npx jest --selectProjects host`.
 */
const { jestProjects } = require("./tests/jest.projects");

module.exports = {
    projects: jestProjects("test"),
    testTimeout: 60000,
    // A file per core: one file at a time kept one core of two busy (on two cores: 1,131 s one at a
    // time, 578 s two at a time). MAILTRAP_TEST_WORKERS=1 runs one at a time: .ci/run sets it, since it
    // runs a second lane beside npm test.
    maxWorkers: process.env.MAILTRAP_TEST_WORKERS ?? "100%",
    // One packed install of the package shared by the files that install it (a copy each).
    globalSetup: "<rootDir>/tests/support/globalSetup.js",
    globalTeardown: "<rootDir>/tests/support/globalTeardown.js",
    reporters: ["<rootDir>/tests/support/quietReporter.js", "summary", "<rootDir>/tests/support/timingReporter.js"],
};
