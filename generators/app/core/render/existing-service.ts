// --existing-service: the end of the run's words (the two wiring lines) and the check of the user's own Dockerfile.
import type { Settings } from '../settings/declaration.js';

/** The two lines that wire src/zero-downtime into an Express app (delivery/README.md shows the same). */
export function wiringLines(s: Settings): string[] {
  return [
    "import { serve } from './zero-downtime/index.js';",
    `serve(app, Number(process.env.PORT ?? ${s.port})); // instead of app.listen(port)`,
  ];
}

/**
 * Why the user's Dockerfile would lose requests on a deployment, or undefined when its last CMD or ENTRYPOINT runs
 * node itself in exec form (PID 1 then receives ECS's SIGTERM). npm does not forward SIGTERM to the app, and a shell
 * form CMD runs under /bin/sh -c, which does not forward it either.
 */
export function dockerfileProblem(text: string | undefined): string | undefined {
  if (text === undefined)
    return 'the repository has no Dockerfile: the build needs one at its root (delivery/README.md)';
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => /^(CMD|ENTRYPOINT)\s/i.test(line));
  const last = lines.at(-1);
  if (!last) return 'the Dockerfile has no CMD or ENTRYPOINT: check that the image runs node as PID 1';
  const args = last.replace(/^(CMD|ENTRYPOINT)\s+/i, '');
  if (/\bnpm\b|\byarn\b|\bpnpm\b/.test(args)) {
    return `the Dockerfile starts the app with a package manager (${last}): npm does not forward SIGTERM, so the app never drains and ECS kills it after stopTimeout; use CMD ["node", "<your entry file>"]`;
  }
  if (!args.startsWith('[')) {
    return `the Dockerfile's ${last.split(/\s/)[0]} is in shell form (${last}): /bin/sh -c becomes PID 1 and does not forward SIGTERM; use the exec form, CMD ["node", "<your entry file>"]`;
  }
  return undefined;
}

/** The end of a first run in an existing repository: what was written, the wiring lines, the next steps. */
export function existingServiceMessage(s: Settings, written: string[], dockerfile: string | undefined): string {
  const problem = dockerfileProblem(dockerfile);
  return [
    '',
    `Added the delivery of the existing ECS service ${s.service} (cluster ${s.cluster}, ${s.region}); nothing of yours was changed.`,
    `Files: ${written.join(', ')}.`,
    ...(problem ? ['', `Warning: ${problem}.`] : []),
    '',
    'Wire the health endpoint and the drain into your Express app (delivery/README.md "Wiring the module"):',
    ...wiringLines(s).map((line) => `  ${line}`),
    '',
    'Next steps:',
    '  commit and push delivery/ and src/zero-downtime/',
    '  sh delivery/deploy.sh          inspect the live service, show what zero downtime needs, deploy the pipeline',
  ].join('\n');
}
