/**
 * Before `npm test`'s files run: one packed install of the package for all of them
 * (tests/harness/packedInstall.ts installs it into MAILTRAP_PACKED_PROJECT the first time a file
 * asks and gives each a copy), unless the caller chose the folder (scripts/test-on-node.sh does).
 * globalTeardown.js removes it. The workers inherit the variable.
 *
 * Every Node.js process the tests start (provider hosts, programs, the CLI's language hosts) loads
 * @pulumi/pulumi, TypeScript among it: on Node.js 22 and later they share Node's own compile cache
 * (NODE_COMPILE_CACHE, a third less CPU per start); Node.js 20 has none and ignores the variable.
 */
const fs = require("fs");
const os = require("os");
const path = require("path");

module.exports = async function globalSetup() {
    process.env.NODE_COMPILE_CACHE ??= path.join(os.tmpdir(), "mailtrap-tokens-compile-cache");
    if (process.env.MAILTRAP_PACKED_PROJECT) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailtrap-tokens-packed-"));
    process.env.MAILTRAP_PACKED_PROJECT = path.join(dir, "project");
    process.env.MAILTRAP_PACKED_PROJECT_MADE_BY_JEST = dir;
};
