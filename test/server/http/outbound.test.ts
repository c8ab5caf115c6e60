import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isInternalAddress, OutboundRefused, outboundProblem, publicFetch } from '../../../server/http/outbound.ts';
import { send } from '../../../server/http/send.ts';
import { VendorError } from '../../../server/http/vendor-error.ts';
import { checkDistributor } from '../../../server/tenants/connect-distributor.ts';

/** A resolver that answers from a table, standing for DNS (no name resolves on this machine). */
const dns = (table: Record<string, string[]>) => async (host: string) => {
  if (!table[host]) throw new Error(`ENOTFOUND ${host}`);
  return table[host]!;
};

describe('member-chosen URLs reach public addresses only', () => {
  it('knows the internal ranges, IPv4 written as IPv6 included', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0'])
      expect(isInternalAddress(ip), ip).toBe(true);
    for (const ip of ['::1', 'fe80::1', 'fd12:3456::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1', '::'])
      expect(isInternalAddress(ip), ip).toBe(true);
    for (const ip of ['8.8.8.8', '52.1.2.3', '2606:4700::1111', '::ffff:8.8.8.8'])
      expect(isInternalAddress(ip), ip).toBe(false);
  });

  it('refuses http, internal literals and names that resolve inside, naming why', async () => {
    const resolve = dns({
      'api.pax8.com': ['52.1.2.3'],
      'metadata.internal.test': ['169.254.169.254'],
      'split.example.test': ['52.1.2.3', '10.0.0.7'],
    });
    expect(await outboundProblem('https://api.pax8.com/v1', resolve)).toBeNull();
    expect(await outboundProblem('http://api.pax8.com/v1', resolve)).toBe('must be an https URL');
    for (const url of [
      'https://10.0.0.5/v1',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/',
      'https://metadata.internal.test/',
      'https://split.example.test/',
    ])
      expect(await outboundProblem(url, resolve), url).toMatch(/points at an internal address/);
    expect(await outboundProblem('https://nowhere.test/', resolve)).toBe('nowhere.test could not be resolved');
  });

  it('sends nothing to a refused address, and never follows a redirect', async () => {
    const calls: string[] = [];
    const base = (async (input: string | URL | Request, init?: RequestInit) => {
      calls.push(`${String(input)} ${init?.redirect}`);
      return new Response('{}', { status: 200 });
    }) as typeof fetch;
    const guarded = publicFetch(base, dns({ 'api.pax8.com': ['52.1.2.3'], 'evil.test': ['127.0.0.1'] }));
    await expect(guarded('https://evil.test/oauth/token', { method: 'POST' })).rejects.toBeInstanceOf(OutboundRefused);
    expect(calls).toEqual([]);
    await guarded('https://api.pax8.com/v1/companies');
    expect(calls).toEqual(['https://api.pax8.com/v1/companies manual']);
  });

  it('a connection check to an internal address is refused by field before anything is sent', async () => {
    const calls: string[] = [];
    const spy = (async (input: string | URL | Request) => {
      calls.push(String(input));
      return new Response('{}');
    }) as typeof fetch;
    const result = await checkDistributor(
      'pax8',
      {
        clientId: 'id',
        clientSecret: 'the-stored-secret',
        baseUrl: 'https://169.254.169.254/v1',
        tokenUrl: 'https://169.254.169.254/oauth/token',
      },
      { sandbox: false, fetch: spy },
    );
    expect(calls).toEqual([]);
    expect(result).toMatchObject({
      problems: [{ field: 'pax8.baseUrl', message: expect.stringMatching(/points at an internal address/) }],
    });
  });

  it('a redirect is reported and not followed: the place it points at receives nothing', async () => {
    const target: string[] = [];
    const elsewhere = createServer((req, res) => {
      target.push(`${req.method} ${req.url}`);
      res.end('{}');
    });
    await new Promise<void>((done) => elsewhere.listen(0, '127.0.0.1', done));
    const redirector = createServer((_req, res) => {
      res.writeHead(307, { location: `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/steal` }).end();
    });
    await new Promise<void>((done) => redirector.listen(0, '127.0.0.1', done));
    try {
      const error = await send({
        vendor: 'pax8',
        vendorName: 'Pax8',
        method: 'POST',
        url: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/oauth/token`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_secret: 'the-stored-secret' }),
        timeoutMs: 2_000,
        toError: () => new Error('unused') as VendorError,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VendorError);
      expect((error as VendorError).message).toBe(
        'Pax8 answered with a redirect (HTTP 307), which is not followed. Check the URL.',
      );
      expect(target).toEqual([]);
    } finally {
      elsewhere.close();
      redirector.close();
    }
  });

  it("an error's text is shown only from the vendor's own host", async () => {
    const leaky = (async () =>
      new Response('{"message":"root:x:0:0:root:/root:/bin/bash"}', { status: 400 })) as typeof fetch;
    const call = (url: string) =>
      send({
        vendor: 'pax8',
        vendorName: 'Pax8',
        method: 'GET',
        url,
        headers: {},
        timeoutMs: 2_000,
        fetch: leaky,
        ownHosts: /(^|\.)pax8\.com$/,
        toError: (res, text) =>
          new VendorError({
            vendor: 'pax8',
            code: 'validation',
            status: res.status,
            method: 'GET',
            path: '/',
            message: JSON.parse(text).message,
          }),
      }).catch((e: VendorError) => e.message);
    expect(await call('https://api.pax8.com/v1/companies')).toBe('root:x:0:0:root:/root:/bin/bash');
    const elsewhere = await call('https://intranet.example.test/v1/companies');
    expect(elsewhere).not.toContain('root:');
    expect(elsewhere).toBe(
      "intranet.example.test answered HTTP 400; what it said is not shown, as intranet.example.test is not one of Pax8's own addresses",
    );
  });
});
