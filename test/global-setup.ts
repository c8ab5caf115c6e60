import { build } from 'vite';

/** Browser tests need the pod as it ships; build it once per run. */
export default async function setup() {
  await build({ configFile: new URL('../pod/vite.config.ts', import.meta.url).pathname, logLevel: 'warn' });
}
