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

// Only the opening and closing markers: a line of seven '=' is a valid Markdown heading underline.
const MARKER_LINE = /^(?:<{7}|>{7})(?: |$)/m;

/** True while a text still holds a conflict marker line. */
export function hasConflictMarkers(text: string): boolean {
  return MARKER_LINE.test(text);
}

/** `text` with the line endings of `like`: CRLF when every line break of `like` is CRLF (a Windows checkout). */
export function withLineEndingsOf(like: string, text: string): string {
  const crlf = like.includes('\r\n') && !/(?<!\r)\n/.test(like);
  return crlf ? text.replace(/(?<!\r)\n/g, '\r\n') : text;
}
