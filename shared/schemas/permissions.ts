/**
 * What a member may do here, read from her ConnectWise security role. The server checks it
 * before acting; the pod reads it with the session and disables what she cannot do, saying why.
 */
export const ACTIONS = [
  'writeAdditions',
  'changeSettings',
  'exportProducts',
  'editProducts',
  'createCompanies',
  'openTickets',
] as const;
export type Action = (typeof ACTIONS)[number];

/** A security-role level as Manage shows it. */
export type RoleLevel = 'All' | 'Mine' | 'None';

/** The module functions this plugin reads from a role, as Manage names them. */
const ROLE_FUNCTIONS = {
  agreements: { module: 'Finance', fn: 'Agreements' },
  catalog: { module: 'Procurement', fn: 'Product Catalog' },
  companies: { module: 'Companies', fn: 'Company Maintenance' },
  tickets: { module: 'Service Desk', fn: 'Service Tickets' },
} as const;

export interface RoleSetting {
  moduleIdentifier: string;
  moduleFunctionName: string;
  addLevel: RoleLevel;
  editLevel: RoleLevel;
  deleteLevel: RoleLevel;
  inquireLevel: RoleLevel;
}

export interface Permissions {
  /** The security role's name in ConnectWise. */
  role: string;
  allowed: Record<Action, boolean>;
  /** For each action she cannot take: why, in her words, before she fills a form. */
  reasons: Partial<Record<Action, string>>;
}

/** Manage writes some module identifiers without their space (`ServiceDesk`): compared without spaces. */
const same = (a: string, b: string) => a.replace(/\s+/g, '').toLowerCase() === b.replace(/\s+/g, '').toLowerCase();

const find = (settings: RoleSetting[], f: { module: string; fn: string }) =>
  settings.find((s) => same(s.moduleIdentifier, f.module) && same(s.moduleFunctionName, f.fn));

/**
 * From a role's settings to what she may do. A function missing from the role counts as None.
 * Settings decide what the unattended schedule writes for everyone, so they need agreement
 * edit rights over all agreements, not only her own ("Mine").
 */
export function permissionsFrom(role: string, settings: RoleSetting[]): Permissions {
  const agreements = find(settings, ROLE_FUNCTIONS.agreements);
  const catalog = find(settings, ROLE_FUNCTIONS.catalog);
  const companies = find(settings, ROLE_FUNCTIONS.companies);
  const tickets = find(settings, ROLE_FUNCTIONS.tickets);
  const may = (s: RoleSetting | undefined, ...levels: (keyof RoleSetting)[]) =>
    s !== undefined && levels.every((l) => s[l] !== 'None');
  const allowed: Record<Action, boolean> = {
    writeAdditions: may(agreements, 'addLevel', 'editLevel'),
    changeSettings: agreements?.editLevel === 'All' && agreements.addLevel !== 'None',
    exportProducts: may(catalog, 'addLevel'),
    editProducts: may(catalog, 'editLevel'),
    createCompanies: may(companies, 'addLevel'),
    openTickets: may(tickets, 'addLevel'),
  };
  const lacks = (what: string) =>
    `Your ConnectWise security role (${role}) does not allow ${what}. An administrator can change the role in ConnectWise under System › Security Roles.`;
  const reasons: Partial<Record<Action, string>> = {};
  if (!allowed.writeAdditions)
    reasons.writeAdditions = lacks('adding and editing agreement additions (Finance › Agreements)');
  if (!allowed.changeSettings)
    reasons.changeSettings = lacks(
      'editing all agreements (Finance › Agreements), which sync settings and the schedule need',
    );
  if (!allowed.exportProducts) reasons.exportProducts = lacks('adding catalog items (Procurement › Product Catalog)');
  if (!allowed.editProducts) reasons.editProducts = lacks('editing catalog items (Procurement › Product Catalog)');
  if (!allowed.createCompanies) reasons.createCompanies = lacks('adding companies (Companies › Company Maintenance)');
  if (!allowed.openTickets)
    reasons.openTickets = lacks('adding service tickets (Service Desk › Service Tickets), which a digest ticket needs');
  return { role, allowed, reasons };
}
