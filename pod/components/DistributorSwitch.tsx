import { choose, current, distributors } from '../models/distributor.ts';

/** Which distributor the pages show, when the tenant buys from more than one. */
export function DistributorSwitch() {
  const list = distributors.value;
  if (list.length < 2) return null;
  return (
    <label class="distributor-switch small" data-testid="distributor-switch">
      <span aria-hidden="true">Distributor </span>
      <select
        aria-label="Distributor shown"
        value={current.value?.kind}
        onChange={(e) => choose((e.currentTarget as HTMLSelectElement).value)}
      >
        {list.map((d) => (
          <option key={d.kind} value={d.kind}>
            {d.displayName}
          </option>
        ))}
      </select>
    </label>
  );
}
