import { randomBytes } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { createControl, faultMiddleware, type SandboxControl } from '../faults.ts';
import { hostPageRoutes } from '../host-page/routes.ts';
import type { CwAdditionRecord, CwWorld, SandboxMember } from '../world.ts';
import { countCollection, listCollection } from './collection.ts';
import { CwRequestError, cwErrorResponse, invalidObject } from './errors.ts';
import { roleAllows, roleNamed, SANDBOX_ROLES, type WRITE_NEEDS } from './roles.ts';
import {
  ADDITION_WRITABLE,
  validateAddition,
  validateCatalogItem,
  validateCompany,
  validateHostedSetup,
} from './validation.ts';

type Actor = { kind: 'member'; member: SandboxMember } | { kind: 'apiMember'; identifier: string; role: 'Admin' };
type Env = { Variables: { actor: Actor } };

export interface CwSandboxOptions {
  world: CwWorld;
  /** The sandbox's today (ISO date): the default effective date of a new addition. */
  today: () => string;
  control?: SandboxControl;
}

const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A ConnectWise Manage stand-in with Manage's URLs, credential checks, JSON shapes, paging and
 * validation errors, plus member login so a host page can sign members in as Manage does.
 */
/** Catalog fields a PATCH may replace. */
const CATALOG_WRITABLE = ['description', 'customerDescription', 'price', 'cost'] as const;

