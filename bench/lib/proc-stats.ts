import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

/**
 * A child's memory and CPU time from /proc (Linux). The servers run in other processes, so
 * their own process.memoryUsage() and cpuUsage() are out of reach without changing them.
 * Every reading is null where /proc is missing.
 */

export interface ProcessMemory {
  /** Resident set size now, MiB. */
  rssMiB: number;
  /** Peak resident set size so far, MiB. */
  peakMiB: number;
}

export async function processMemory(pid: number): Promise<ProcessMemory | null> {
  const status = await readProc(pid, 'status');
  if (status === null) return null;
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

let clockTicksPerSecond: number | undefined;

/** User + system CPU time of all the process's threads (JS, GC, JIT, libuv), ms. */
export async function processCpuMs(pid: number): Promise<number | null> {
  const stat = await readProc(pid, 'stat');
  if (stat === null) return null;
  // Fields after the parenthesised command name, which may itself hold spaces: state is
  // field 3 of proc(5), so utime (14) and stime (15) are at indexes 11 and 12 here.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  clockTicksPerSecond ??= ticksPerSecond();
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
}

/**
 * Busy time (everything but idle and I/O wait) of all the machine's CPUs together since boot,
 * ms, from /proc/stat: less a run's server and load generator, what other processes took.
 */
async function machineBusyMs(): Promise<number | null> {
  let stat: string;
  try {
    stat = await readFile('/proc/stat', 'utf8');
  } catch {
    return null;
  }
  // "cpu  user nice system idle iowait irq softirq steal …": the first line sums every CPU.
  const ticks = stat.slice(0, stat.indexOf('\n')).trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 8 || ticks.some((t) => !Number.isFinite(t))) return null;
  const busy = ticks.reduce((sum, t) => sum + t, 0) - ticks[3]! - ticks[4]!;
  clockTicksPerSecond ??= ticksPerSecond();
  return (busy * 1000) / clockTicksPerSecond;
}

export interface CpuReading {
  wallMs: number;
  /** The server's CPU time (all threads), ms; null without a pid. */
  serverMs: number | null;
  /** This process's. */
  ownMs: number;
  /** Every other process's on the machine, ms (clamped at 0: /proc counts in clock ticks). */
  othersMs: number | null;
}

/**
 * Starts reading CPU time: the server's, this process's and everyone else's. The returned
 * function ends the reading. Others are the machine's busy time less the other two, so a
 * neighbour that competes for the CPUs during a measurement shows.
 */
export async function startCpuReading(serverPid?: number): Promise<() => Promise<CpuReading>> {
  const serverBefore = serverPid === undefined ? null : await processCpuMs(serverPid);
  const machineBefore = await machineBusyMs();
  const ownBefore = process.cpuUsage();
  const started = performance.now();
  return async () => {
    const wallMs = performance.now() - started;
    const serverAfter = serverPid === undefined ? null : await processCpuMs(serverPid);
    const own = process.cpuUsage(ownBefore);
    const machineAfter = await machineBusyMs();
    const serverMs = serverBefore !== null && serverAfter !== null ? serverAfter - serverBefore : null;
    const ownMs = (own.user + own.system) / 1000;
    const othersMs = machineBefore !== null && machineAfter !== null ? Math.max(0, machineAfter - machineBefore - (serverMs ?? 0) - ownMs) : null;
    return { wallMs, serverMs, ownMs, othersMs };
  };
}

/**
 * Waits until the machine's other processes (all but this one and `serverPid`) use under
 * `maxPercent` of a core over a `windowMs` window, or `timeoutMs` passes: a measurement then
 * starts without a neighbour competing for the CPUs. Answers how long it waited, ms, or null
 * without /proc.
 */
export async function waitForQuietMachine(serverPid: number | undefined, { maxPercent = 10, windowMs = 500, timeoutMs = 10_000 } = {}): Promise<number | null> {
  const started = performance.now();
  for (;;) {
    const reading = await startCpuReading(serverPid);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const { othersMs, wallMs } = await reading();
    if (othersMs === null) return null;
    if ((100 * othersMs) / wallMs < maxPercent || performance.now() - started >= timeoutMs) return performance.now() - started;
  }
}

function ticksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

async function readProc(pid: number, file: string): Promise<string | null> {
  try {
    return await readFile(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Waits until the process uses under `maxPercent` of a core over a `windowMs` window (or
 * `timeoutMs` passes): right after a big seed V8 may still be marking and sweeping a heap
 * of gigabytes on its helper threads, which would bleed into the next timings. Answers how
 * long it waited, ms, or null without /proc.
 */
export async function waitForQuiet(pid: number, { maxPercent = 5, windowMs = 250, timeoutMs = 15_000 } = {}): Promise<number | null> {
  const started = Date.now();
  let before = await processCpuMs(pid);
  if (before === null) return null;
  while (Date.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const now = await processCpuMs(pid);
    if (now === null) return null;
    if (((now - before) / windowMs) * 100 < maxPercent) break;
    before = now;
  }
  return Date.now() - started;
}
