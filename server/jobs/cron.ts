import { DateTime } from 'luxon';

const RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];

function field(spec: string, [min, max]: [number, number]): Set<number> {
  const out = new Set<number>();
  for (const part of spec.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let [from, to] = range === '*' ? [min, max] : (range!.split('-').map(Number) as [number, number?]);
    to ??= stepText === undefined ? from : max;
    if (
      !Number.isInteger(from) ||
      !Number.isInteger(to) ||
      !Number.isInteger(step) ||
      step < 1 ||
      from < min ||
      to > max ||
      from > to
    ) {
      throw new Error(`"${spec}" is not a valid cron field (${min}–${max})`);
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/** A five-field cron schedule (minute hour day-of-month month day-of-week), read in a time zone. */
export function parseCron(schedule: string) {
  const parts = schedule.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`"${schedule}" needs five fields: minute hour day month weekday`);
  const [minute, hour, dom, month, dow] = parts.map((p, i) => field(p, RANGES[i]!));
  const restrictedDay = parts[2] !== '*' && parts[4] !== '*';
  return {
    /** Whether the schedule fires in the minute containing `at`, as seen in `zone`. */
    matches(at: DateTime, zone: string): boolean {
      const t = at.setZone(zone);
      const dayOk = restrictedDay
        ? dom!.has(t.day) || dow!.has(t.weekday % 7)
        : dom!.has(t.day) && dow!.has(t.weekday % 7);
      return minute!.has(t.minute) && hour!.has(t.hour) && month!.has(t.month) && dayOk;
    },
  };
}

/** Whether the schedule fired at any minute after `since` up to `now` (at most a day back). */
export function firedBetween(schedule: string, zone: string, since: DateTime, now: DateTime): boolean {
  const cron = parseCron(schedule);
  let t = DateTime.max(since, now.minus({ days: 1 }))
    .startOf('minute')
    .plus({ minutes: 1 });
  for (; t <= now; t = t.plus({ minutes: 1 })) if (cron.matches(t, zone)) return true;
  return false;
}
