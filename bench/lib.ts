// Shared by the benchmarks: a markdown table printer and small statistics.
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Prints one markdown table (ready to paste into the README) under a one-line title. */
export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log([line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n'));
}

export const ratio = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}x`;
