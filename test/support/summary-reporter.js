// Prints the lines CI reads and keeps them in .run/test-summary.txt:
//   N skipped, N todo
//   N passed, N failed
// The last line is the contract (CI parses it); the one before counts what did not run.
const fs = require('node:fs');
const path = require('node:path');

/** The two summary lines of a Jest run's aggregated results. */
function summaryLines(results) {
  // A suite that failed without a failing test (it did not compile, it has no test, an afterAll
  // threw) counts as one failure: otherwise a broken file would pass as "0 failed".
  const suitesFailedOutsideTests = results.testResults.filter((r) => r.testExecError && r.numFailingTests === 0 && !r.skipped).length;
  const failed = results.numFailedTests + suitesFailedOutsideTests;
  return [`${results.numPendingTests} skipped, ${results.numTodoTests} todo`, `${results.numPassedTests} passed, ${failed} failed`];
}

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const lines = summaryLines(results);
    const dir = path.resolve(__dirname, '..', '..', '.run');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'test-summary.txt'), `${lines.join('\n')}\n`);
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
}

module.exports = SummaryReporter;
module.exports.summaryLines = summaryLines;
