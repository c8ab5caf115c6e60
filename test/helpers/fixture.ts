import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../fixtures/', import.meta.url));

/**
 * A vendor payload written from its public source: the file's first line names the source
 * (`// Source: repository, path`), the rest is the payload as the source shows it.
 */
export function vendorFixture(path: string): { source: string; body: unknown } {
  const [first = '', ...rest] = readFileSync(`${root}${path}`, 'utf8').split('\n');
  const source = first.match(/^\/\/ Source: (.+)$/)?.[1];
  if (!source) throw new Error(`${path}: its first line must name its source ("// Source: …")`);
  return { source, body: JSON.parse(rest.join('\n')) };
}

/** Every vendor-shaped fixture, by path under test/fixtures. */
export const vendorFixtures = () =>
  readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.jsonc'));
