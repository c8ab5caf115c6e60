import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedDayClock } from '../../../server/clock.ts';
import { ARREARS_QUEUE, SYNC_QUEUE } from '../../../server/jobs/engine.ts';
import { sendDigest } from '../../../server/notify/digest.ts';
import type { NotificationSettings } from '../../../shared/schemas/notifications.ts';
import { answer, type Caller, signedIn } from '../../helpers/api.ts';
import { jobReaches } from '../../helpers/jobs.ts';
import { mapSubscription, setBilling } from '../../helpers/mapped.ts';
import { setInvoiceLine } from '../../helpers/reconcile.ts';
import { SANDBOX_TODAY } from '../../helpers/sandbox.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

/** The digest: what it lists, by email to the sandbox inbox, and as a ticket in the sandbox ConnectWise. */
describe('notifications', () => {
  /** The product's day: a later test moves it on, as the next day's daily job would run. */
  let day = SANDBOX_TODAY;
  let stack: Stack;
  let jdoe: Caller;
  let kpark: Caller;
  beforeAll(async () => {
    stack = await startStack({ clock: { now: () => pinnedDayClock(day).now() } });
    jdoe = await signedIn(stack, 'jdoe');
    kpark = await signedIn(stack, 'kpark');
  });
  afterAll(async () => stack?.close());

  const inbox = () => stack.sandboxes.mail.messages;
  const settings = (over: Partial<NotificationSettings> = {}): NotificationSettings => ({
    cadence: 'daily',
    recipients: ['billing@sandbox-msp.example', 'owner@sandbox-msp.example'],
    events: ['unmapped', 'failed-writes', 'pending-review', 'renewals', 'reconciliation-changes'],
    ticket: { enabled: false, boardId: null, companyId: null },
    subject: 'Action needed in {PSAConnector}: {ItemCount} items on {Date}',
    ...over,
  });

  it('refuses incomplete settings by field, and a member who may not change settings', async () => {
    const bad = await answer(
      jdoe['notification-settings'].$put({
        json: settings({ ticket: { enabled: true, boardId: null, companyId: null } }),
      }),
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('ticket.boardId');
    const email = await answer(
      jdoe['notification-settings'].$put({ json: settings({ recipients: ['not-an-address'] }) }),
    );
    expect(email.status).toBe(400);
    expect(JSON.stringify(email.body)).toContain('recipients');
    const finance = await answer(kpark['notification-settings'].$put({ json: settings() }));
    expect(finance.status).toBe(403);
  });

  it('sends the digest to the sandbox inbox with the right items, and opens a ticket when asked', async () => {
    const m = setBilling(stack, await mapSubscription(stack, jdoe, 'Granite Auto Group, P.C.'), 1, [['2026-09-01', 8]]);
    await setInvoiceLine(stack, { subscriptionId: m.sub.id, period: '2026-10', quantity: 8 });
    expect((await answer(jdoe.reconciliations.$get({ query: { period: '2026-10' } }))).status).toBe(200);
    const boards = await answer(jdoe['service-boards'].$get());
    expect(boards.body.boards.map((b: { name: string }) => b.name)).toEqual(['Billing', 'Help Desk']);
    const billing = boards.body.boards.find((b: { name: string }) => b.name === 'Billing')!;
    // Only the MSP's own company is offered for the ticket.
    expect(boards.body.companies).toEqual([{ id: expect.any(Number), name: 'Sandbox MSP' }]);
    const own = boards.body.companies[0] as { id: number };
    const saved = await answer(
      jdoe['notification-settings'].$put({
        json: settings({ ticket: { enabled: true, boardId: billing.id, companyId: own.id } }),
      }),
    );
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.updatedBy).toMatch(/^Jane Doe/);
    // A daily digest keeps the daily job scheduled, though scheduled sync is off.
    expect(await stack.jobs.boss.getSchedule(ARREARS_QUEUE, stack.tenantId)).not.toBeNull();
    expect(await stack.jobs.boss.getSchedule(SYNC_QUEUE, stack.tenantId)).toBeNull();

    // The daily job reconciles last month, then sends the digest.
    const id = await stack.jobs.sync.enqueueArrears(stack.tenantId, 'test');
    await jobReaches(stack.jobs.boss, id!, undefined, 60_000, ARREARS_QUEUE);
    await expect.poll(() => inbox().length, { timeout: 15_000 }).toBe(1);
    const mail = inbox()[0]!;
    expect(mail.to).toEqual(['billing@sandbox-msp.example', 'owner@sandbox-msp.example']);
    expect(mail.subject).toMatch(/^Action needed in ConnectWise: \d+ items on 11\/22\/2026$/);
    expect(mail.text).toContain('Reconciliations pending review: accept or reject before invoicing');
    expect(mail.text).toContain(
      `Granite Auto Group, P.C. · ${m.sub.productName} · October 2026 · Pending Review · difference $`,
    );
    expect(mail.text).toContain('Unmapped subscriptions');
    // In the member's words: names and amounts, never a distributor's raw ids, and a link to Manage.
    const unmapped = mail.text.split('Unmapped subscriptions')[1]!.split('\n\n')[0]!;
    expect(unmapped).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/);
    expect(unmapped).toMatch(/ · \$[\d,]+\.\d\d a month not billed/);
    const link =
      `${stack.sandboxes.cw.url}/v4_6_release/services/system_io/router/openrecord.rails` +
      `?recordType=AgreementFV&recid=${m.agreement.id}&companyName=${stack.sandboxes.world.cw.companyId}`;
    expect(mail.text).toContain(link);
    expect(mail.html).toContain('>Open in Manage</a>');
    const opened = await fetch(link, { redirect: 'manual' });
    expect(opened.headers.get('location')).toBe(`/#/agreement/${m.agreement.id}`);
    expect(mail.text).toContain('Billing reconciliation status changes');
    expect(mail.text).toContain(`${m.sub.productName} · October 2026: New → Pending Review`);
    const tickets = stack.sandboxes.world.cw.tickets;
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ board: { name: 'Billing' }, company: { id: own.id }, summary: mail.subject });
    expect(tickets[0]!.initialDescription).toContain('Pending Review');
    // The daily job again the same day (a command-line run, a retry): nothing is sent twice.
    const again = await stack.jobs.sync.enqueueArrears(stack.tenantId, 'test');
    await jobReaches(stack.jobs.boss, again!, undefined, 60_000, ARREARS_QUEUE);
    expect(inbox()).toHaveLength(1);
    expect(stack.sandboxes.world.cw.tickets).toHaveLength(1);
    // Status changes are told once: the next digest has none of those already sent.
    const test = await answer(
      jdoe.notifications.test.$post({ json: settings({ events: ['reconciliation-changes'] }) }),
    );
    expect(test.status, JSON.stringify(test.body)).toBe(200);
    expect(test.body).toMatchObject({ emailed: true, items: 0 });
    expect(inbox().at(-1)!.subject).toMatch(/^\[Test\] /);
    const log = await answer(jdoe['notification-settings'].$get());
    expect(log.body.digests.map((d: { trigger: string }) => d.trigger)).toEqual(['test', 'daily']);
    expect(log.body.digests[1]).toMatchObject({ emailed: true, ticketId: tickets[0]!.id, error: null });
  });

  it('on the schedule with auto-sync off, the daily job sends the digest and bills no usage', async () => {
    const runs = async () => (await answer(jdoe.sync.runs.$get())).body.length;
    const before = await runs();
    const mails = inbox().length;
    // The next day's job: the day before's digest went already.
    day = '2026-11-23';
    const id = await stack.jobs.boss.send(ARREARS_QUEUE, {
      tenantId: stack.tenantId,
      trigger: 'scheduled',
      requestedBy: 'schedule',
    });
    const job = await jobReaches(stack.jobs.boss, id!, undefined, 60_000, ARREARS_QUEUE);
    expect(job.output).toMatchObject({ skipped: 'auto-sync is off: usage is not billed on the schedule' });
    await expect.poll(() => inbox().length, { timeout: 15_000 }).toBe(mails + 1);
    expect(inbox().at(-1)!.subject).toMatch(/^Action needed in ConnectWise/);
    day = SANDBOX_TODAY;
    expect(await runs()).toBe(before);
  });

  it('names a mail server that refuses, and still records the digest', async () => {
    stack.sandboxes.mail.messages.length = 0;
    const res = await answer(
      jdoe.notifications.test.$post({ json: settings({ recipients: ['billing@sandbox-msp.example'] }) }),
    );
    expect(res.body.emailed).toBe(true);
    const own = (await answer(jdoe['service-boards'].$get())).body.companies[0] as { id: number };
    const boards = await answer(
      jdoe.notifications.test.$post({ json: settings({ ticket: { enabled: true, boardId: 3, companyId: own.id } }) }),
    );
    expect(boards.status).toBe(200);
    expect(boards.body.ticketId).toBeNull();
    expect(boards.body.error).toMatch(/^ConnectWise did not open the ticket: .*board/);
  });

  describe('the digest ticket goes to the MSP only', () => {
    const customer = () => stack.sandboxes.world.cw.companies.find((c) => c.name === 'Granite Auto Group, P.C.')!;
    const billing = async () =>
      ((await answer(jdoe['service-boards'].$get())).body.boards as { id: number; name: string }[]).find(
        (b) => b.name === 'Billing',
      )!;

    it("refuses a customer's company for the ticket, by field, on save and on a test, and opens nothing", async () => {
      const before = stack.sandboxes.world.cw.tickets.length;
      const onCustomer = settings({
        ticket: { enabled: true, boardId: (await billing()).id, companyId: customer().id },
      });
      for (const res of [
        await answer(jdoe['notification-settings'].$put({ json: onCustomer })),
        await answer(jdoe.notifications.test.$post({ json: onCustomer })),
      ]) {
        expect(res.status).toBe(400);
        expect(res.body.details.fields).toEqual([
          { field: 'ticket.companyId', message: expect.stringMatching(/^choose your own company from the list/) },
        ]);
      }
      expect(stack.sandboxes.world.cw.tickets).toHaveLength(before);
    });

    it('a ticket company saved before this rule is checked again as the digest goes out', async () => {
      const before = stack.sandboxes.world.cw.tickets.length;
      const tenant = (await stack.database.db.query.tenants.findFirst())!;
      const outcome = await sendDigest(
        { db: stack.database.db, vendors: stack.app.runDeps().vendors, clock: stack.clock, logger: stack.logger },
        tenant,
        'test',
        {
          ...settings(),
          recipients: [],
          ticket: { enabled: true, boardId: (await billing()).id, companyId: customer().id },
        } as never,
      );
      expect(outcome.ticketId).toBeNull();
      expect(outcome.error).toMatch(/is not your own company in Manage/);
      expect(stack.sandboxes.world.cw.tickets).toHaveLength(before);
    });

    it('a subject with CR/LF reaches the mail and the ticket on one line, and tests are throttled per tenant', async () => {
      const own = (await answer(jdoe['service-boards'].$get())).body.companies[0] as { id: number };
      const sneaky = settings({
        subject: 'Digest\r\nBcc: everyone@example.com\r\n{Date}',
        recipients: ['billing@sandbox-msp.example'],
        ticket: { enabled: true, boardId: (await billing()).id, companyId: own.id },
      });
      // Tests sent above count against this tenant's throttle: a server of its own, on the same database.
      const fresh = await startStack({ database: stack.database });
      const admin = await signedIn(fresh, 'jdoe');
      try {
        let res = await answer(admin.notifications.test.$post({ json: sneaky }));
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(fresh.sandboxes.mail.messages.at(-1)!.subject).toBe(
          '[Test] Digest Bcc: everyone@example.com 11/22/2026',
        );
        expect(fresh.sandboxes.world.cw.tickets.at(-1)!.summary).toBe(
          '[Test] Digest Bcc: everyone@example.com 11/22/2026',
        );
        for (let i = 0; i < 3; i++) res = await answer(admin.notifications.test.$post({ json: sneaky }));
        expect(res.status).toBe(429);
        expect(Number(res.body.details.retryAfterSeconds)).toBeGreaterThan(0);
      } finally {
        await fresh.close();
      }
    });
  });
});
