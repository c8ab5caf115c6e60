import type { ComponentChildren } from 'preact';

export function Notice(props: {
  tone?: 'info' | 'error';
  title: string;
  children?: ComponentChildren;
  reload?: boolean;
}) {
  return (
    <div
      class={`notice${props.tone === 'error' ? ' error' : ''}`}
      role={props.tone === 'error' ? 'alert' : 'status'}
      data-testid="notice"
    >
      <strong>{props.title}</strong> {props.children}
      {props.reload && (
        <>
          {' '}
          <button type="button" onClick={() => location.reload()}>
            Reload
          </button>
        </>
      )}
    </div>
  );
}
