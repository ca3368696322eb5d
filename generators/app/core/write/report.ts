// The words of a run: one line per file it changes or warns about, and the summary at its end.
import { CONFLICT_SUFFIX, conflictsOf, type Action, type FilePlan, type Plan } from './plan.js';

const VERBS: Record<Action, string> = {
  create: 'create',
  update: 'update',
  merge: 'merge',
  resolve: 'resolve',
  remove: 'remove',
  conflict: 'conflict',
  overwrite: 'replace',
  keep: 'keep',
  'keep-removed': 'skip',
  unchanged: 'same',
};

const NOTES: Partial<Record<Action, (file: string) => string>> = {
  merge: () => 'your edits kept, the new settings merged in',
  resolve: (file) => `your resolution from ${file}${CONFLICT_SUFFIX}`,
  conflict: (file) => `your file is untouched; the merge with conflict markers is in ${file}${CONFLICT_SUFFIX}`,
  overwrite: () => 'a file of yours was in the way; replaced because of --force',
  keep: () => 'warning: edited by you and no longer produced by these settings; kept (delete it if unneeded)',
  'keep-removed': () => 'warning: removed by you; not recreated (--force brings it back)',
};

/** Actions that write or remove a file. */
const WRITES: Action[] = ['create', 'update', 'merge', 'resolve', 'remove', 'overwrite'];

export { cut } from '../settings/resolve.js';

/** One line per file that a run changes or warns about, then the side files left from an earlier run. */
export function describePlan(plan: Plan): string[] {
  const lines = plan.files
    .filter((file) => file.action !== 'unchanged')
    .map((file) => {
      const kept = file.copy ? `yours is kept as ${file.copy.path}` : undefined;
      const note = [file.reason, NOTES[file.action]?.(file.path), kept].filter(Boolean).join('; ');
      return `  ${VERBS[file.action].padEnd(8)} ${file.path}${note ? `  (${note})` : ''}`;
    });
  for (const side of plan.staleConflictFiles) {
    lines.push(`  ${'stale'.padEnd(8)} ${side}  (warning: left from an earlier conflict; delete it)`);
  }
  return lines;
}

export interface ReportFacts {
  dryRun: boolean;
  /** Whether .yo-rc.json changes (or, dry, would change). */
  stored: boolean;
  /** Generator version that made the files before, when it differs from this one. */
  upgradedFrom?: string;
  version: string;
}

/** What the run did (or, dry, would do), for the end of the run. */
export function runReport(plan: Plan, facts: ReportFacts): string {
  const lines = describePlan(plan);
  const conflicts = conflictsOf(plan).length;
  const upgrade = facts.upgradedFrom
    ? [`Upgraded from generator version ${facts.upgradedFrom} to ${facts.version}.`]
    : [];
  if (facts.dryRun) {
    return ['', 'Dry run, nothing was written. This run would:', ...(lines.length > 0 ? lines : ['  change no file'])]
      .concat(
        conflicts > 0 ? [`and stop on ${conflicts} conflict(s), leaving your files and .yo-rc.json as they are.`] : [],
      )
      .join('\n');
  }
  if (conflicts > 0) {
    return [
      '',
      'Stopped on conflicts: only the .conflict files were written. Once they are resolved, the run will:',
      ...lines,
    ].join('\n');
  }
  const writes = plan.files.some((file) => WRITES.includes(file.action));
  if (!writes && !facts.stored) {
    return lines.length === 0
      ? '\nNothing to change: the files already match these settings; nothing was written.'
      : ['', 'Nothing was written; the files match these settings, except:', ...lines].join('\n');
  }
  return [
    '',
    ...upgrade,
    'Regenerated for the new settings:',
    ...(lines.length > 0 ? lines : ['  no file changes']),
    facts.stored ? 'Stored the settings in .yo-rc.json.' : '',
  ]
    .join('\n')
    .trimEnd();
}

/** Ends a run whose merge conflicts with the user's edits; the message lists every conflict. */
export class ConflictError extends Error {
  constructor(readonly conflicts: FilePlan[]) {
    super(
      `${conflicts.length} file(s) conflict with your edits; your files and .yo-rc.json are unchanged:\n` +
        conflicts
          .map(({ path: file, reason }) => `  - ${file}: ${reason ?? `conflict markers in ${file}${CONFLICT_SUFFIX}`}`)
          .join('\n') +
        `\nResolve the markers in each ${CONFLICT_SUFFIX} file (keep its first line), then run the same command again: ` +
        'each resolved file replaces yours and the regeneration completes. Or run again with --force to replace files of yours that are in the way (each is kept beside it as <file>.orig).',
    );
    this.name = 'ConflictError';
  }
}
