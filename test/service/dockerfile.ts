// Reads a Dockerfile through dockerfile-ast and answers what the service tests ask of it: stages, copies, commands.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import dockerignoreModule from '@balena/dockerignore';
import { DockerfileParser, type Copy, type From, type Instruction, type JSONInstruction } from 'dockerfile-ast';
import { ValidationSeverity, validate, type ValidatorSettings } from 'dockerfile-utils';

// Its types declare an ES default export, but the package is CommonJS (module.exports = the factory).
const dockerignore = dockerignoreModule as unknown as typeof dockerignoreModule.default;

export interface Stage {
  name: string;
  image: string;
  /** The stage's last WORKDIR (the generated Dockerfile sets one per stage, before any relative path). */
  workdir: string;
  instructions: Instruction[];
}

/** Every optional rule of dockerfile-utils raised to at least a warning. */
const STRICT: Required<ValidatorSettings> = {
  deprecatedMaintainer: ValidationSeverity.WARNING,
  directiveCasing: ValidationSeverity.WARNING,
  emptyContinuationLine: ValidationSeverity.WARNING,
  instructionCasing: ValidationSeverity.WARNING,
  instructionCmdMultiple: ValidationSeverity.WARNING,
  instructionEntrypointMultiple: ValidationSeverity.WARNING,
  instructionHealthcheckMultiple: ValidationSeverity.WARNING,
  instructionJSONInSingleQuotes: ValidationSeverity.WARNING,
  instructionWorkdirRelative: ValidationSeverity.WARNING,
};

/** The linter's diagnostics (errors and warnings), as "line N: message". */
export function lint(content: string): string[] {
  return validate(content, STRICT).map(
    (d) => `line ${d.range.start.line + 1}: ${typeof d.message === 'string' ? d.message : d.message.value}`,
  );
}

export function stagesOf(content: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(content).getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = instruction as From;
      stages.push({
        name: from.getBuildStage() ?? String(stages.length),
        image: from.getImage() ?? '',
        workdir: '/',
        instructions: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${instruction.getKeyword()} before the first FROM`);
    stage.instructions.push(instruction);
    if (instruction.getKeyword() === 'WORKDIR')
      stage.workdir = path.posix.resolve(stage.workdir, instruction.getArguments()[0].getValue());
  }
  return stages;
}

export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.getKeyword() === keyword);
}

/** The exec-form array of a CMD, or of a HEALTHCHECK's CMD. */
export function execForm(instruction: Instruction): string[] {
  if (instruction.getKeyword() === 'CMD')
    return (instruction as JSONInstruction).getJSONStrings().map((s) => s.getJSONValue());
  // A HEALTHCHECK's arguments are its flags, the word CMD, then the exec-form JSON array.
  const content = instruction.getArgumentsContent() ?? '';
  return JSON.parse(content.slice(content.indexOf('['))) as string[];
}

interface CopyStep {
  stage: Stage;
  from: string | undefined;
  sources: string[];
  /** Absolute destination in the stage's file system. */
  destination: string;
}

function copySteps(stages: Stage[]): CopyStep[] {
  return stages.flatMap((stage) =>
    instructionsOf(stage, 'COPY').map((instruction) => {
      const copy = instruction as Copy;
      const args = copy.getArguments().map((a) => a.getValue());
      return {
        stage,
        from: copy.getFromFlag()?.getValue() ?? undefined,
        sources: args.slice(0, -1),
        destination: path.posix.resolve(stage.workdir, args[args.length - 1]),
      };
    }),
  );
}

/**
 * Problems with the COPY sources: a source from the context must exist in `projectDir` and not be excluded
 * by .dockerignore; a source copied from a build stage must exist in `projectDir` at the same path relative
 * to that stage's WORKDIR (the build stage runs the same `npm run build` in a copy of the project).
 */
export function copySourceProblems(projectDir: string, content: string): string[] {
  const stages = stagesOf(content);
  const ignorePath = path.join(projectDir, '.dockerignore');
  const ignored = dockerignore().add(existsSync(ignorePath) ? readFileSync(ignorePath, 'utf8') : '');
  const problems: string[] = [];
  for (const step of copySteps(stages)) {
    for (const source of step.sources) {
      if (step.from === undefined) {
        if (!existsSync(path.join(projectDir, source))) problems.push(`COPY ${source}: not in the repository`);
        else if (ignored.ignores(source)) problems.push(`COPY ${source}: excluded by .dockerignore`);
        continue;
      }
      const origin = stages.find((s) => s.name === step.from);
      const relative = origin ? path.posix.relative(origin.workdir, source) : '..';
      if (relative.startsWith('..')) problems.push(`COPY --from=${step.from} ${source}: outside the stage's WORKDIR`);
      else if (!existsSync(path.join(projectDir, relative)))
        problems.push(`COPY --from=${step.from} ${source}: ${relative} is not built`);
    }
  }
  return problems;
}

/**
 * Where a file of the final image comes from, as a path in the project after `npm run build`: followed
 * back through the final stage's COPY steps (and, for --from copies, the build stage's WORKDIR).
 */
export function projectPathOfImageFile(content: string, imagePath: string): string | undefined {
  const stages = stagesOf(content);
  const final = stages[stages.length - 1];
  const absolute = path.posix.resolve(final.workdir, imagePath);
  for (const step of copySteps(stages)
    .filter((s) => s.stage === final)
    .reverse()) {
    if (absolute !== step.destination && !absolute.startsWith(`${step.destination}/`)) continue;
    const rest = path.posix.relative(step.destination, absolute);
    if (step.sources.length !== 1) continue;
    const origin = stages.find((s) => s.name === step.from);
    const source = path.posix.join(step.sources[0], rest);
    return origin ? path.posix.relative(origin.workdir, path.posix.resolve(origin.workdir, source)) : source;
  }
  return undefined;
}
