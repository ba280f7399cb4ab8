// Bundles the mock's CLI into one file, so `npm start` and the cold-start benchmark run
// plain JavaScript with no TypeScript loader in the way.
import { build } from 'esbuild';

await build({
  entryPoints: { 'mock-concur/server': 'mock-concur/server.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
