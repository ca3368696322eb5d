// AWS's CloudFormation linter (cfn-lint) next to the schema checker: every finding, error, warning or informational,
// is a problem. Tests that use it are skipped only where cfn-lint is not installed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const CFN_LINT_AVAILABLE = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;

/** One template to lint and the region it is deployed to. */
export interface LintTarget {
  file: string;
  region: string;
}

/** The part of cfn-lint's `--format json` output a finding is reported with. */
interface JsonFinding {
  Filename: string | null;
  Level: string;
  Message: string;
  Location: { Start: { LineNumber: number } };
  Rule: { Id: string };
}

/**
 * cfn-lint's findings for many templates, by file ("line:rule:level:message" each; empty when clean). cfn-lint starts
 * in seconds, so it runs once per region over all the files, and its JSON output names the file of each finding.
 */
export function cfnLintEach(targets: readonly LintTarget[]): Map<string, string[]> {
  const byFile = new Map(targets.map((t) => [path.resolve(t.file), [] as string[]]));
  for (const region of new Set(targets.map((t) => t.region))) {
    const files = targets.filter((t) => t.region === region).map((t) => t.file);
    const out = spawnSync(
      'cfn-lint',
      ['--format', 'json', '--include-checks', 'I', '--regions', region, '--', ...files],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (out.error) throw out.error;
    let findings: JsonFinding[];
    try {
      findings = JSON.parse(out.stdout) as JsonFinding[];
    } catch {
      throw new Error(`cfn-lint exited ${String(out.status)} without JSON: ${out.stderr}`);
    }
    // Exit 0 means no finding; anything else without a finding is cfn-lint failing to run.
    if (out.status !== 0 && findings.length === 0)
      throw new Error(`cfn-lint exited ${String(out.status)}: ${out.stderr}`);
    for (const f of findings) {
      const list = f.Filename ? byFile.get(path.resolve(f.Filename)) : undefined;
      if (!list) throw new Error(`cfn-lint reported a finding of a file it was not given: ${JSON.stringify(f)}`);
      list.push(`${f.Location.Start.LineNumber}:${f.Rule.Id}:${f.Level}:${f.Message}`);
    }
  }
  return new Map(targets.map((t) => [t.file, byFile.get(path.resolve(t.file)) ?? []]));
}

/** cfn-lint's findings for template files of one region, one line each ("file:line:rule:level:message"); empty when clean. */
export function cfnLint(files: string[], region: string): string[] {
  return [...cfnLintEach(files.map((file) => ({ file, region })))].flatMap(([file, findings]) =>
    findings.map((f) => `${file}:${f}`),
  );
}
