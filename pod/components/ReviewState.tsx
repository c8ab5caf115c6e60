import type { ComponentChildren } from 'preact';
import { Details } from './Details.tsx';
import { Notice } from './Notice.tsx';

/** A review being read: waiting for the plan, the plan, or why it could not be made. */
export type ReviewState<T> =
  | { kind: 'loading' }
  | { kind: 'ready'; data: T }
  | { kind: 'error'; message: string }
  | null;

/** Back to where the review was opened: the caller's place, or the company tab. */
export function BackLink({ onBack, toCompany }: { onBack?: () => void; toCompany: () => void }) {
  return (
    <button type="button" class="link" onClick={onBack ?? toCompany}>
      {onBack ? '← Back' : '← Back to the company'}
    </button>
  );
}

/**
 * A review of either kind (seats or usage): what it is waiting for while it plans, why it could
 * not plan (with the way back), or the review itself once the plan is in.
 */
export function Reviewed<T>(props: {
  state: ReviewState<T>;
  back: ComponentChildren;
  reading: string;
  refused: string;
  children: (data: T) => ComponentChildren;
}) {
  const r = props.state;
  if (!r || r.kind === 'loading') return <p class="muted">{props.reading}</p>;
  if (r.kind === 'error')
    return (
      <>
        {props.back}
        <Notice tone="error" title={props.refused}>
          {r.message}
        </Notice>
      </>
    );
  return <>{props.children(r.data)}</>;
}

/** Why a confirmation wrote nothing, in the member's words, with the vendor's own account folded behind "Details". */
export function WriteRefused({
  error,
  testId,
}: {
  error: { message: string; detail: string | null } | null;
  testId: string;
}) {
  if (!error) return null;
  return (
    <div class="notice error" role="alert" data-testid={testId}>
      {error.message}
      <Details text={error.detail} />
    </div>
  );
}
