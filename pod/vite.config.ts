import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const podRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: podRoot,
  base: '/pod/',
  // Preact's automatic JSX runtime through Vite's own transformer: no Babel preset needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': 'http://localhost:8787', '/healthz': 'http://localhost:8787' } },
});
