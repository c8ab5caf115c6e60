import { describe, expect, it } from 'vitest';
import { cronToPreset, describePreset, presetToCron, type SchedulePreset } from '../../shared/schedule.ts';

describe('schedule presets', () => {
  it('turn into cron and back', () => {
    const presets: SchedulePreset[] = [
      { kind: 'daily', hour: 2, minute: 30 },
      { kind: 'weekdays', hour: 18, minute: 0 },
      { kind: 'hourly', minute: 15 },
    ];
    for (const p of presets) expect(cronToPreset(presetToCron(p))).toEqual(p);
    expect(presetToCron({ kind: 'daily', hour: 2, minute: 30 })).toBe('30 2 * * *');
    expect(presetToCron({ kind: 'weekdays', hour: 18, minute: 5 })).toBe('5 18 * * 1-5');
  });

  it('keep anything else as custom cron, as typed', () => {
    for (const cron of ['0 0 1 * *', '*/15 * * * *', '0 9 * * 1', '99 * * * *', 'not cron'])
      expect(cronToPreset(cron)).toEqual({ kind: 'custom', cron });
  });

  it('say the schedule in words', () => {
    expect(describePreset(cronToPreset('30 2 * * *'))).toBe('Daily at 02:30');
    expect(describePreset(cronToPreset('0 18 * * 1-5'))).toBe('Weekdays (Monday to Friday) at 18:00');
    expect(describePreset(cronToPreset('15 * * * *'))).toBe('Every hour at :15');
    expect(describePreset(cronToPreset('0 0 1 * *'))).toBe('Custom: 0 0 1 * *');
  });
});
