// Structured logs with pino: one JSON object per line on stdout, which CloudWatch Logs stores and Logs Insights queries
// by field. LOG_LEVEL sets the level (trace, debug, info, warn, error, fatal, silent); pino's options add redaction or
// transports (https://getpino.io/#/docs/api).
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * A logger writing to `destination` (stdout by default); tests pass their own stream to read what was logged.
 * Synchronous writes keep the lines in order and lose none when the process exits right after logging.
 */
export function createLogger(
  destination: DestinationStream = pino.destination({ dest: 1, sync: true }),
  level = process.env.LOG_LEVEL ?? 'info',
): Logger {
  return pino(
    {
      level,
      // The field names the previous logs used, so saved Logs Insights queries keep working.
      messageKey: 'message',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
