import { BlockList, isIP } from 'node:net';

/**
 * Failed sign-ins, counted per client address with a backoff that grows with each failure: a
 * few mistakes are free, then each further try waits 2, 4, 8 … seconds (at most 15 minutes).
 * Only the client that fails waits: a flood from other addresses never stops a member whose
 * ConnectWise credentials verify, and a success clears the client's count. In memory, per
 * process: it paces guessing and spares the ConnectWise budget; it is not an accounting.
 */
export function createSignInLimit(
  options: { free?: number; maxWaitSeconds?: number; forgetMs?: number } = {},
  now: () => number = Date.now,
) {
  const free = options.free ?? 5;
  const maxWait = (options.maxWaitSeconds ?? 900) * 1000;
  const forget = options.forgetMs ?? 15 * 60_000;
  const clients = new Map<string, { failures: number; last: number }>();
  const live = (client: string) => {
    const entry = clients.get(client);
    if (entry && now() - entry.last >= Math.max(forget, waitMs(entry.failures))) {
      clients.delete(client);
      return undefined;
    }
    return entry;
  };
  const waitMs = (failures: number) => (failures < free ? 0 : Math.min(maxWait, 2 ** (failures - free + 1) * 1000));
  return {
    /** Seconds this client must wait before its next try, or null. */
    wait(client: string): number | null {
      const entry = live(client);
      if (!entry) return null;
      const left = entry.last + waitMs(entry.failures) - now();
      return left > 0 ? Math.ceil(left / 1000) : null;
    },
    failed(client: string) {
      if (clients.size > 50_000) for (const k of clients.keys()) live(k);
      const entry = live(client) ?? { failures: 0, last: 0 };
      clients.set(client, { failures: entry.failures + 1, last: now() });
    },
    succeeded(client: string) {
      clients.delete(client);
    },
  };
}

/**
 * The client's address: the socket's. `X-Forwarded-For` is believed only when the socket is a
 * proxy the deployment names (`TRUST_PROXY`), and then only as far as the first address that
 * is not one of those proxies, read from the right, so a client cannot forge its way in.
 */
export function clientAddressOf(
  socket: string | undefined,
  forwardedFor: string | undefined,
  trusted: BlockList | null,
): string {
  const peer = socket ?? 'unknown';
  if (!trusted || !forwardedFor || !isTrusted(trusted, peer)) return peer;
  const hops = forwardedFor
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!isTrusted(trusted, hops[i]!)) return hops[i]!;
  return hops[0] ?? peer;
}

function isTrusted(list: BlockList, address: string): boolean {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  const family = isIP(plain);
  return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

/** `TRUST_PROXY`: addresses or CIDR ranges of the proxies in front of this server, or `loopback`. */
export function trustedProxies(spec: readonly string[]): BlockList | null {
  if (spec.length === 0) return null;
  const list = new BlockList();
  for (const item of spec) {
    if (item === 'loopback') {
      list.addSubnet('127.0.0.0', 8, 'ipv4');
      list.addAddress('::1', 'ipv6');
      continue;
    }
    const [address, bits] = item.split('/');
    const family = isIP(address!) === 6 ? 'ipv6' : 'ipv4';
    if (bits) list.addSubnet(address!, Number(bits), family);
    else list.addAddress(address!, family);
  }
  return list;
}
