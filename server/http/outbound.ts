import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a URL a member typed must never reach: this machine, the private networks behind
 * it, link-local (the cloud metadata service at 169.254.169.254 among them), shared and
 * reserved space, multicast. Outside sandbox mode every vendor URL is checked against it.
 */
const INTERNAL = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  INTERNAL.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['fd00:ec2::', 32],
] as const)
  INTERNAL.addSubnet(net, bits, 'ipv6');

/** Whether an IP address is internal; an IPv4 address written as IPv6 is judged as IPv4. */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export type Resolve = (host: string) => Promise<string[]>;

const resolveAll: Resolve = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Why a URL may not be reached, or null: https only, and a host that resolves to public
 * addresses only (every one of them, so a name with one internal address is refused).
 */
export async function outboundProblem(url: string, resolve: Resolve = resolveAll): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'https:') return 'must be an https URL';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch {
    return `${host} could not be resolved`;
  }
  if (addresses.length === 0) return `${host} could not be resolved`;
  if (addresses.some(isInternalAddress))
    return `${host} points at an internal address (this server, a private network or a metadata service); only public addresses are reached`;
  return null;
}

/** Refused before anything is sent: the URL points at an internal address. */
export class OutboundRefused extends Error {
  readonly refused = true;
}

/**
 * The fetch every vendor client uses outside sandbox mode: each request's host is resolved
 * and checked first, and redirects are never followed (a vendor that redirects is reported,
 * not trusted with the request again). A host whose answer changes between this check and the
 * connection (DNS rebinding) is the remaining gap; deployments that need it closed put the
 * server behind an egress proxy.
 */
export function publicFetch(base: typeof fetch = fetch, resolve: Resolve = resolveAll): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const problem = await outboundProblem(url, resolve);
    if (problem) throw new OutboundRefused(`${new URL(url).host} ${problem}`);
    return base(input, { ...init, redirect: 'manual' });
  };
}

/** The fetch vendor clients use: as given in sandbox mode, public addresses only otherwise. */
export const outbound = (sandbox: boolean, base?: typeof fetch): typeof fetch | undefined =>
  sandbox ? base : publicFetch(base ?? fetch);
