import { execFileSync } from 'node:child_process';
import os from 'node:os';

/**
 * CPU pinning with taskset (Linux, util-linux): the server under test alone on one core and
 * this process (the load generator) on another, so neither takes the other's core and the
 * server's CPU time per request is its own work.
 */

export interface Pinning {
  serverCpu: number;
  loadCpu: number;
}

/**
 * Pins every thread of this process to the second CPU and answers where servers go; null
 * (nothing pinned, and why) where taskset is missing, there is one CPU, or pinning fails.
 */
export function pinLoadGenerator(): { pinning: Pinning } | { pinning: null; reason: string } {
  if (os.cpus().length < 2) return { pinning: null, reason: 'one CPU' };
  const pinning: Pinning = { serverCpu: 0, loadCpu: 1 };
  try {
    // -a: all threads (libuv's pool, V8's helpers, the loader thread), not only the main one.
    execFileSync('taskset', ['-a', '-p', '-c', String(pinning.loadCpu), String(process.pid)], { stdio: 'ignore' });
    return { pinning };
  } catch (error) {
    return { pinning: null, reason: `taskset failed: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** `command args` run on `cpu` only (taskset execs it: the child's pid is the command's). */
export function pinnedCommand(cpu: number | undefined, command: string, args: readonly string[]): [string, string[]] {
  return cpu === undefined ? [command, [...args]] : ['taskset', ['-c', String(cpu), command, ...args]];
}
