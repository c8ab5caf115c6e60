/**
 * The schedule presets Settings offers, and the cron each stands for. Cron stays the stored
 * form (pg-boss fires it in the tenant's time zone); a schedule that matches no preset is shown
 * as "custom" with its raw cron.
 */
export type SchedulePreset =
  | { kind: 'daily'; hour: number; minute: number }
  | { kind: 'weekdays'; hour: number; minute: number }
  | { kind: 'hourly'; minute: number }
  | { kind: 'custom'; cron: string };

export function presetToCron(p: SchedulePreset): string {
  switch (p.kind) {
    case 'daily':
      return `${p.minute} ${p.hour} * * *`;
    case 'weekdays':
      return `${p.minute} ${p.hour} * * 1-5`;
    case 'hourly':
      return `${p.minute} * * * *`;
    case 'custom':
      return p.cron.trim();
  }
}

const num = (s: string, max: number) => (/^\d{1,2}$/.test(s) && Number(s) <= max ? Number(s) : null);

export function cronToPreset(cron: string): SchedulePreset {
  const f = cron.trim().split(/\s+/);
  if (f.length === 5) {
    const [m, h, dom, mon, dow] = f as [string, string, string, string, string];
    const minute = num(m, 59);
    const hour = num(h, 23);
    if (minute !== null && dom === '*' && mon === '*') {
      if (h === '*' && dow === '*') return { kind: 'hourly', minute };
      if (hour !== null && dow === '*') return { kind: 'daily', hour, minute };
      if (hour !== null && dow === '1-5') return { kind: 'weekdays', hour, minute };
    }
  }
  return { kind: 'custom', cron };
}

const two = (n: number) => String(n).padStart(2, '0');

/** "Daily at 02:30", "Weekdays at 18:00", "Every hour at :15", or the raw cron. */
export function describePreset(p: SchedulePreset): string {
  switch (p.kind) {
    case 'daily':
      return `Daily at ${two(p.hour)}:${two(p.minute)}`;
    case 'weekdays':
      return `Weekdays (Monday to Friday) at ${two(p.hour)}:${two(p.minute)}`;
    case 'hourly':
      return `Every hour at :${two(p.minute)}`;
    case 'custom':
      return `Custom: ${p.cron}`;
  }
}
