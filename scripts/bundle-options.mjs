// How every program of this project is bundled: one self-contained ESM file for Node 20. Shared
// by `npm run build` and by the tests and benchmarks that bundle a program for themselves, so
// what they measure starts exactly as what users start.
export const NODE_BUNDLE = Object.freeze({
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  logLevel: 'warning',
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
