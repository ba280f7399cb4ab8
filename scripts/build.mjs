// npm run build: every package to ESM JavaScript + declarations + source maps (tsc -b, in
// dependency order), then each program's built bin bundled into one self-contained file for
// the container images, which have no npm and no node_modules:
//   mock-concur/dist/bundle/mock-concur.js   the mock's bin (`npx mock-concur`: one file to load
//                                            starts faster than ~150 modules) and its image
//                                            (mock-concur/Dockerfile, shipped in the package so
//                                            startMockConcurContainer works from a partner's project):
//                                            a small entry carrying the CLI's bundle in a comment,
//                                            compiled with V8's code cache (mock-concur/src/bin/)
//   dist/image/…                             the demo image (./Dockerfile): the mock, the
//                                            partner app, the worker and its members file
// `node scripts/build.mjs --image` (npm run image) then builds the demo image.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';
import { NODE_BUNDLE, NODE_PROGRAM } from './bundle-options.mjs';
import { pruneStaleOutputs } from './prune-stale-outputs.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);

const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
const { workspaces } = JSON.parse(readFileSync('package.json', 'utf8'));
for (const workspace of workspaces) {
  const removed = pruneStaleOutputs(workspace);
  if (removed.length > 0) console.log(`build: removed ${removed.length} compiled file(s) of deleted sources from ${workspace}/dist`);
}

/** Bundle name → the package's built bin. */
export const PROGRAMS = {
  'mock-concur': 'mock-concur/dist/cli.js',
  'partner-app': 'partner-app/dist/server.js',
  'concur-auto-connect': 'auto-connect/dist/cli.js',
};

rmSync('dist/image', { recursive: true, force: true });
await build({ ...NODE_BUNDLE, entryPoints: PROGRAMS, outdir: 'dist/image', sourcemap: true });
copyFileSync('auto-connect/demo-members.csv', 'dist/image/demo-members.csv');
mkdirSync('mock-concur/dist/bundle', { recursive: true });
// No source map here: it would triple the tarball; the unminified bundle reads well enough.
// The CLI's bundle is the program; the entry compiles it from the comment it rides in.
const [program] = (await build({ ...NODE_PROGRAM, entryPoints: [PROGRAMS['mock-concur']], write: false })).outputFiles;
// A hashbang is only allowed first in a file; the entry has its own.
const programText = await latin1Program(program.text.replace(/^#!.*/, ''));
const [entry] = (await build({ ...NODE_PROGRAM, format: 'esm', entryPoints: ['mock-concur/dist/bin/bundle-entry.js'], write: false })).outputFiles;
const { embedProgram, programSource, readEmbeddedProgram } = await import('../mock-concur/dist/bin/embedded-program.js');
const programKey = createHash('sha256').update(programText).digest('hex').slice(0, 20);
const bin = entry.text + embedProgram(programText, programKey);
// The entry reads itself as latin1, which is exact for ASCII only.
if (/[^\t\n\r -~]/.test(bin) || readEmbeddedProgram(bin)?.source !== programSource(programText)) throw new Error('the bin is not ASCII or does not give back the program it carries');
writeFileSync('mock-concur/dist/bundle/mock-concur.js', bin);
chmodSync('mock-concur/dist/bundle/mock-concur.js', 0o755);

if (process.argv.includes('--image')) {
  // The base is a build argument: a public Node image by default, the local registry-less
  // one in CI (NODE_IMAGE=local/node-min:20).
  const nodeImage = process.env.NODE_IMAGE || 'node:20-bookworm-slim';
  const tag = process.env.IMAGE_TAG || 'mock-concur:local';
  console.log(`docker build -t ${tag} --build-arg NODE_IMAGE=${nodeImage} .`);
  const result = spawnSync('docker', ['build', '-t', tag, '--build-arg', `NODE_IMAGE=${nodeImage}`, '.'], { stdio: 'inherit' });
  if (result.error) {
    console.error(`cannot run docker: ${result.error.message}`);
    process.exit(1);
  }
  process.exit(result.status ?? 1);
}

/**
 * One code unit above U+00FF anywhere in the program makes V8 hold all of it as two-byte text:
 * 2.6 MB more, for as long as the mock runs. esbuild escapes such characters in code (its ASCII
 * charset) but keeps them in the comments it keeps (a dependency's `// ─── …` banners) and in
 * tagged templates, whose raw text it must not change. This writes each as `\uXXXX`, then
 * proves nothing but comments and cooked text changed: with comments dropped and strings
 * printed as their values, both texts minify to the same program. (A raw template holding
 * such a character fails the build: write it escaped in the source.)
 */
async function latin1Program(text) {
  const escaped = text.replace(/[^\0-\xff]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const minified = (code) => transform(code, { minifyWhitespace: true, charset: 'utf8', format: 'cjs', platform: 'node', target: 'node20' }).then((r) => r.code);
  if ((await minified(text)) !== (await minified(escaped))) {
    throw new Error('escaping the program\'s non-Latin-1 characters changed its code: one sits in a raw (tagged) template; write it as \\uXXXX in the source');
  }
  return escaped;
}
