import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

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
