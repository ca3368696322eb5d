// Reads the generated README: the text of one section.

/** The text of the README from a heading to the next level-3 heading. */
export function section(readme: string, title: string): string {
  const start = readme.indexOf(title);
  if (start < 0) throw new Error(`no section ${title}`);
  const end = readme.indexOf('\n### ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}
