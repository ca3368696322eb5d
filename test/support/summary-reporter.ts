// Prints the plain closing line "<label>: N passed, N failed" that CI log readers recognise.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  constructor(private readonly options: { label?: string } = {}) {}

  onTestRunEnd(modules: readonly TestModule[]): void {
    const states = modules.flatMap((m) => [...m.children.allTests()].map((t) => t.result().state));
    const passed = states.filter((s) => s === 'passed').length;
    // A module that failed without a failed test (a hook or an import failed) counts once.
    const failedModules = modules.filter(
      (m) => m.state() === 'failed' && ![...m.children.allTests()].some((t) => t.result().state === 'failed'),
    ).length;
    const failed = states.filter((s) => s === 'failed').length + failedModules;
    const skipped = states.filter((s) => s === 'skipped').length;
    process.stdout.write(
      `\n${this.options.label ?? 'tests'}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
    );
  }
}
