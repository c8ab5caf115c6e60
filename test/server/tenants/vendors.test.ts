import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDistributor, connectedDistributor } from '../../../db/queries/distributors.ts';
import { getTenant } from '../../../db/queries/tenants.ts';
import { createSecretBox } from '../../../server/crypto.ts';
import type { RequestEvent } from '../../../server/http/send.ts';
import type { RunningSandboxes } from '../../../server/sandbox/start.ts';
import { openConnection, sealDistributor } from '../../../server/tenants/secrets.ts';
import { createVendors } from '../../../server/tenants/vendors.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { vendorFailure } from '../../helpers/failure.ts';
import { FAST_RETRY, startTestSandboxes } from '../../helpers/sandbox.ts';
import { insertTenant } from '../../helpers/tenant-rows.ts';

/** The stored StreamOne Ion connection as two server processes share it through the database. */
describe('a rotating distributor credential in the database', () => {
  let s: RunningSandboxes;
  let database: TestDatabase;
  const secrets = createSecretBox(randomBytes(32));
  beforeAll(async () => {
    s = await startTestSandboxes();
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
    await s?.close();
  });

  const newRefreshToken = async () =>
    ((await (await fetch(`${s.ion.url}/__sandbox/credentials`, { method: 'POST' })).json()) as { refreshToken: string })
      .refreshToken;
  /** A tenant connected to Ion with a fresh refresh token, as an admin would connect it. */
  async function ionTenant(name: string) {
    const id = await insertTenant(database.db, name);
    const creds = { accountId: s.world.ion.accountId, refreshToken: await newRefreshToken(), baseUrl: s.ion.url };
    await connectDistributor(database.db, id, 'ion', sealDistributor(secrets, id, 'ion', creds), 'test', new Date());
    return { tenant: (await getTenant(database.db, id))!, creds };
  }
  const stored = async (tenantId: string) =>
    openConnection(secrets, (await connectedDistributor(database.db, tenantId, 'ion'))!);
  /** A server process of its own: its own clients and caches, the same database. */
  const process = (events: RequestEvent[] = []) =>
    createVendors({
      sandbox: true,
      now: () => new Date(),
      db: database.db,
      secrets,
      distributors: { retry: FAST_RETRY, onRequest: (e) => events.push(e) },
    });

  it('stores each new refresh token, sealed, and two processes granting at once both get through', async () => {
    const { tenant, creds } = await ionTenant('Two Processes MSP');
    const [a, b] = [process(), process()];
    const [ionA, ionB] = [await a.distributor(tenant, 'ion'), await b.distributor(tenant, 'ion')];
    await Promise.all([ionA.distributor.verify(), ionB.distributor.verify()]);
    const after = await stored(tenant.id);
    expect(after.refreshToken).not.toBe(creds.refreshToken);
    expect(after).toMatchObject({ accountId: creds.accountId, baseUrl: creds.baseUrl });
    const row = (await connectedDistributor(database.db, tenant.id, 'ion'))!;
    expect(row.credentialsEnc).not.toContain(after.refreshToken);
    // A rotation is not a reconnection: the connection keeps when a person made it.
    expect(row.connectedBy).toBe('test');
    // A third process, started later, goes on from the stored token.
    await expect((await process().distributor(tenant, 'ion')).distributor.companies()).resolves.toMatchObject({
      problems: [],
    });
  });

  it('three processes starting at once make one grant between them: the row is locked, the access token shared', async () => {
    const { tenant, creds } = await ionTenant('Three Processes MSP');
    const events: RequestEvent[] = [];
    const processes = [process(events), process(events), process(events)];
    const clients = await Promise.all(processes.map((p) => p.distributor(tenant, 'ion')));
    await expect(Promise.all(clients.map((c) => c.distributor.verify()))).resolves.toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(events.filter((e) => e.url.endsWith('/oauth/token'))).toHaveLength(1);
    const after = await stored(tenant.id);
    expect(after.refreshToken).not.toBe(creds.refreshToken);
    // The shared access token is sealed with the rest, never in clear.
    const row = (await connectedDistributor(database.db, tenant.id, 'ion'))!;
    expect(after.accessToken).toBeTruthy();
    expect(row.credentialsEnc).not.toContain(after.accessToken!);
  });

  it('a lost refresh token is one clear error, not a retry loop, until an admin reconnects', async () => {
    const { tenant, creds } = await ionTenant('Lost Token MSP');
    // Someone used the token elsewhere (another tool, a copy of the database): it is spent.
    await fetch(`${s.ion.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.refreshToken }),
    });
    const events: RequestEvent[] = [];
    const vendors = process(events);
    const ion = await vendors.distributor(tenant, 'ion');
    for (let i = 0; i < 3; i++) {
      const error = await vendorFailure(ion.distributor.subscriptions());
      expect(error.message).toMatch(/Reconnect StreamOne Ion/);
    }
    expect(events.filter((e) => e.url.endsWith('/oauth/token'))).toHaveLength(1);

    const fresh = await newRefreshToken();
    await connectDistributor(
      database.db,
      tenant.id,
      'ion',
      sealDistributor(secrets, tenant.id, 'ion', { ...creds, refreshToken: fresh }),
      'Jane Doe (jdoe)',
      new Date(),
    );
    await expect((await vendors.distributor(tenant, 'ion')).distributor.verify()).resolves.toBeUndefined();
  });

  it('names the distributor that is not connected, and where to connect it', async () => {
    const id = await insertTenant(database.db, 'Nothing Connected MSP');
    const tenant = (await getTenant(database.db, id))!;
    await expect(process().distributor(tenant, 'ion')).rejects.toThrow(
      /StreamOne Ion is not connected for Nothing Connected MSP; an admin connects it on the Connections page/,
    );
    expect(await process().distributors(tenant)).toEqual([]);
  });
});
