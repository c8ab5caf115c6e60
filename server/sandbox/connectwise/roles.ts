import type { RoleLevel, RoleSetting } from '../../../shared/schemas/permissions.ts';
import type { SandboxMember } from '../world.ts';

type RoleName = SandboxMember['role'];

const row = (
  moduleIdentifier: string,
  moduleFunctionName: string,
  [addLevel, editLevel, deleteLevel, inquireLevel]: [RoleLevel, RoleLevel, RoleLevel, RoleLevel],
): RoleSetting & { moduleFunctionIdentifier: string } => ({
  moduleIdentifier,
  moduleFunctionIdentifier: moduleFunctionName.replace(/\s+/g, ''),
  moduleFunctionName,
  addLevel,
  editLevel,
  deleteLevel,
  inquireLevel,
});

const ALL: [RoleLevel, RoleLevel, RoleLevel, RoleLevel] = ['All', 'All', 'All', 'All'];
const READ: [RoleLevel, RoleLevel, RoleLevel, RoleLevel] = ['None', 'None', 'None', 'All'];

/**
 * The sandbox's security roles, as Manage's role settings list them. Admin may do everything;
 * Finance may only look at agreements; a Technician may add additions and edit her own
 * ("Mine") but has no catalog or company rights. The sandbox enforces these same rows on every write.
 */
export const SANDBOX_ROLES: { id: number; name: RoleName; settings: ReturnType<typeof row>[] }[] = [
  {
    id: 1,
    name: 'Admin',
    settings: [
      row('Finance', 'Agreements', ALL),
      row('Procurement', 'Product Catalog', ALL),
      row('Companies', 'Company Maintenance', ALL),
      row('System', 'Table Setup', ALL),
      row('Service Desk', 'Service Tickets', ALL),
    ],
  },
  {
    id: 2,
    name: 'Finance',
    settings: [
      row('Finance', 'Agreements', READ),
      row('Procurement', 'Product Catalog', READ),
      row('Companies', 'Company Maintenance', READ),
      row('System', 'Table Setup', ['None', 'None', 'None', 'None']),
      row('Service Desk', 'Service Tickets', READ),
    ],
  },
  {
    id: 3,
    name: 'Technician',
    settings: [
      row('Finance', 'Agreements', ['All', 'Mine', 'None', 'All']),
      row('Procurement', 'Product Catalog', READ),
      row('Companies', 'Company Maintenance', READ),
      row('System', 'Table Setup', ['None', 'None', 'None', 'None']),
      row('Service Desk', 'Service Tickets', ['All', 'Mine', 'None', 'All']),
    ],
  },
];

export const roleNamed = (name: RoleName) => SANDBOX_ROLES.find((r) => r.name === name)!;

/** The sandbox's writes, and the role setting each needs. */
export const WRITE_NEEDS = {
  addition: { fn: 'Agreements', level: 'addLevel' },
  'addition-edit': { fn: 'Agreements', level: 'editLevel' },
  company: { fn: 'Company Maintenance', level: 'addLevel' },
  catalog: { fn: 'Product Catalog', level: 'addLevel' },
  'catalog-edit': { fn: 'Product Catalog', level: 'editLevel' },
  hosted: { fn: 'Table Setup', level: 'editLevel' },
  ticket: { fn: 'Service Tickets', level: 'addLevel' },
} as const;

export function roleAllows(role: RoleName, what: keyof typeof WRITE_NEEDS): boolean {
  const need = WRITE_NEEDS[what];
  const setting = roleNamed(role).settings.find((s) => s.moduleFunctionName === need.fn);
  return setting !== undefined && setting[need.level] !== 'None';
}
