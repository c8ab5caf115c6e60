import type { Database } from '../../db/client.ts';
import type { SiteCache } from '../connectwise/site.ts';
import type { SecretBox } from '../crypto.ts';

/** What tenant setup and a distributor's connection need from the process. */
export interface SetupDeps {
  db: Database;
  secrets: SecretBox;
  /** Sandbox mode allows plain http to loopback hosts; nothing else may skip TLS. */
  sandbox: boolean;
  fetch?: typeof fetch;
  siteCache?: SiteCache;
  timeoutMs?: number;
  /** Who entered the credentials, kept with each distributor connection. */
  connectedBy?: string;
  /** When the tenant and its connections are stored, by the clock the caller was given. */
  now: () => Date;
}
