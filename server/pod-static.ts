import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { type Context, Hono, type MiddlewareHandler } from 'hono';

/** Read by the pod before it trusts any message: which Manage origins may host it. */
export interface PodConfig {
  hostOrigins: readonly string[];
}

type Env = { Variables: { origins: readonly string[] } };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * Everything the pod loads comes from this origin: its script and stylesheet, and its calls to
 * the API (same origin); no inline script, no plugins, no other page may be its base or take
 * its forms; only Manage may frame it.
 */
export const podPolicy = (origins: readonly string[]) =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${["'self'", ...origins].join(' ')}`,
  ].join('; ');

/**
 * The built pod, served from the same origin as the API so the iframe needs no CORS. Manage
 * frames it, so framing is allowed by a `frame-ancestors` list of Manage origins; the legacy
 * X-Frame-Options header cannot express a list and is never sent. The app shell carries the
 * same list in a meta tag, so the pod knows whom to trust before its first message.
 */
export function podRoutes(podDir: string, hostOrigins: (tenantId: string | null) => Promise<readonly string[]>) {
  let assetHandler: MiddlewareHandler | undefined;
  let shellCache: { mtimeMs: number; html: string } | undefined;
  const assets = () =>
    (assetHandler ??= serveStatic({ root: podDir, rewriteRequestPath: (p) => p.replace(/^\/pod/, '') || '/' }));
  const indexPath = join(podDir, 'index.html');

  const shell = async (c: Context<Env>) => {
    const mtimeMs = statSync(indexPath).mtimeMs;
    if (shellCache?.mtimeMs !== mtimeMs) shellCache = { mtimeMs, html: readFileSync(indexPath, 'utf8') };
    const config: PodConfig = { hostOrigins: c.get('origins') };
    const meta = `<meta name="pod-config" content="${escapeAttr(JSON.stringify(config))}">`;
    c.header('Cache-Control', 'no-store');
    return c.html(shellCache.html.replace('<head>', `<head>\n    ${meta}`));
  };

  return (
    new Hono<Env>()
      .use('*', async (c, next) => {
        // Read once per request: the framing header and the app shell use the same list. The
        // registered URL names its tenant, so the page lists that tenant's origin and no other's;
        // an unknown or missing tenant gets Manage's cloud origins only, with no hint which exist.
        const tenant = c.req.query('tenant');
        const origins = await hostOrigins(tenant && UUID.test(tenant) ? tenant.toLowerCase() : null);
        c.set('origins', origins);
        await next();
        c.header('Content-Security-Policy', podPolicy(origins));
        c.header('X-Content-Type-Options', 'nosniff');
        c.header('Referrer-Policy', 'no-referrer');
      })
      .use('*', async (c, next) => {
        if (!existsSync(indexPath)) {
          return c.json(
            {
              code: 'pod_not_built',
              message: 'The pod has not been built; run `npm run build` (npm start does it).',
              details: {},
            },
            503,
          );
        }
        return next();
      })
      .get('/', shell)
      .get('/index.html', shell)
      .use('/assets/*', (c, next) => assets()(c, next))
      // Deep links inside the pod are client-side; answer them with the app shell.
      .get('*', shell)
  );
}
