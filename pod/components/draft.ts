import { useState } from 'preact/hooks';

/**
 * What a number field shows while the member types in it: her own text, so a render meanwhile
 * (the stored values read again, a run's progress) never puts the stored value back under her
 * cursor. Each text is handed on as she types, to be kept when it reads; leaving the field
 * shows the value as kept.
 */
export function useDraft(stored: string, accept: (text: string) => void) {
  const [draft, setDraft] = useState<string | null>(null);
  return {
    value: draft ?? stored,
    onInput: (e: Event) => {
      const text = (e.currentTarget as HTMLInputElement).value;
      setDraft(text);
      accept(text);
    },
    onBlur: () => setDraft(null),
  };
}
