import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';

/**
 * The built pod, served from the same origin as the API so the iframe needs no CORS. Manage
 * frames it, so framing is allowed by a `frame-ancestors` list of Manage origins; the legacy
 * X-Frame-Options header cannot express a list and is never sent.
 */
export function podRoutes(podDir: string, frameAncestors: () => readonly string[]) {
  // Built on first use: the pod may be built after the server starts (npm run build).
  let assetHandler: MiddlewareHandler | undefined;
  let shellHandler: MiddlewareHandler | undefined;
  const files = () => (assetHandler ??= serveStatic({ root: podDir, rewriteRequestPath: (p) => p.replace(/^\/pod/, '') || '/' }));
  const shell = () => (shellHandler ??= serveStatic({ root: podDir, path: 'index.html' }));
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', `frame-ancestors ${["'self'", ...frameAncestors()].join(' ')}`);
    c.header('X-Content-Type-Options', 'nosniff');
  });
  app.use('*', async (c, next) => {
    if (!existsSync(join(podDir, 'index.html'))) {
      return c.json(
        { code: 'pod_not_built', message: 'The pod has not been built; run `npm run build` (npm start does it).', details: {} },
        503,
      );
    }
    return next();
  });
  app.use('*', (c, next) => files()(c, next));
  // Deep links inside the pod are client-side; answer them with the app shell.
  app.get('*', (c, next) => shell()(c, next));
  return app;
}
