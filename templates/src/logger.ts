// Structured logs: one JSON object per line on stdout, which CloudWatch Logs stores and Logs Insights queries by field.

export type Level = 'info' | 'warn' | 'error';
export type Fields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
}

/** A logger writing to `write` (stdout by default); tests pass their own to read what was logged. */
export function createLogger(write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const log = (level: Level) => (message: string, fields: Fields = {}) => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }, errorsAsObjects)}\n`);
  };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/** JSON.stringify drops an Error's own fields; keep name, message and stack. */
function errorsAsObjects(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}
