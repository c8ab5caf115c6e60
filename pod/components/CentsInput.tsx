import { centsToDecimal, parseCents } from '../../shared/money.ts';
import { useDraft } from './draft.ts';

/**
 * A dollar amount typed as a decimal and kept in cents; text that is not an amount with at
 * most two decimals is left unsaved.
 */
export function CentsInput(props: {
  name: string;
  value: number;
  max: number;
  label?: string;
  onCents: (cents: number) => void;
}) {
  const field = useDraft(centsToDecimal(props.value), (typed) => {
    const text = typed.trim() || '0';
    if (/^\d+(\.\d{1,2})?$/.test(text)) props.onCents(parseCents(text));
  });
  return (
    <input
      type="number"
      min="0"
      max={props.max}
      step="0.01"
      name={props.name}
      aria-label={props.label}
      class="small-input"
      {...field}
    />
  );
}
