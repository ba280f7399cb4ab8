// Bundles each program into one self-contained file under dist/ (every dependency inside), so
// `npm start`, the cold-start benchmark and the container image run plain JavaScript with no
// TypeScript loader and no node_modules:
//   dist/mock-concur/server.js          the mock
//   dist/client/partner-app/server.js   the reference partner app
//   dist/client/auto-connect/cli.js     the auto-connect worker (+ its demo members file)
// `node scripts/build.mjs --image` (npm run image) then builds the container image from them.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';
import { NODE_BUNDLE } from './bundle-options.mjs';

const PROGRAMS = {
  'mock-concur/server': 'mock-concur/server.ts',
  'client/partner-app/server': 'client/partner-app/server.ts',
  'client/auto-connect/cli': 'client/auto-connect/cli.ts',
};
/** Files a program reads at run time, copied beside its bundle. */
const ASSETS = ['client/auto-connect/demo-members.csv'];

// The mock is required; the other programs are bundled once their entry exists.
const entryPoints = Object.fromEntries(Object.entries(PROGRAMS).filter(([, source]) => existsSync(source)));

await build({ ...NODE_BUNDLE, entryPoints, outdir: 'dist', sourcemap: true });

for (const asset of ASSETS.filter((path) => existsSync(path))) {
  mkdirSync(`dist/${asset.slice(0, asset.lastIndexOf('/'))}`, { recursive: true });
  copyFileSync(asset, `dist/${asset}`);
}

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
