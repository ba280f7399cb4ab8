/**
 * `npm run bench:profile -- [--endpoint "token refresh"] [--seconds 5]`: where the mock's CPU goes
 * under one endpoint's load. The built bundle runs pinned to CPU 0 with --cpu-prof, autocannon
 * (10 connections) loads it from CPU 1, and the profile's samples taken during the timed load
 * are summed per area (the mock's folders, each dependency, Node's HTTP internals, GC) and per
 * function. What the README's "Where the time goes" is written from.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { summarizeProfile, type Share } from './lib/cpu-profile.js';
import { pinLoadGenerator } from './lib/cpus.js';
import { runLoad } from './lib/load.js';
import { seedConnectionRequests } from './lib/mock-api.js';
import { MOCK_ENTRY, startMock } from './lib/servers.js';
import { runBenchmark } from './lib/run-benchmark.js';
import { probeEndpoint, requestShape, throughputEndpoints, type EndpointKind } from './sections/throughput.js';

const { values } = parseArgs({
  options: { endpoint: { type: 'string', default: 'token refresh' }, seconds: { type: 'string', default: '5' }, top: { type: 'string', default: '25' } },
  strict: true,
});
const KINDS: readonly EndpointKind[] = ['token refresh', 'native login', 'code exchange', 'client credentials', 'list JSON', 'list XML', 'list v3.0 JSON', 'list v3.0 XML', 'get by id', 'put'];

async function main(): Promise<void> {
  const kind = values.endpoint as EndpointKind;
  if (!KINDS.includes(kind)) throw new Error(`--endpoint must be one of: ${KINDS.join(', ')}`);
  const pinning = pinLoadGenerator().pinning;
  const dir = await mkdtemp(join(tmpdir(), 'mock-concur-profile-'));
  try {
    const mock = await startMock([], { cpu: pinning?.serverCpu, nodeFlags: ['--cpu-prof', '--cpu-prof-dir', dir] });
    await seedConnectionRequests(mock.url, 100);
    const [endpoint] = await throughputEndpoints(mock.url, 10, [kind]);
    await probeEndpoint(mock.url, endpoint!);
    const vary = endpoint!.cursor?.();
    const from = Number(process.hrtime.bigint() / 1000n);
    const run = await runLoad({
      url: mock.url + endpoint!.path,
      headers: endpoint!.headers,
      ...requestShape(endpoint!),
      connections: 10,
      durationS: Number(values.seconds),
      warmupS: 1,
      serverPid: mock.child.pid,
      ...(vary ? { vary, amount: 40_000 } : {}),
    });
    const to = Number(process.hrtime.bigint() / 1000n);
    // SIGTERM: the CLI closes and exits, which is when --cpu-prof writes the profile.
    await mock.child.stop();
    const [file] = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('the mock wrote no CPU profile');
    const summary = summarizeProfile(join(dir, file), MOCK_ENTRY, [from, to]);
    const cpuUs = run.serverCpuMs === null ? null : (1000 * run.serverCpuMs) / run.requests;
    console.log(`${endpoint!.name}: ${Math.round(run.requests / run.durationS)} req/s${cpuUs === null ? '' : `, ${cpuUs.toFixed(1)} µs CPU a request`}; ${summary.busyMs.toFixed(0)} ms busy in the profile (warm-up included)`);
    const top = Number(values.top);
    const print = (title: string, shares: Share[]) => {
      console.log(`\n${title}`);
      for (const s of shares.slice(0, top)) console.log(`${(100 * s.share).toFixed(1).padStart(6)} %  ${cpuUs === null ? '' : `${(s.share * cpuUs).toFixed(2).padStart(6)} µs  `}${s.name}`);
    };
    print('Self time by area (share of busy samples; µs of a request at that share)', summary.areas);
    print('Self time by function', summary.functions);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

runBenchmark('profile', main);
