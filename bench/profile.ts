/**
 * `npm run bench:profile -- [--endpoint "token refresh"] [--seconds 5]`: where the mock's CPU goes
 * under one endpoint's load. The built bundle runs pinned to CPU 0 with --cpu-prof, autocannon
 * (10 connections) loads it from CPU 1, and the profile's samples taken during the timed load
 * are summed per area (the mock's folders, each dependency, Node's HTTP internals, GC) and per
 * function. What the README's "Where the time goes" is written from. `--bare` then profiles
 * the same load against bare Fastify (bundled, answering the mock's body), so each area can be
 * read beside the floor's. `--state-dir` runs the mock with a fresh state dir (every change
 * fdatasynced before its answer): where `bench:persistence`'s extra CPU goes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { summarizeProfile, type Share } from './lib/cpu-profile.js';
import { pinLoadGenerator } from './lib/cpus.js';
import { runLoad } from './lib/load.js';
import { seedConnectionRequests } from './lib/mock-api.js';
import { bundleBare, MOCK_ENTRY, startBare, startMock, type RunningServer } from './lib/servers.js';
import { runBenchmark } from './lib/run-benchmark.js';
import { probeEndpoint, requestShape, throughputEndpoints, type Endpoint, type EndpointKind } from './sections/throughput.js';

const { values } = parseArgs({
  options: { endpoint: { type: 'string', default: 'token refresh' }, seconds: { type: 'string', default: '5' }, top: { type: 'string', default: '25' }, bare: { type: 'boolean', default: false }, 'state-dir': { type: 'boolean', default: false } },
  strict: true,
});
const KINDS: readonly EndpointKind[] = ['token refresh', 'native login', 'code exchange', 'client credentials', 'list JSON', 'list XML', 'list v3.0 JSON', 'list v3.0 XML', 'get by id', 'put'];

async function main(): Promise<void> {
  const kind = values.endpoint as EndpointKind;
  if (!KINDS.includes(kind)) throw new Error(`--endpoint must be one of: ${KINDS.join(', ')}`);
  const cpu = pinLoadGenerator().pinning?.serverCpu;
  const dir = await mkdtemp(join(tmpdir(), 'mock-concur-profile-'));
  const bundled = values.bare ? await bundleBare() : null;
  try {
    const profileFlags = (name: string) => ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', `${name}.cpuprofile`];
    const mock = await startMock(values['state-dir'] ? ['--state-dir', join(dir, 'state')] : [], { cpu, nodeFlags: profileFlags('mock') });
    let body: { text: string; contentType: string } | null = null;
    let endpoint: Endpoint | undefined;
    try {
      await seedConnectionRequests(mock.url, 100);
      [endpoint] = await throughputEndpoints(mock.url, 10, [kind]);
      const probe = await probeEndpoint(mock.url, endpoint!);
      body = { text: probe.body, contentType: String(probe.headers['content-type'] ?? '') };
      await print(values['state-dir'] ? 'mock-concur --state-dir' : 'mock-concur', endpoint!, await load(mock, endpoint!), join(dir, 'mock.cpuprofile'), MOCK_ENTRY, () => mock.child.stop());
    } finally {
      await mock.child.stop();
    }
    if (!bundled) return;
    // The floor: the same path, query, headers and body, answered by one fixed route.
    const bare = await startBare(
      { body: body.text, contentType: body.contentType, path: endpoint!.bareRoute ?? endpoint!.path.split('?')[0]!, status: endpoint!.status ?? 200, rs256: endpoint!.bareSigns ?? false },
      { cpu, bundle: bundled.entry, nodeFlags: profileFlags('bare') },
    );
    try {
      await print('bare Fastify (bundled)', endpoint!, await load(bare, endpoint!), join(dir, 'bare.cpuprofile'), bundled.entry, () => bare.child.stop());
    } finally {
      await bare.child.stop();
    }
  } finally {
    await bundled?.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

interface ProfiledLoad {
  requests: number;
  durationS: number;
  serverCpuMs: number | null;
  /** The timed load's span, in the profile's clock (µs). */
  span: [number, number];
}

async function load(server: RunningServer, endpoint: Endpoint): Promise<ProfiledLoad> {
  const vary = endpoint.cursor?.();
  const from = Number(process.hrtime.bigint() / 1000n);
  const run = await runLoad({
    url: server.url + endpoint.path,
    headers: endpoint.headers,
    ...requestShape(endpoint),
    connections: 10,
    durationS: Number(values.seconds),
    warmupS: 1,
    serverPid: server.child.pid,
    ...(vary ? { vary, amount: 40_000 } : {}),
  });
  return { requests: run.requests, durationS: run.durationS, serverCpuMs: run.serverCpuMs, span: [from, Number(process.hrtime.bigint() / 1000n)] };
}

/** Stops the server (SIGTERM: it exits, which is when --cpu-prof writes), then prints its profile. */
async function print(title: string, endpoint: Endpoint, run: ProfiledLoad, profile: string, entry: string, stop: () => Promise<void>): Promise<void> {
  await stop();
  const summary = summarizeProfile(profile, entry, run.span);
  const cpuUs = run.serverCpuMs === null ? null : (1000 * run.serverCpuMs) / run.requests;
  console.log(`\n## ${title}: ${endpoint.name}: ${Math.round(run.requests / run.durationS)} req/s${cpuUs === null ? '' : `, ${cpuUs.toFixed(1)} µs CPU a request`}; ${summary.busyMs.toFixed(0)} ms busy in the profile (warm-up included)`);
  const top = Number(values.top);
  const list = (heading: string, shares: Share[]) => {
    console.log(`\n${heading}`);
    for (const s of shares.slice(0, top)) console.log(`${(100 * s.share).toFixed(1).padStart(6)} %  ${cpuUs === null ? '' : `${(s.share * cpuUs).toFixed(2).padStart(6)} µs  `}${s.name}`);
  };
  list('Self time by area (share of busy samples; µs of a request at that share)', summary.areas);
  list('Self time by function', summary.functions);
}

runBenchmark('profile', main);
