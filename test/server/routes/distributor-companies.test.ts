import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, type Caller, signedIn } from '../../helpers/api.ts';
import { setFaults } from '../../helpers/sandbox.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

/** Creating the Pax8 company for a ConnectWise company that has none, and binding the two. */
describe('creating a Pax8 company from a ConnectWise one', () => {
  let stack: Stack;
  let jdoe: Caller;
  const world = () => stack.sandboxes.world;
  const draft = (cwCompanyId: number, name: string) => ({
    cwCompanyId,
    name,
    street: '12 Bay Street',
    city: 'Tampa',
    stateOrProvince: 'FL',
    postalCode: '33602',
    country: 'US',
    phone: '813-555-0100',
    website: 'https://example.com',
  });
  const cwOnly = (name: string) => world().cw.companies.find((c) => c.name === name)!;
  beforeAll(async () => {
    // A short Pax8 timeout, so an answer that never comes is seen in a second.
    stack = await startStack({
      distributors: { timeoutMs: 1_000, retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10, budgetMs: 100 } },
    });
    jdoe = await signedIn(stack, 'jdoe');
  });
  afterAll(async () => stack?.close());

  it('starts from the ConnectWise record: every address field, the country as Pax8 wants it', async () => {
    const tampa = cwOnly('Tampa Office Supply');
    const tab = (await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(tampa.id) } })))
      .body;
    expect(tab.newDistributorCompany).toEqual({
      name: 'Tampa Office Supply',
      street: tampa.addressLine1,
      street2: '',
      city: 'Tampa',
      stateOrProvince: 'FL',
      postalCode: '33602',
      country: 'US',
      phone: tampa.phoneNumber,
      website: '',
    });
  });

  it('names each field Pax8 refuses, and creates nothing', async () => {
    const before = world().pax8.companies.length;
    const res = await answer(
      jdoe['distributor-companies'].$post({
        json: {
          ...draft(cwOnly('Tampa Office Supply').id, 'Tampa Office Supply'),
          website: ' ',
          country: 'USA',
        },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'json.country',
      'json.website',
    ]);
    expect(world().pax8.companies.length).toBe(before);
  });

  it('creates it, binds it, and logs who did it', async () => {
    const tampa = cwOnly('Tampa Office Supply');
    const res = await answer(jdoe['distributor-companies'].$post({ json: draft(tampa.id, 'Tampa Office Supply') }));
    expect(res.status).toBe(201);
    const made = world().pax8.companies.find((c) => c.id === res.body.distributorCompanyId)!;
    expect(made).toMatchObject({
      name: 'Tampa Office Supply',
      externalId: `cw:${tampa.id}`,
      billOnBehalfOfEnabled: false,
      address: { street: '12 Bay Street', city: 'Tampa', stateOrProvince: 'FL', postalCode: '33602', country: 'US' },
    });
    expect(
      (await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(tampa.id) } }))).body
        .binding,
    ).toMatchObject({
      name: 'Tampa Office Supply',
    });
    const log = (await answer(jdoe.adjustments.$get({ query: {} }))).body.find(
      (l: { action: string }) => l.action === 'distributor-company.create',
    );
    expect(log).toMatchObject({ actorName: 'Jane Doe', outcome: 'success', companyName: 'Tampa Office Supply' });
    // Bound already: a second company is refused.
    expect(
      (await answer(jdoe['distributor-companies'].$post({ json: draft(tampa.id, 'Tampa Office Supply 2') }))).status,
    ).toBe(409);
  });

  it('when Pax8 made it but its answer was lost, finds it by the ConnectWise id and adopts it', async () => {
    const arcadia = world().cw.companies.filter((c) => c.name === 'Arcadia Tech')[1]!;
    await setFaults(stack.sandboxes.pax8.url, {
      rules: [{ method: 'POST', path: '/companies$', timeoutAfterCommit: 1 }],
    });
    try {
      const res = await answer(
        jdoe['distributor-companies'].$post({ json: draft(arcadia.id, 'Arcadia Tech (Tampa)') }),
      );
      expect(res.status).toBe(201);
      expect(world().pax8.companies.filter((c) => c.externalId === `cw:${arcadia.id}`).length).toBe(1);
      const outcomes = (await answer(jdoe.adjustments.$get({ query: {} }))).body
        .filter((l) => l.action === 'distributor-company.create' && l.companyName === 'Arcadia Tech (Tampa)')
        .map((l) => l.outcome);
      expect(outcomes).toEqual(['unknown']);
    } finally {
      await setFaults(stack.sandboxes.pax8.url, { rules: [] });
    }
  });

  it('lets only a member who may write create one', async () => {
    const finance = await signedIn(stack, 'kpark');
    expect(
      (await answer(finance['distributor-companies'].$post({ json: draft(cwOnly('Arcadia Tech').id, 'Nope') }))).status,
    ).toBe(403);
  });
});
