import type { NotifyEvent } from '../../shared/schemas/notifications.ts';

/**
 * The digest's templates, with named parameters as StreamOne Ion's notification templates
 * have ({CompanyName}, {SubscriptionID}, {BillingReconciliationStatus}…): a heading and a
 * line per event, in the member's words (company and product names, amounts); a line's `Link`
 * opens its place in Manage. A parameter with no value is left visible, so a wrong name is noticed.
 */
export const TEMPLATES: Record<NotifyEvent, { heading: string; line: string }> = {
  unmapped: {
    heading: 'Unmapped subscriptions: they do not sync to {PSAConnector} until mapped',
    line: '{CustomerOrg} · {PlanName} · {MappingStatus} · {Amount} a month not billed',
  },
  'failed-writes': {
    heading: 'Writes that failed: retry them from the Log once fixed',
    line: '{CustomerOrg} · {PlanName} · {Title} ({Amount}) · {State}: {Error}',
  },
  'pending-review': {
    heading: 'Reconciliations pending review: accept or reject before invoicing',
    line: '{CustomerOrg} · {PlanName} · {Period} · {BillingReconciliationStatus} · difference {Difference}',
  },
  commitments: {
    heading: 'Commitments with seats ConnectWise does not bill: reduce them at the distributor while you can',
    line: '{CustomerOrg} · {PlanName} · {Seats} seats not billed · {Deadline} · {AtStake}',
  },
  renewals: {
    heading: 'Commitments renewing soon: change their seats at the distributor before they renew',
    line:
      '{CustomerOrg} · {PlanName} · {Term} renews on {RenewalDate} · {Seats} seats, ConnectWise bills {CwSeats} · ' +
      'change by {ChangeBy} · {Amount} a month',
  },
  'reconciliation-changes': {
    heading: 'Billing reconciliation status changes',
    line: '{CustomerOrg} · {PlanName} · {Period}: {PreviousStatus} → {BillingReconciliationStatus}',
  },
};

export const INTRO =
  'Hello {CompanyName},\n\nThere are subscriptions in your account that need attention in {PSAConnector}. ' +
  'Anything left in these lists may bill wrongly or not at all.';

/** Fills `{Name}` parameters; unknown ones stay as written. */
export const fill = (template: string, params: Readonly<Record<string, string>>) =>
  template.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => params[name] ?? whole);

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The digest as text and as simple HTML (a table per event), from the same filled lines. */
export function renderDigest(
  sections: readonly { event: NotifyEvent; lines: Record<string, string>[] }[],
  params: Readonly<Record<string, string>>,
) {
  const intro = fill(INTRO, params);
  const parts = sections.map((s) => ({
    heading: fill(TEMPLATES[s.event].heading, params),
    lines: s.lines.map((l) => ({ text: fill(TEMPLATES[s.event].line, { ...params, ...l }), link: l.Link ?? null })),
  }));
  const text = [
    intro,
    ...parts.map(
      (p) =>
        `${p.heading} (${p.lines.length})\n${p.lines.map((l) => `  - ${l.text}${l.link ? `\n    ${l.link}` : ''}`).join('\n')}`,
    ),
    parts.length === 0 ? 'Nothing needs attention today.' : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  const html = [
    `<p>${escapeHtml(intro).replace(/\n/g, '<br>')}</p>`,
    ...parts.map(
      (p) =>
        `<h3>${escapeHtml(p.heading)} (${p.lines.length})</h3><ul>${p.lines
          .map(
            (l) =>
              `<li>${escapeHtml(l.text)}${l.link ? ` <a href="${escapeHtml(l.link)}">Open in Manage</a>` : ''}</li>`,
          )
          .join('')}</ul>`,
    ),
    parts.length === 0 ? '<p>Nothing needs attention today.</p>' : '',
  ].join('\n');
  return { text, html };
}
