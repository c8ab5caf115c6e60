import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as zm } from 'zod/mini';
import { AppError, errorHandler, fieldWords } from '../../server/errors.ts';
import { zv } from '../../server/validate.ts';
import { captureLogger } from '../helpers/logger.ts';

function appWith(logger = captureLogger()) {
  return new Hono()
    .onError(errorHandler(logger))
    .post('/classic', zv('json', z.object({ quantity: z.number().int().positive(), name: z.string().max(50) })), (c) =>
      c.json(c.req.valid('json'), 200),
    )
    .get('/mini', zv('query', zm.object({ page: zm.string().check(zm.regex(/^\d+$/, 'use a page number')) })), (c) =>
      c.json(c.req.valid('query'), 200),
    )
    .get('/conflict', () => {
      throw new AppError('conflict', 'Already bound', { companyId: 19 });
    })
    .get('/boom', () => {
      throw new Error('secret detail memberHash=abc');
    });
}

describe('request validation', () => {
  it('passes valid input through', async () => {
    const res = await appWith().request('/classic', {
      method: 'POST',
      body: JSON.stringify({ quantity: 3, name: 'E3' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(await res.json()).toEqual({ quantity: 3, name: 'E3' });
  });

  it('answers 400 naming each bad field', async () => {
    const res = await appWith().request('/classic', {
      method: 'POST',
      body: JSON.stringify({ quantity: -1, name: 'x'.repeat(51) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; message: string; details: { fields: { field: string }[] } };
    expect(body.code).toBe('invalid_input');
    expect(body.details.fields.map((f) => f.field).sort()).toEqual(['json.name', 'json.quantity']);
    // The message names each field in the member's words; the fields list keeps their paths.
    expect(body.message).toMatch(/^Please check quantity: .*; name: /);
    expect(fieldWords('json.recipients.1')).toBe('recipient 2');
    expect(fieldWords('json.ticket.companyId')).toBe('ticket company');
  });

  it('works with zod/mini schemas shared with the pod', async () => {
    const res = await appWith().request('/mini?page=two');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      details: { fields: [{ field: 'query.page', message: 'use a page number' }] },
    });
  });
});

describe('error handler', () => {
  it('keeps the code, status and details of an AppError', async () => {
    const res = await appWith().request('/conflict');
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ code: 'conflict', message: 'Already bound', details: { companyId: 19 } });
  });

  it('hides unexpected errors from the caller and logs them', async () => {
    const logger = captureLogger();
    const res = await appWith(logger).request('/boom');
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body).toMatchObject({ code: 'internal' });
    expect(JSON.stringify(body)).not.toContain('memberHash');
    expect(logger.lines.some((l) => l.includes('unhandled error'))).toBe(true);
  });
});
