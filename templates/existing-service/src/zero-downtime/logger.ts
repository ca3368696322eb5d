// The module's logger: one JSON object per line on stdout (CloudWatch Logs stores each line), with no dependency, so
// the module adds nothing to your package.json. shutdown.ts reads only info and error.
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const line = (level: string) => (fields: Record<string, unknown>, message: string) => {
  const { err, ...rest } = fields;
  const error = err instanceof Error ? { err: { message: err.message, stack: err.stack } } : {};
  process.stdout.write(`${JSON.stringify({ level, time: new Date().toISOString(), message, ...rest, ...error })}\n`);
};

export const consoleLogger: Logger = { info: line('info'), error: line('error') };
