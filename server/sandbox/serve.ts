import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface RunningServer {
  url: string;
  port: number;
  close: () => Promise<void>;
}

/** Serves a sandbox app on loopback; `port` 0 takes a free one. */
export function listen(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  port = 0,
  hostname = '127.0.0.1',
): Promise<RunningServer> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
      resolve({
        url: `http://${hostname}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            // Held "timeout after commit" connections would keep close() waiting forever.
            if ('closeAllConnections' in server) (server as { closeAllConnections: () => void }).closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
