import type { Stack } from './stack.ts';

/** Sets a subscription's line on Pax8's invoice for a period, as the sandbox's admin switch does. */
export async function setInvoiceLine(
  stack: Stack,
  change: { subscriptionId: string; period: string; quantity?: number; cost?: number; credit?: number },
) {
  const res = await fetch(`${stack.sandboxes.pax8.url}/__sandbox/invoice-lines`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(change),
  });
  if (!res.ok) throw new Error(`invoice line: ${res.status} ${await res.text()}`);
  return res.json();
}

/** ConnectWise's lines on an agreement for a catalog item, as the sandbox holds them. */
export const linesOf = (stack: Stack, agreementId: number, catalogItemId: number) =>
  stack.sandboxes.world.cw.additions.filter((a) => a.agreementId === agreementId && a.product.id === catalogItemId);