export function createCwSandbox(options: CwSandboxOptions) {
  const world = options.world;
  const control = options.control ?? createControl({ rateLimitPerMinute: 1000 });
  /** memberHash → member identifier, as issued by login. */
  const hashes = new Map<string, string>();
  let nextId = 100_000;
  const base = `/${world.codebase}apis/3.0`;

  const actorName = (c: Context<Env>) => {
    const a = c.get('actor');
    return a ? (a.kind === 'member' ? a.member.identifier : a.identifier) : null;
  };
  const app = new Hono<Env>();
  app.onError((error, c) => {
    if (error instanceof CwRequestError)
      return cwErrorResponse(c, error.status, error.code, error.message, error.errors);
    return cwErrorResponse(c, 500, 'UnexpectedError', `An unexpected error occurred: ${error.message}`);
  });

  app.get('/login/companyinfo/:companyId', (c) => {
    if (c.req.param('companyId').toLowerCase() !== world.companyId.toLowerCase()) {
      return c.json({ CompanyName: null, Codebase: null, IsCloud: false, message: 'Company not found' }, 404);
    }
    return c.json({
      CompanyName: world.companyName,
      Codebase: world.codebase,
      VersionCode: 'v2025.1',
      VersionNumber: 'v2025.1.105000',
      CompanyID: world.companyId,
      IsCloud: false,
      SiteUrl: new URL(c.req.url).host,
    });
  });

  /** Manage's member login, which issues the memberHash the Hosted API later hands to pods. */
  app.post(`/${world.codebase}login/login.aspx`, async (c) => {
    const form = await c.req.parseBody();
    const company = String(form.CompanyName ?? '');
    const member = world.members.find((m) => m.identifier.toLowerCase() === String(form.UserName ?? '').toLowerCase());
    if (
      company.toLowerCase() !== world.companyId.toLowerCase() ||
      !member ||
      member.password !== String(form.Password ?? '') ||
      member.inactive
    ) {
      return c.json({ Success: false, Message: 'The username or password is incorrect.', Hash: null });
    }
    const hash = randomBytes(24).toString('base64url');
    hashes.set(hash, member.identifier);
    return c.json({
      Success: true,
      Hash: hash,
      MemberContext: randomBytes(12).toString('hex'),
      MemberID: member.identifier,
      MemberRecId: member.id,
    });
  });

  const api = new Hono<Env>();
  api.use(
    '*',
    faultMiddleware(
      control,
      {
        tooMany: (c, retryAfter) => {
          c.header('Retry-After', String(retryAfter ?? 1));
          return c.json(
            { error: 'ConnectWiseAPI', message: 'Too many requests. Please slow down and retry later.' },
            429,
          );
        },
        failed: (c) => cwErrorResponse(c, 500, 'UnexpectedError', 'An unexpected error has occurred on the server.'),
        refused: (c, field, message) =>
          invalidObject(c, 'agreementAddition', [
            { code: 'InvalidField', message, resource: 'agreementAddition', field },
          ]),
      },
      (c) => actorName(c as Context<Env>),
    ),
  );
  api.use('*', async (c, next) => {
    if (!c.req.header('clientId')) {
      return cwErrorResponse(
        c,
        401,
        'Unauthorized',
        'A clientId header is required. Register your integration to get one.',
      );
    }
    const actor = authenticate(c);
    if (!actor)
      return cwErrorResponse(c, 401, 'Unauthorized', 'Authentication failed: the credentials were not accepted.');
    c.set('actor', actor);
    await next();
  });

  function authenticate(c: Context): Actor | undefined {
    const header = c.req.header('Authorization') ?? '';
    let company: string | undefined;
    let user: string | undefined;
    let secret: string | undefined;
    const basic = header.match(/^Basic\s+(.+)$/i);
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const m = decoded.match(/^([^+]+)\+([^:]+):(.*)$/s);
      if (m) [, company, user, secret] = m;
    } else {
      company = getCookie(c, 'companyName');
      user = getCookie(c, 'memberId');
      secret = getCookie(c, 'memberHash');
    }
    if (!company || !user || secret === undefined || company.toLowerCase() !== world.companyId.toLowerCase())
      return undefined;
    const apiMember = world.apiMembers.find((a) => a.publicKey === user);
    if (apiMember)
      return apiMember.privateKey === secret
        ? { kind: 'apiMember', identifier: apiMember.identifier, role: apiMember.role }
        : undefined;
    const member = world.members.find((m) => m.identifier.toLowerCase() === user!.toLowerCase());
    if (!member || member.inactive || hashes.get(secret) !== member.identifier) return undefined;
    return { kind: 'member', member };
  }

  function allow(c: Context<Env>, what: keyof typeof WRITE_NEEDS, action: string) {
    const actor = c.get('actor');
    const role = actor.kind === 'member' ? actor.member.role : actor.role;
    if (!roleAllows(role, what)) {
      throw new CwRequestError(
        403,
        'Forbidden',
        `You do not have permission to ${action}. Your security role (${role}) does not allow it.`,
      );
    }
  }

  const stamp = (c: Context<Env>) => ({ lastUpdated: nowIso(), updatedBy: actorName(c) ?? 'unknown' });
  const json = async (c: Context): Promise<Record<string, unknown>> => {
    try {
      const body = await c.req.json();
      if (body && typeof body === 'object') return body as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new CwRequestError(400, 'InvalidObject', 'The request body is not a JSON object.');
  };
  const notFound = (what: string, id: string) =>
    new CwRequestError(404, 'NotFound', `${what} with id ${id} was not found.`);
  const byId = <T extends { id: number }>(items: T[], id: string, what: string) => {
    const item = items.find((i) => i.id === Number(id));
    if (!item) throw notFound(what, id);
    return item;
  };

  api.get('/system/info', (c) =>
    c.json({ version: 'v2025.1.105000', isCloud: false, serverTimeZone: 'Eastern Standard Time', cloudRegion: null }),
  );
  /** A member's record with her security role; members are found by their record id. */
  api.get('/system/members/:id', (c) => {
    const m = byId(world.members, c.req.param('id'), 'Member');
    const role = roleNamed(m.role);
    return c.json({
      id: m.id,
      identifier: m.identifier,
      firstName: m.firstName,
      lastName: m.lastName,
      inactiveFlag: m.inactive,
      securityRole: { id: role.id, name: role.name },
    });
  });
  api.get('/system/securityroles/:id/settings', (c) => {
    const role = SANDBOX_ROLES.find((r) => r.id === Number(c.req.param('id')));
    if (!role) throw notFound('SecurityRole', c.req.param('id'));
    return listCollection(
      c,
      role.settings.map((s, i) => ({ id: role.id * 100 + i, ...s })),
    );
  });
  api.get('/system/myMembers/info', (c) => {
    const actor = c.get('actor');
    if (actor.kind === 'apiMember')
      return c.json({
        id: 900,
        identifier: actor.identifier,
        firstName: actor.identifier,
        lastName: 'API',
        fullName: `${actor.identifier} API`,
        defaultEmail: null,
        inactiveFlag: false,
      });
    const m = actor.member;
    return c.json({
      id: m.id,
      identifier: m.identifier,
      firstName: m.firstName,
      lastName: m.lastName,
      fullName: `${m.firstName} ${m.lastName}`,
      defaultEmail: m.email,
      inactiveFlag: m.inactive,
    });
  });

  // Companies
  api.get('/company/companies', (c) => listCollection(c, world.companies));
  api.get('/company/companies/count', (c) => countCollection(c, world.companies));
  api.post('/company/companies/search', async (c) =>
    listCollection(c, world.companies, { conditions: (await json(c)).conditions as string }),
  );
  api.get('/company/companies/:id', (c) => c.json(byId(world.companies, c.req.param('id'), 'Company')));
  api.post('/company/companies', async (c) => {
    allow(c, 'company', 'add companies');
    const body = await json(c);
    const errors = validateCompany(world, body);
    if (errors.length) return invalidObject(c, 'company', errors);
    const record = {
      id: ++nextId,
      identifier: body.identifier as string,
      name: body.name as string,
      status: { id: 1, name: 'Active' },
      types: (body.types as { id: number; name: string }[] | undefined) ?? [{ id: 1, name: 'Client' }],
      deletedFlag: false,
      addressLine1: (body.addressLine1 as string) ?? null,
      city: (body.city as string) ?? null,
      state: (body.state as string) ?? null,
      zip: (body.zip as string) ?? null,
      country: null,
      phoneNumber: (body.phoneNumber as string) ?? null,
      website: (body.website as string) ?? null,
      _info: stamp(c),
    };
    world.companies.push(record);
    return c.json(record, 201);
  });

  // Service boards and tickets: where the product's digest opens a ticket when a tenant asks.
  api.get('/service/boards', (c) => listCollection(c, world.boards));
  api.get('/service/tickets', (c) => listCollection(c, world.tickets));
  api.post('/service/tickets', async (c) => {
    allow(c, 'ticket', 'add service tickets');
    const body = await json(c);
    const board = world.boards.find((b) => b.id === (body.board as { id?: number } | undefined)?.id);
    const company = world.companies.find((x) => x.id === (body.company as { id?: number } | undefined)?.id);
    const summary = typeof body.summary === 'string' ? body.summary : '';
    const errors = [
      ...(summary.length === 0
        ? [{ code: 'NullValue', message: 'summary may not be null', resource: 'ticket', field: 'summary' }]
        : []),
      ...(summary.length > 100
        ? [
            {
              code: 'InvalidField',
              message: 'summary may be at most 100 characters',
              resource: 'ticket',
              field: 'summary',
            },
          ]
        : []),
      ...(!board || board.inactiveFlag
        ? [{ code: 'InvalidField', message: 'board is not an active board', resource: 'ticket', field: 'board' }]
        : []),
      ...(!company
        ? [{ code: 'InvalidField', message: 'company not found', resource: 'ticket', field: 'company' }]
        : []),
    ];
    if (errors.length) return invalidObject(c, 'ticket', errors);
    const record = {
      id: ++nextId,
      summary,
      board: { id: board!.id, name: board!.name },
      company: { id: company!.id, identifier: company!.identifier, name: company!.name },
      initialDescription: typeof body.initialDescription === 'string' ? body.initialDescription : '',
      _info: stamp(c),
    };
    world.tickets.push(record);
    return c.json(record, 201);
  });

  // Agreements and their additions
  api.get('/finance/agreements', (c) => listCollection(c, world.agreements));
  api.get('/finance/agreements/count', (c) => countCollection(c, world.agreements));
  api.post('/finance/agreements/search', async (c) =>
    listCollection(c, world.agreements, { conditions: (await json(c)).conditions as string }),
  );
  api.get('/finance/agreements/:id', (c) => c.json(byId(world.agreements, c.req.param('id'), 'Agreement')));
  const additionsOf = (agreementId: number) => world.additions.filter((a) => a.agreementId === agreementId);
  api.get('/finance/agreements/:id/additions', (c) => {
    const agreement = byId(world.agreements, c.req.param('id'), 'Agreement');
    return listCollection(c, additionsOf(agreement.id));
  });
  api.get('/finance/agreements/:id/additions/count', (c) =>
    countCollection(c, additionsOf(byId(world.agreements, c.req.param('id'), 'Agreement').id)),
  );
  api.get('/finance/agreements/:id/additions/:additionId', (c) => {
    const agreement = byId(world.agreements, c.req.param('id'), 'Agreement');
    return c.json(byId(additionsOf(agreement.id), c.req.param('additionId'), 'Addition'));
  });
  api.post('/finance/agreements/:id/additions', async (c) => {
    allow(c, 'addition', 'add agreement additions');
    const agreement = byId(world.agreements, c.req.param('id'), 'Agreement');
    const body = await json(c);
    const errors = validateAddition(world, agreement, body, options.today());
    if (errors.length) return invalidObject(c, 'addition', errors);
    const record = computeAddition({
      id: ++nextId,
      agreementId: agreement.id,
      product: catalogRef(body.product as { id: number }),
      quantity: (body.quantity as number) ?? 1,
      lessIncluded: (body.lessIncluded as number) ?? 0,
      unitPrice:
        (body.unitPrice as number) ?? world.catalog.find((i) => i.id === (body.product as { id: number }).id)!.price,
      unitCost:
        (body.unitCost as number) ?? world.catalog.find((i) => i.id === (body.product as { id: number }).id)!.cost,
      billCustomer: body.billCustomer as CwAdditionRecord['billCustomer'],
      effectiveDate: (body.effectiveDate as string) ?? `${options.today()}T00:00:00Z`,
      cancelledDate: (body.cancelledDate as string) ?? null,
      taxableFlag: (body.taxableFlag as boolean) ?? false,
      serialNumber: (body.serialNumber as string) ?? null,
      invoiceDescription: (body.invoiceDescription as string) ?? null,
      description: (body.description as string) ?? null,
      purchaseItemFlag: (body.purchaseItemFlag as boolean) ?? false,
      specialOrderFlag: (body.specialOrderFlag as boolean) ?? false,
      uom: (body.uom as string) ?? null,
      extPrice: 0,
      extCost: 0,
      margin: 0,
      agreementStatus: agreement.agreementStatus,
      sequenceNumber: (body.sequenceNumber as number) ?? additionsOf(agreement.id).length + 1,
      _info: stamp(c),
    });
    world.additions.push(record);
    return c.json(record, 201);
  });
  api.patch('/finance/agreements/:id/additions/:additionId', async (c) => {
    allow(c, 'addition-edit', 'edit agreement additions');
    const agreement = byId(world.agreements, c.req.param('id'), 'Agreement');
    const existing = byId(additionsOf(agreement.id), c.req.param('additionId'), 'Addition');
    const ops = await c.req.json().catch(() => null);
    if (!Array.isArray(ops))
      throw new CwRequestError(
        400,
        'InvalidObject',
        'PATCH takes a JSON array of operations, e.g. [{"op":"replace","path":"quantity","value":5}].',
      );
    const next: Record<string, unknown> = { ...existing };
    for (const op of ops as { op?: string; path?: string; value?: unknown }[]) {
      const path = (op.path ?? '').replace(/^\//, '');
      if (op.op !== 'replace' && op.op !== 'add' && op.op !== 'remove') {
        return invalidObject(c, 'addition', [
          { code: 'InvalidField', message: `Unsupported operation "${op.op}".`, resource: 'addition', field: 'op' },
        ]);
      }
      if (!(ADDITION_WRITABLE as readonly string[]).includes(path)) {
        return invalidObject(c, 'addition', [
          {
            code: 'InvalidField',
            message: `${path} is not a writable field (paths are case-sensitive).`,
            resource: 'addition',
            field: path || 'path',
          },
        ]);
      }
      next[path] = op.op === 'remove' ? null : op.value;
    }
    const errors = validateAddition(world, agreement, next, options.today(), existing);
    if (errors.length) return invalidObject(c, 'addition', errors);
    Object.assign(
      existing,
      computeAddition({
        ...(next as unknown as CwAdditionRecord),
        product: catalogRef(next.product as { id: number }),
        _info: stamp(c),
      }),
    );
    return c.json(existing);
  });

  // Catalog and its setup tables
  api.get('/procurement/catalog', (c) => listCollection(c, world.catalog));
  api.get('/procurement/catalog/count', (c) => countCollection(c, world.catalog));
  api.post('/procurement/catalog/search', async (c) =>
    listCollection(c, world.catalog, { conditions: (await json(c)).conditions as string }),
  );
  api.get('/procurement/catalog/:id', (c) => c.json(byId(world.catalog, c.req.param('id'), 'Catalog item')));
  api.post('/procurement/catalog', async (c) => {
    allow(c, 'catalog', 'add catalog items');
    const body = await json(c);
    const errors = validateCatalogItem(world, body);
    if (errors.length) return invalidObject(c, 'catalogItem', errors);
    const ref = <T extends { id: number }>(items: T[], v: unknown) =>
      items.find((i) => i.id === (v as { id?: number } | undefined)?.id);
    const record = {
      id: ++nextId,
      identifier: body.identifier as string,
      description: body.description as string,
      customerDescription: body.customerDescription as string,
      subcategory: ref(world.subcategories, body.subcategory)!,
      type: ref(world.productTypes, body.type)!,
      category: ref(world.categories, body.category) ?? ref(world.subcategories, body.subcategory)!.category,
      productClass: (body.productClass as 'Service') ?? 'NonInventory',
      price: (body.price as number) ?? 0,
      cost: (body.cost as number) ?? 0,
      manufacturer: null,
      manufacturerPartNumber: (body.manufacturerPartNumber as string) ?? null,
      vendor: null,
      vendorSku: (body.vendorSku as string) ?? null,
      unitOfMeasure: ref(world.unitsOfMeasure, body.unitOfMeasure) ?? world.unitsOfMeasure[0]!,
      taxableFlag: (body.taxableFlag as boolean) ?? false,
      inactiveFlag: false,
      _info: stamp(c),
    };
    world.catalog.push(record);
    return c.json(record, 201);
  });
  api.patch('/procurement/catalog/:id', async (c) => {
    allow(c, 'catalog-edit', 'edit catalog items');
    const item = byId(world.catalog, c.req.param('id'), 'Catalog item');
    const ops = await c.req.json().catch(() => null);
    if (!Array.isArray(ops)) throw new CwRequestError(400, 'InvalidObject', 'PATCH takes a JSON array of operations.');
    const next: Record<string, unknown> = { ...item };
    for (const op of ops as { op?: string; path?: string; value?: unknown }[]) {
      const path = (op.path ?? '').replace(/^\//, '');
      if (op.op !== 'replace' || !(CATALOG_WRITABLE as readonly string[]).includes(path))
        return invalidObject(c, 'catalogItem', [
          { code: 'InvalidField', message: `${path} is not a writable field.`, resource: 'catalogItem', field: path },
        ]);
      next[path] = op.value;
    }
    const errors = [
      ...(typeof next.description !== 'string' || next.description.length === 0 || next.description.length > 60
        ? [
            {
              code: 'InvalidField',
              message: 'description is required, 60 characters at most.',
              resource: 'catalogItem',
              field: 'description',
            },
          ]
        : []),
      ...(['price', 'cost'] as const)
        .filter((f) => typeof next[f] !== 'number' || (next[f] as number) < 0)
        .map((f) => ({
          code: 'InvalidField',
          message: `${f} must be a number of 0 or more.`,
          resource: 'catalogItem',
          field: f,
        })),
    ];
    if (errors.length) return invalidObject(c, 'catalogItem', errors);
    Object.assign(item, next, { _info: stamp(c) });
    return c.json(item);
  });
  api.get('/procurement/categories', (c) => listCollection(c, world.categories));
  api.get('/procurement/subcategories', (c) => listCollection(c, world.subcategories));
  api.get('/procurement/types', (c) => listCollection(c, world.productTypes));
  api.get('/procurement/unitOfMeasures', (c) => listCollection(c, world.unitsOfMeasure));

  // Hosted API registrations
  api.get('/system/connectWiseHostedScreens', (c) => listCollection(c, world.hostedScreens));
  api.get('/system/connectwisehostedsetups', (c) => listCollection(c, world.hostedSetups));
  api.get('/system/connectwisehostedsetups/:id', (c) =>
    c.json(byId(world.hostedSetups, c.req.param('id'), 'Hosted setup')),
  );
  api.post('/system/connectwisehostedsetups', async (c) => {
    allow(c, 'hosted', 'manage the Hosted API setup table');
    const body = await json(c);
    const errors = validateHostedSetup(world, body);
    if (errors.length) return invalidObject(c, 'connectWiseHostedSetup', errors);
    const record = hostedRecord(++nextId, body);
    world.hostedSetups.push(record);
    return c.json(record, 201);
  });
  api.put('/system/connectwisehostedsetups/:id', async (c) => {
    allow(c, 'hosted', 'manage the Hosted API setup table');
    const existing = byId(world.hostedSetups, c.req.param('id'), 'Hosted setup');
    const body = await json(c);
    const errors = validateHostedSetup(world, body);
    if (errors.length) return invalidObject(c, 'connectWiseHostedSetup', errors);
    Object.assign(existing, hostedRecord(existing.id, body));
    return c.json(existing);
  });

  api.notFound((c) =>
    cwErrorResponse(c, 404, 'NotFound', `No resource at ${c.req.method} ${c.req.path.slice(base.length)}.`),
  );
  app.route(base, api);
  app.route('/', hostPageRoutes(world, hashes));

  function catalogRef(ref: { id: number }) {
    const item = world.catalog.find((i) => i.id === ref.id)!;
    return { id: item.id, identifier: item.identifier, name: item.description };
  }

  return { app, control, world, hashes, basePath: base };
}

/** Manage computes these on every write; clients cannot set them. */
function computeAddition(a: CwAdditionRecord): CwAdditionRecord {
  const billed = Math.max(0, a.quantity - (a.lessIncluded ?? 0));
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    ...a,
    extPrice: round(billed * (a.unitPrice ?? 0)),
    extCost: round(billed * (a.unitCost ?? 0)),
    margin: round(billed * ((a.unitPrice ?? 0) - (a.unitCost ?? 0))),
  };
}

function hostedRecord(id: number, body: Record<string, unknown>) {
  return {
    id,
    screenId: body.screenId as number,
    description: body.description as string,
    url: body.url as string,
    type: body.type as 'Tab' | 'Pod' | 'ToolbarButton',
    origin: (body.origin as string) ?? null,
    podHeight: (body.podHeight as number) ?? null,
    disabledFlag: (body.disabledFlag as boolean) ?? false,
    clientId: (body.clientId as string) ?? null,
  };
}

export type CwSandbox = ReturnType<typeof createCwSandbox>;
