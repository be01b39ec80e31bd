/**
 * Before `npm test`'s files run: one packed install of the package for all of them
 * (tests/harness/packedInstall.ts installs it into MAILTRAP_PACKED_PROJECT the first time a file
 * asks and gives each a copy), unless the caller chose the folder (scripts/test-on-node.sh does).
 * globalTeardown.js removes it. The workers inherit the variable.
 */
const fs = require("fs");
const os = require("os");
const path = require("path");

module.exports = async function globalSetup() {
    if (process.env.MAILTRAP_PACKED_PROJECT) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailtrap-tokens-packed-"));
    process.env.MAILTRAP_PACKED_PROJECT = path.join(dir, "project");
    process.env.MAILTRAP_PACKED_PROJECT_MADE_BY_JEST = dir;
};
