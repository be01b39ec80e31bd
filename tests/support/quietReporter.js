/**
 * Jest's default reporter, quiet on success: a test file's console output (`● Console` blocks) is
 * printed only when that file has a failing test or failed to run, so a green `npm test` shows one
 * line per file and the summary, and a red one shows the failures with everything they logged.
 *
 * `npx jest --verbose` prints console output as it happens, for every file, as usual.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DefaultReporter } = require("@jest/reporters");

class QuietReporter extends DefaultReporter {
    printTestFileHeader(testPath, config, result) {
        const failed = result.numFailingTests > 0 || result.testExecError !== undefined || Boolean(result.failureMessage);
        super.printTestFileHeader(testPath, config, failed ? result : { ...result, console: undefined });
    }
}

module.exports = QuietReporter;
