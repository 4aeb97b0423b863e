// Prints the one line CI reads, `N passed, N failed`, and keeps it in .run/test-summary.txt.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failedSuites = results.numFailedTestSuites - results.testResults.filter((r) => r.numFailingTests > 0).length;
    const failed = results.numFailedTests + Math.max(0, failedSuites) + (results.numRuntimeErrorTestSuites ? 0 : 0);
    const line = `${results.numPassedTests} passed, ${failed} failed`;
    const dir = path.resolve(__dirname, '..', '..', '.run');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'test-summary.txt'), `${line}\n`);
    process.stdout.write(`\n${line}\n`);
  }
}

module.exports = SummaryReporter;
