/**
 * With MAILTRAP_TEST_TIMINGS=FILE, writes each test file's project, duration and test count to
 * FILE as JSON when the run ends (scripts/measure-tests.sh reads it); without it, does nothing.
 */
const fs = require("fs");
const path = require("path");

class TimingReporter {
    constructor() {
        this.file = process.env.MAILTRAP_TEST_TIMINGS;
        this.files = [];
    }

    onTestResult(test, result) {
        if (!this.file) return;
        const config = test.context.config;
        this.files.push({
            project: (config.displayName && config.displayName.name) || "",
            file: path.relative(config.rootDir, result.testFilePath),
            seconds: Math.round(result.perfStats.end - result.perfStats.start) / 1000,
            tests: result.numPassingTests + result.numFailingTests + result.numPendingTests + result.numTodoTests,
            failed: result.numFailingTests + (result.testExecError ? 1 : 0),
        });
    }

    onRunComplete(_contexts, results) {
        if (!this.file) return;
        const summary = {
            tests: results.numTotalTests,
            failed: results.numFailedTests,
            skipped: results.numPendingTests + results.numTodoTests,
            files: results.numTotalTestSuites,
            seconds: Math.round(Date.now() - results.startTime) / 1000,
            byFile: this.files.sort((a, b) => b.seconds - a.seconds),
        };
        fs.writeFileSync(this.file, JSON.stringify(summary, null, 2) + "\n");
    }
}

module.exports = TimingReporter;
