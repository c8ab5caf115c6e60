import { useId } from 'preact/hooks';

/** A labelled input with ConnectWise's length limit counted as you type, and the field's error. */
export function Field(props: {
  label: string;
  name: string;
  value: string | number;
  onInput: (value: string) => void;
  max?: number;
  type?: 'text' | 'number';
  error?: string | undefined;
  multiline?: boolean;
  step?: string;
}) {
  const text = String(props.value ?? '');
  const over = props.max !== undefined && text.length > props.max;
  const onInput = (e: Event) => props.onInput((e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value);
  const invalid = over || Boolean(props.error);
  const id = useId();
  return (
    <div class="field">
      <label htmlFor={id}>
        <span>
          {props.label}
          {props.max !== undefined && (
            <span class={over ? 'count over' : 'count'}>{` ${text.length}/${props.max}`}</span>
          )}
        </span>
      </label>
      {props.multiline ? (
        <textarea id={id} rows={3} name={props.name} value={text} aria-invalid={invalid} onInput={onInput} />
      ) : props.type === 'number' ? (
        <input
          id={id}
          type="number"
          name={props.name}
          value={text}
          step={props.step ?? 'any'}
          aria-invalid={invalid}
          onInput={onInput}
        />
      ) : (
        <input id={id} type="text" name={props.name} value={text} aria-invalid={invalid} onInput={onInput} />
      )}
      {(props.error || over) && (
        <span class="field-error" role="alert">
          {props.error ?? `ConnectWise allows at most ${props.max} characters`}
        </span>
      )}
    </div>
  );
}
