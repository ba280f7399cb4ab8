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

// The mock's bin carries its CLI as a CommonJS program, which the bin's entry compiles itself
// so that V8 can cache the compiled code (mock-concur/src/bin/bundle-entry.ts): a script
// cannot be an ES module. Otherwise bundled as NODE_BUNDLE.
export const NODE_PROGRAM = Object.freeze({
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
});
