import { useState } from 'preact/hooks';
import { cronToPreset, describePreset, presetToCron, type SchedulePreset } from '../../shared/schedule.ts';
import { whenIn } from './format.ts';

const two = (n: number) => String(n).padStart(2, '0');

/**
 * The schedule as presets (daily, weekdays, hourly) in the tenant's time zone, with raw cron as
 * the advanced choice. It edits the cron string the server stores and validates.
 */
export function SchedulePicker(props: {
  cron: string;
  timeZone: string;
  error?: string;
  onChange: (cron: string) => void;
}) {
  const current = cronToPreset(props.cron);
  const [kind, setKind] = useState<SchedulePreset['kind']>(current.kind);
  const time = current.kind === 'daily' || current.kind === 'weekdays' ? current : { hour: 0, minute: 0 };
  const minute = current.kind === 'hourly' ? current.minute : time.minute;
  const choose = (next: SchedulePreset['kind']) => {
    setKind(next);
    if (next === 'custom') return;
    props.onChange(
      presetToCron(next === 'hourly' ? { kind: next, minute } : { kind: next, hour: time.hour, minute: time.minute }),
    );
  };
  return (
    <div class="field" data-testid="schedule">
      <label class="field">
        <span>When (in {props.timeZone})</span>
        <select value={kind} onChange={(e) => choose(e.currentTarget.value as SchedulePreset['kind'])}>
          <option value="daily">Daily</option>
          <option value="weekdays">Weekdays (Monday to Friday)</option>
          <option value="hourly">Every hour</option>
          <option value="custom">Custom (cron)</option>
        </select>
      </label>
      {(kind === 'daily' || kind === 'weekdays') && (
        <label class="field">
          <span>At</span>
          <input
            type="time"
            value={`${two(time.hour)}:${two(time.minute)}`}
            onInput={(e) => {
              const [h, m] = e.currentTarget.value.split(':').map(Number);
              if (Number.isInteger(h) && Number.isInteger(m))
                props.onChange(presetToCron({ kind, hour: h!, minute: m! }));
            }}
          />
        </label>
      )}
      {kind === 'hourly' && (
        <label class="field">
          <span>Minutes past the hour</span>
          <input
            type="number"
            min={0}
            max={59}
            value={minute}
            onInput={(e) => {
              const m = Number(e.currentTarget.value);
              if (Number.isInteger(m) && m >= 0 && m <= 59) props.onChange(presetToCron({ kind: 'hourly', minute: m }));
            }}
          />
        </label>
      )}
      {kind === 'custom' && (
        <label class="field">
          <span>Cron (minute hour day month weekday)</span>
          <input
            value={props.cron}
            aria-invalid={Boolean(props.error)}
            onInput={(e) => props.onChange(e.currentTarget.value)}
          />
        </label>
      )}
      <span class="muted small" data-testid="schedule-words">
        {describePreset(current)} ({props.timeZone})
      </span>
      {props.error && <span class="field-error">{props.error}</span>}
    </div>
  );
}

/** The next runs the server reported, in the tenant's own time zone. */
export function NextRuns(props: { runs: string[]; timeZone: string }) {
  if (props.runs.length === 0) return null;
  let shown: string[];
  try {
    shown = props.runs.map((r) => whenIn(r, props.timeZone));
  } catch {
    return null;
  }
  return (
    <p class="muted small" data-testid="next-runs">
      Next runs: {shown.join(' · ')} ({props.timeZone})
    </p>
  );
}
