import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandboxes } from '../../../server/sandbox/start.ts';
import { readManifest } from '../../../server/tenants/manifest.ts';
import { registerHostedEntries } from '../../../server/tenants/register.ts';
import { vendorFailure } from '../../helpers/failure.ts';
import { cwClientFor, memberAuth, startTestSandboxes } from '../../helpers/sandbox.ts';

let s: RunningSandboxes;
beforeAll(async () => {
  s = await startTestSandboxes();
});
afterAll(async () => s?.close());

const writes = async () =>
  ((await (await fetch(`${s.cw.url}/__sandbox/requests`)).json()) as { method: string; path: string }[]).filter(
    (r) => r.method !== 'GET' && r.path.includes('connectwisehostedsetups'),
  );

const TENANT = '5d0c4a52-8f0e-4c55-a1f4-7f8e1c2b3a4d';

describe('registering the tab and pod', () => {
  it("creates the manifest's entries with their tokens, then changes nothing when run again", async () => {
    const { client } = cwClientFor(s);
    const manifest = readManifest();
    const first = await registerHostedEntries(
      client,
      manifest,
      'https://sync.example.com',
      s.world.cw.clientId,
      TENANT,
    );
    expect(first.map((o) => [o.type, o.description, o.screen, o.action])).toEqual([
      ['Tab', 'Distributors', 'Company', 'created'],
      ['Pod', 'Unsynced subscriptions', 'Agreement', 'created'],
    ]);
    const setups = s.world.cw.hostedSetups;
    expect(setups.find((h) => h.type === 'Tab')).toMatchObject({
      url: `https://sync.example.com/pod/?place=company-tab&screen=[cw_screen]&id=[cw_id]&tenant=${TENANT}`,
      origin: 'https://sync.example.com',
    });
    expect(setups.find((h) => h.type === 'Pod')?.podHeight).toBe(manifest.entries[1]!.podHeight);

    const before = (await writes()).length;
    const second = await registerHostedEntries(
      client,
      manifest,
      'https://sync.example.com',
      s.world.cw.clientId,
      TENANT,
    );
    expect(second.map((o) => o.action)).toEqual(['unchanged', 'unchanged']);
    expect((await writes()).length).toBe(before);
    expect(s.world.cw.hostedSetups.length).toBe(2);
  });

  it('updates entries in place when the server moves', async () => {
    const { client } = cwClientFor(s);
    const outcome = await registerHostedEntries(
      client,
      readManifest(),
      'https://sync2.example.com',
      s.world.cw.clientId,
      TENANT,
    );
    expect(outcome.map((o) => o.action)).toEqual(['updated', 'updated']);
    expect(s.world.cw.hostedSetups.length).toBe(2);
    expect(s.world.cw.hostedSetups.every((h) => h.url.startsWith('https://sync2.example.com/pod/'))).toBe(true);
  });

  it('renames a tab in place: the first release\'s "Pax8" tab, then a name the tenant chose', async () => {
    const { client } = cwClientFor(s);
    const tab = () => s.world.cw.hostedSetups.find((h) => h.type === 'Tab')!;
    // As the first release registered it.
    tab().description = 'Pax8';
    const register = (options?: { tabName: string }) =>
      registerHostedEntries(client, readManifest(), 'https://sync2.example.com', s.world.cw.clientId, TENANT, options);
    const renamed = await register();
    expect(renamed.map((o) => [o.description, o.action])).toEqual([
      ['Distributors', 'updated'],
      ['Unsynced subscriptions', 'unchanged'],
    ]);
    const id = tab().id;
    const own = await register({ tabName: 'Cloud billing' });
    expect(own[0]).toMatchObject({ description: 'Cloud billing', action: 'updated', id });
    expect(s.world.cw.hostedSetups.map((h) => h.description).sort()).toEqual([
      'Cloud billing',
      'Unsynced subscriptions',
    ]);
  });

  it('reports a member without the Hosted API permission', async () => {
    const { client } = cwClientFor(s, await memberAuth(s, 'kpark'));
    const error = await vendorFailure(
      registerHostedEntries(client, readManifest(), 'https://sync3.example.com', s.world.cw.clientId, TENANT),
    );
    expect(error.code).toBe('permission');
  });
});
