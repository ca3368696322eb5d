// AWS's CloudFormation linter (cfn-lint) next to the schema checker: every finding, error, warning or informational,
// is a problem. Tests that use it are skipped only where cfn-lint is not installed.
import { spawnSync } from 'node:child_process';

export const CFN_LINT_AVAILABLE = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;

/** cfn-lint's findings for template files, one line each ("file:line:column:...:rule:message"); empty when clean. */
export function cfnLint(files: string[], region: string): string[] {
  const out = spawnSync('cfn-lint', ['--format', 'parseable', '--include-checks', 'I', '--regions', region, '--', ...files], { encoding: 'utf8' });
  if (out.error) throw out.error;
  const findings = out.stdout.split('\n').filter(Boolean);
  // Exit 0 means no finding; anything else without a finding is cfn-lint failing to run.
  if (out.status !== 0 && findings.length === 0) throw new Error(`cfn-lint exited ${String(out.status)}: ${out.stderr}`);
  return findings;
}
