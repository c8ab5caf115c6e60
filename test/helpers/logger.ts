import { createLogger, type Logger, type LogLevel } from '../../server/logger.ts';

/** A real logger whose lines are kept for assertions instead of printed. */
export function captureLogger(level: LogLevel = 'debug'): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(
    createLogger(level, (line) => lines.push(line)),
    { lines },
  );
}
