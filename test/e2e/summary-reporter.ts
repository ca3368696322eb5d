// Prints the plain closing line "e2e: N passed, N failed" that CI log readers recognise.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const states = modules.flatMap((m) => [...m.children.allTests()].map((t) => t.result().state));
    const passed = states.filter((s) => s === 'passed').length;
    const failed = states.filter((s) => s === 'failed').length + modules.filter((m) => m.state() === 'failed' && m.children.size === 0).length;
    const skipped = states.filter((s) => s === 'skipped').length;
    process.stdout.write(`\ne2e: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
