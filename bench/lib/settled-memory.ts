/**
 * This process's memory once garbage is gone (three forced collections): heap in use plus the
 * array buffers V8 counts apart (typed-array tables live there), and RSS. The in-process
 * memory benchmarks take it before and after what they measure; needs `node --expose-gc`.
 */
export function settledMemory(): { bytes: number; rss: number } {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  const { heapUsed, arrayBuffers, rss } = process.memoryUsage();
  return { bytes: heapUsed + arrayBuffers, rss };
}
