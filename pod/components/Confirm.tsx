import type { ComponentChildren } from 'preact';

/** An inline confirmation for destructive actions: says what will happen, then asks. */
export function Confirm(props: {
  children: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <div class="notice confirm" role="alertdialog" data-testid="confirm">
      <div>{props.children}</div>
      <div class="actions">
        <button type="button" class="danger" onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
