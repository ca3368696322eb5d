// The generator's import graph, read from its sources, and the rules of its stages: no loops, no import from a later
// stage. Type-only imports count: a loop through types is still a loop a reader has to untangle.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The stages in the order a run passes through them; a module may import from its own stage and the ones before it. */
export const STAGES = [
  { name: 'settings', folder: 'core/settings/' },
  { name: 'render', folder: 'core/render/' },
  { name: 'write', folder: 'core/write/' },
  { name: 'run', folder: 'core/run/' },
  { name: 'command line', folder: 'cli/' },
  { name: 'Yeoman adapter', folder: 'index.ts' },
] as const;

/** Module (path relative to generators/app) -> the modules it imports, same form; packages and node: left out. */
export type ImportGraph = Map<string, string[]>;

/** Every .ts file under `root` (generators/app) with the files its relative imports reach, static and dynamic. */
export function readImportGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).sort();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(root, file), 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => path.posix.normalize(path.posix.join(path.posix.dirname(toPosix(file)), spec)))
      .map((target) => target.replace(/\.js$/, '.ts'));
    graph.set(toPosix(file), targets);
  }
  return graph;
}

const toPosix = (file: string) => file.split(path.sep).join('/');

/** Index of a module's stage in STAGES, or -1 when it is in none. */
export function stageOf(module: string): number {
  return STAGES.findIndex(({ folder }) => (folder.endsWith('/') ? module.startsWith(folder) : module === folder));
}

/** Every breach of the rules, one line each: a module in no stage, an import from a later stage, a loop. */
export function importProblems(graph: ImportGraph, stage: (module: string) => number = stageOf): string[] {
  const problems: string[] = [];
  const named = (m: string) => `${m} (${STAGES[stage(m)]?.name ?? 'no stage'})`;
  for (const [module, targets] of graph) {
    if (stage(module) === -1) problems.push(`${module} is in no stage`);
    for (const target of targets) {
      if (stage(target) === -1) problems.push(`${module} imports ${target}, which is in no stage`);
      else if (stage(target) > stage(module)) problems.push(`${named(module)} imports ${named(target)}: a later stage`);
      if (!graph.has(target) && !target.endsWith('.json'))
        problems.push(`${module} imports ${target}, which is missing`);
    }
  }
  // Depth-first search: an edge back to a module still on the path closes a loop.
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (module: string) => {
    if (done.has(module)) return;
    const at = onPath.indexOf(module);
    if (at !== -1) {
      problems.push(`loop: ${[...onPath.slice(at), module].join(' -> ')}`);
      return;
    }
    onPath.push(module);
    for (const target of graph.get(module) ?? []) visit(target);
    onPath.pop();
    done.add(module);
  };
  for (const module of graph.keys()) visit(module);
  return problems;
}
