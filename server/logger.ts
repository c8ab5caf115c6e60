import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/**
 * Field names whose values are credentials. Redaction is by name so a secret passed in any
 * nested object is caught, not only the ones a caller remembered to strip.
 */
const SECRET_FIELD =
  /hash|secret|password|passwd|private|publickey|authorization|cookie|token|credential|apikey|memberContext/i;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_FIELD.test(k) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}

/**
 * One JSON object per line, written by pino: `{ level, time, message, ...fields }`, every field
 * passed through `redact` first. `sink` is a parameter so tests can read what would be logged;
 * standard output is written synchronously, so a command's last lines are not lost at its exit.
 */
export function createLogger(level: LogLevel, sink?: (line: string) => void): Logger {
  const out = pino(
    {
      level,
      base: undefined,
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: (fields) => redact(fields) as LogFields },
      // An error is logged as `redact` writes it (name and message, no stack), under any key.
      serializers: { err: (value: unknown) => value },
    },
    sink ? { write: (line: string) => sink(line.replace(/\n$/, '')) } : pino.destination({ dest: 1, sync: true }),
  );
  const emit =
    (at: LogLevel) =>
    (message: string, fields: LogFields = {}) =>
      out[at](fields, message);
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
