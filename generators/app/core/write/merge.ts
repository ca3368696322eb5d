// Line-based three-way merge of text files (node-diff3), with git's diff3-style conflict markers.
import { mergeDiff3 } from 'node-diff3';

export const MARKER_LABELS = { a: 'yours', o: 'previous settings', b: 'new settings' } as const;

export type MergeOutcome = { clean: true; text: string } | { clean: false; text: string };

/**
 * Merges the changes from base to ours (the user's edits) with those from base to theirs (the new settings).
 * A clean merge gives the merged text; a conflicting one gives the text with conflict markers around each clash.
 */
export function mergeThreeWay(ours: string, base: string, theirs: string): MergeOutcome {
  // Arrays of lines: given strings, node-diff3 would split on whitespace and merge word by word.
  const merged = mergeDiff3(ours.split('\n'), base.split('\n'), theirs.split('\n'), { label: MARKER_LABELS });
  return { clean: !merged.conflict, text: merged.result.join('\n') };
}

// Any of the four marker lines, alone or with a label (no template writes such a line: a test checks it).
const MARKER_LINE = /^(?:<{7}|\|{7}|={7}|>{7})(?: .*)?\r?$/m;

/** True while a text still holds a conflict marker line of any kind. */
export function hasConflictMarkers(text: string): boolean {
  return MARKER_LINE.test(text);
}

/**
 * `text` with the line endings of `like`: CRLF when most line breaks of `like` are CRLF (a Windows checkout), so that a
 * few LF lines in a CRLF file are line-level differences, not a whole-file one.
 */
export function withLineEndingsOf(like: string, text: string): string {
  const crlf = (like.match(/\r\n/g)?.length ?? 0) > (like.match(/(?<!\r)\n/g)?.length ?? 0);
  return crlf ? text.replace(/(?<!\r)\n/g, '\r\n') : text;
}
