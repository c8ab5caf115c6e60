import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedDistributors } from '../../../db/queries/distributors.ts';
import { getTenant } from '../../../db/queries/tenants.ts';
import { answer, type Caller, signedIn } from '../../helpers/api.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

/** The Connections page's API: nothing secret leaves the server; rotation stores only what works. */
describe('connections', () => {
  let stack: Stack;
  let jdoe: Caller;
  const world = () => stack.sandboxes.world;
  const tenant = () => getTenant(stack.database.db, stack.tenantId);
  beforeAll(async () => {
    stack = await startStack();
    jdoe = await signedIn(stack, 'jdoe');
  });
  afterAll(async () => stack?.close());

  it('shows what the tenant connects with, never a secret', async () => {
    const res = await answer(jdoe.connections.$get());
    expect(res.status).toBe(200);
    const api = world().cw.apiMembers[0]!;
    expect(res.body.connectwise).toMatchObject({
      companyId: world().cw.companyId,
      publicKey: `…${api.publicKey.slice(-4)}`,
    });
    const pax8 = res.body.distributors.find((d: { kind: string }) => d.kind === 'pax8')!;
    expect(pax8).toMatchObject({ displayName: 'Pax8', connected: true });
    const shown = Object.fromEntries(pax8.fields.map((f) => [f.name, f.shown]));
    expect(shown).toMatchObject({ clientId: world().pax8.clientId, clientSecret: '…cret' });
    // Every distributor the product can connect is offered, with its own form.
    expect(res.body.distributors.find((d: { kind: string }) => d.kind === 'ion')).toMatchObject({
      displayName: 'StreamOne Ion',
      connected: false,
    });
    const text = JSON.stringify(res.body);
    for (const secret of [api.privateKey, api.publicKey, world().pax8.clientSecret]) expect(text).not.toContain(secret);
  });

  it('lets only a member who may change settings test or rotate', async () => {
    const finance = await signedIn(stack, 'kpark');
    expect((await answer(finance.connections.test.$post())).status).toBe(403);
    expect(
      (await answer(finance.connections.$put({ json: { pax8: { clientId: 'x', clientSecret: 'y' } } }))).status,
    ).toBe(403);
  });

  it('tests the stored credentials and remembers when each last worked', async () => {
    const res = await answer(jdoe.connections.test.$post());
    expect(res.body.results).toEqual([
      { connection: 'connectwise', name: 'ConnectWise', ok: true, message: 'The API member Pax8 signed in.' },
      { connection: 'pax8', name: 'Pax8', ok: true, message: 'Pax8 accepted the stored credentials.' },
    ]);
    const after = (await answer(jdoe.connections.$get())).body;
    expect(after.connectwise.lastSuccess).not.toBeNull();
    expect(after.checks[0]).toMatchObject({ action: 'test', ok: true, checkedBy: 'Jane Doe (jdoe)' });
  });

  it('refuses a wrong new secret by name and keeps the old credentials in use', async () => {
    const stored = async () => (await connectedDistributors(stack.database.db, stack.tenantId))[0]!.credentialsEnc;
    const before = await stored();
    const res = await answer(
      jdoe.connections.$put({
        json: {
          pax8: { clientId: world().pax8.clientId, clientSecret: 'not-the-secret' },
        },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.details.fields.map((f: { field: string }) => f.field)).toContain('pax8.clientSecret');
    expect(await stored()).toBe(before);
    expect((await answer(jdoe.connections.test.$post())).body.results[1]!.ok).toBe(true);
    const refused = (await answer(jdoe.connections.$get())).body.checks.find(
      (k: { action: string }) => k.action === 'rotate',
    );
    expect(refused).toMatchObject({ connection: 'pax8', ok: false });
    expect(refused?.message).not.toContain('not-the-secret');
  });

  it('never sends a stored secret to a URL it was not stored with: a changed URL needs the secret again', async () => {
    // A listener on loopback standing for wherever someone points the connection.
    const received: string[] = [];
    const listener = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push(`${req.method} ${req.url} ${body}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((done) => listener.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    try {
      const before = (await connectedDistributors(stack.database.db, stack.tenantId))[0]!.credentialsEnc;
      const res = await answer(
        jdoe.connections.$put({ json: { pax8: { baseUrl: `${url}/v1`, tokenUrl: `${url}/oauth/token` } } }),
      );
      // Before the fix the listener got Pax8's stored client secret in a token request.
      expect(received).toEqual([]);
      expect(res.status).toBe(400);
      expect(res.body.details.fields).toEqual([
        {
          field: 'pax8.clientSecret',
          message: 'enter the Pax8 client secret again: a changed URL never receives the stored one',
        },
      ]);
      expect((await connectedDistributors(stack.database.db, stack.tenantId))[0]!.credentialsEnc).toBe(before);
      // The same URL as stored, with no secret entered, is not a change of endpoint.
      const same = await answer(jdoe.connections.$put({ json: { pax8: { clientId: world().pax8.clientId } } }));
      expect(same.status).toBe(200);
    } finally {
      listener.close();
    }
  });

  it('rotates the API member keys: tested, stored encrypted, and used from then on', async () => {
    const old = world().cw.apiMembers[0]!;
    const next = { ...old, publicKey: 'NEWpublicKEY0001', privateKey: 'NEWprivateKEY002' };
    world().cw.apiMembers.push(next);
    const before = (await tenant())!.apiKeysEnc;
    const res = await answer(
      jdoe.connections.$put({
        json: {
          apiMember: { publicKey: next.publicKey, privateKey: next.privateKey },
        },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.rotated).toEqual(['connectwise']);
    const stored = (await tenant())!.apiKeysEnc!;
    expect(stored).not.toBe(before);
    expect(stored).not.toContain(next.privateKey);
    // The old keys are revoked in ConnectWise; the stored ones still work.
    world().cw.apiMembers.splice(world().cw.apiMembers.indexOf(old), 1);
    expect((await answer(jdoe.connections.test.$post())).body.results[0]).toMatchObject({ ok: true });
    expect((await answer(jdoe.connections.$get())).body.connectwise.publicKey).toBe('…0001');
  });

  it('shows what a check said only to members with the Connections right', async () => {
    await answer(jdoe.connections.test.$post());
    const finance = await signedIn(stack, 'kpark');
    const checks = (await answer(finance.connections.$get())).body.checks as { message: string }[];
    expect(checks.length).toBeGreaterThan(0);
    for (const k of checks)
      expect(k.message).toBe('Details are shown to members whose ConnectWise role may change settings.');
    expect(((await answer(jdoe.connections.$get())).body.checks as { message: string }[])[0]!.message).toMatch(
      /signed in|accepted/,
    );
  });
});
