import type { ButtonHTMLAttributes } from 'preact';
import type { Action } from '../../shared/schemas/permissions.ts';
import { whyNot } from '../models/session.ts';

/**
 * A button for something her ConnectWise role may forbid: disabled up front, with the reason
 * as its description, so she never fills a form only to be refused.
 */
export function ActionButton(props: ButtonHTMLAttributes<HTMLButtonElement> & { action: Action }) {
  const { action, disabled, title, ...rest } = props;
  const reason = whyNot(action);
  return (
    <button
      type="button"
      {...rest}
      disabled={Boolean(disabled) || reason !== null}
      title={reason ?? (title as string | undefined)}
      data-denied={reason ? action : undefined}
    />
  );
}

/** What on this page her role does not allow, said once at the top. */
export function RoleNote(props: { actions: Action[] }) {
  const reasons = [...new Set(props.actions.map(whyNot).filter((r): r is string => r !== null))];
  if (reasons.length === 0) return null;
  return (
    <div class="notice role" role="note" data-testid="role-note">
      {reasons.map((r) => (
        <p key={r}>{r}</p>
      ))}
    </div>
  );
}
