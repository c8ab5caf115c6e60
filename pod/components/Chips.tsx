const LABELS = { all: 'All', mapped: 'Mapped', unmapped: 'Unmapped', failed: 'Failed' } as const;
type Key = keyof typeof LABELS;

/**
 * The clickable counts above a list; each filters the list to its status. They are toggle
 * buttons, not tabs: the list below stays one list whichever filter is on.
 */
/** `value` null: none is on (a list focused on one record by a link). */
export function Chips(props: { counts: Record<Key, number>; value: Key | null; onChange: (k: Key) => void }) {
  return (
    <fieldset class="chips">
      <legend class="visually-hidden">Filter by status</legend>
      {(Object.keys(LABELS) as Key[]).map((k) => (
        <button
          key={k}
          type="button"
          aria-pressed={props.value === k}
          class={props.value === k ? 'chip active' : 'chip'}
          data-testid={`chip-${k}`}
          onClick={() => props.onChange(k)}
        >
          {LABELS[k]} <strong>{props.counts[k]}</strong>
        </button>
      ))}
    </fieldset>
  );
}
