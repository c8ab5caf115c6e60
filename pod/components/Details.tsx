/**
 * The technical side of a failure (the vendor's method, path, status and words), folded away:
 * the member reads what happened and what to do; whoever digs opens this.
 */
export function Details({ text }: { text: string | null | undefined }) {
  if (!text) return null;
  return (
    <details class="small" data-testid="error-details">
      <summary>Details</summary>
      <code>{text}</code>
    </details>
  );
}
