// Runs one of the server's TypeScript entry points (`node server/launch.mjs server/index.ts …`).
// On a maintained Node (22.18 or later) Node strips the types itself and nothing else is loaded;
// only an older Node, out of support, goes through tsx, and is told so.
import { pathToFileURL } from 'node:url';

const entry = process.argv[2];
if (!entry) {
  process.stderr.write('usage: node server/launch.mjs <entry.ts> [arguments]\n');
  process.exit(2);
}
if (!process.features.typescript) {
  process.stderr.write(
    `Node.js ${process.versions.node} cannot run TypeScript itself: running through tsx. Use Node.js 22 LTS or later.\n`,
  );
  const { register } = await import('tsx/esm/api');
  register();
}
// The entry reads its own arguments from argv[2] on, as when it is run directly.
process.argv.splice(2, 1);
await import(pathToFileURL(entry).href);
