import { waitForOutput, type Child } from './children.js';

/**
 * A child's own memory figures right after a full garbage collection. The mock has no way to
 * be told to collect, so a child that is to be asked starts with these Node flags:
 * --expose-gc and a preload (a data: URL, so nothing is added to the mock's code) that, on a
 * `memory` line on its stdin, runs gc() twice and prints process.memoryUsage() as one
 * `bench-memory {json}` line on its stdout.
 */
const PROBE = `
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  for (let end; (end = pending.indexOf('\\n')) >= 0; ) {
    const line = pending.slice(0, end);
    pending = pending.slice(end + 1);
    if (line !== 'memory') continue;
    globalThis.gc();
    // A second collection after a turn: what finalizers and weak references let go.
    setImmediate(() => {
      globalThis.gc();
      process.stdout.write('bench-memory ' + JSON.stringify(process.memoryUsage()) + '\\n');
    });
  }
});
`;

export const MEMORY_PROBE_FLAGS: readonly string[] = ['--expose-gc', '--import', `data:text/javascript,${encodeURIComponent(PROBE)}`];

/** The child's process.memoryUsage() after a forced full GC; it must run with MEMORY_PROBE_FLAGS. */
export async function memoryAfterGc(child: Child): Promise<NodeJS.MemoryUsage> {
  const reply = waitForOutput(child, /bench-memory (\{[^\n]*\})\n/, 30_000);
  child.process.stdin?.write('memory\n');
  return JSON.parse((await reply)[1]!) as NodeJS.MemoryUsage;
}
