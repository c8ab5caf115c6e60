const LABELS = { all: 'All', mapped: 'Mapped', unmapped: 'Unmapped', failed: 'Failed' } as const;
type Key = keyof typeof LABELS;

/** The clickable counts above a list; each filters the list to its status. */
export function Chips(props: { counts: Record<Key, number>; value: Key; onChange: (k: Key) => void }) {
  return (
    <div class="chips" role="tablist">
      {(Object.keys(LABELS) as Key[]).map((k) => (
        <button
          type="button"
          role="tab"
          aria-selected={props.value === k}
          class={props.value === k ? 'chip active' : 'chip'}
          data-testid={`chip-${k}`}
          onClick={() => props.onChange(k)}
        >
          {LABELS[k]} <strong>{props.counts[k]}</strong>
        </button>
      ))}
    </div>
  );
}
