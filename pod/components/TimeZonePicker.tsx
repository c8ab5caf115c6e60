/** The zones MSPs in the guides' markets use most, offered first; every other zone follows. */
const COMMON = [
  'UTC',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
  'America/Toronto',
  'Europe/London',
  'Europe/Dublin',
  'Australia/Sydney',
  'Pacific/Auckland',
];

const all = (): string[] => {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? COMMON;
};

/** A zone's name with the time it is there now: "America/New_York (09:30 now)". */
const withNow = (zone: string) => {
  const time = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date());
  return `${zone.replace(/_/g, ' ')} (${time} now)`;
};

/** A time-zone picker: the common zones, then every zone the browser knows, each with its time now. */
export function TimeZonePicker(props: { value: string; error?: string; onChange: (zone: string) => void }) {
  const rest = all().filter((z) => !COMMON.includes(z));
  const known = COMMON.includes(props.value) || rest.includes(props.value);
  return (
    <label class="field">
      <span>Time zone</span>
      <select
        name="timeZone"
        value={props.value}
        aria-invalid={Boolean(props.error)}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        {!known && <option value={props.value}>{props.value}</option>}
        <optgroup label="Common">
          {COMMON.map((z) => (
            <option key={z} value={z}>
              {withNow(z)}
            </option>
          ))}
        </optgroup>
        <optgroup label="All zones">
          {rest.map((z) => (
            <option key={z} value={z}>
              {z.replace(/_/g, ' ')}
            </option>
          ))}
        </optgroup>
      </select>
      {props.error && <span class="field-error">{props.error}</span>}
    </label>
  );
}
