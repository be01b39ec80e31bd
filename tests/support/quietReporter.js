/**
 * Jest's default reporter, quiet on success: a test file's console output (`● Console` blocks) is
 * printed only when that file has a failing test or failed to run, so a green `npm test` shows one
 * line per file and the summary, and a red one shows the failures with everything they logged.
 *
 * With `--verbose` it is Jest's verbose reporter (each test listed), and console output is printed
 * as it happens, as usual.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DefaultReporter, VerboseReporter } = require("@jest/reporters");

/** `Base` with a file's console output left out of its header unless the file failed. */
function quiet(Base) {
    return class extends Base {
        printTestFileHeader(testPath, config, result) {
            const failed = result.numFailingTests > 0 || result.testExecError !== undefined || Boolean(result.failureMessage);
            super.printTestFileHeader(testPath, config, failed ? result : { ...result, console: undefined });
        }
    };
}

const QuietDefaultReporter = quiet(DefaultReporter);
const QuietVerboseReporter = quiet(VerboseReporter);

class QuietReporter {
    constructor(globalConfig, options, context) {
        const Reporter = globalConfig.verbose ? QuietVerboseReporter : QuietDefaultReporter;
        return new Reporter(globalConfig, options, context);
    }
}

module.exports = QuietReporter;
