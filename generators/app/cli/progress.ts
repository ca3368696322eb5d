// The steps of a run as they happen (writing, installing): on a terminal marked, in colour unless NO_COLOR
// (https://no-color.org: present and not empty turns colour off); elsewhere plain lines.
export function progressLine(isTTY: boolean, env: Record<string, string | undefined>): (step: string) => string {
  const colour = isTTY && !env.NO_COLOR;
  if (!isTTY) return (step) => step;
  return (step) => (colour ? `\x1b[36m›\x1b[0m ${step}` : `› ${step}`);
}
