export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

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

/** One JSON object per line; `sink` is a parameter so tests can read what would be logged. */
export function createLogger(
  level: LogLevel,
  sink: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Logger {
  const emit =
    (at: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      if (ORDER[at] < ORDER[level]) return;
      sink(JSON.stringify({ time: new Date().toISOString(), level: at, message, ...(redact(fields) as LogFields) }));
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
