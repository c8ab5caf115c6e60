import { readFileSync } from 'node:fs';

/** host.js is plain browser JavaScript, served as it is. */
export const HOST_SCRIPT = readFileSync(new URL('./host.js', import.meta.url), 'utf8');
