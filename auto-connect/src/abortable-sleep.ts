import { setTimeout as wait } from 'node:timers/promises';
import type { Sleep } from 'concur-partner-client';

/** The worker's wait between cycles: `stop()` aborts it at once instead of waiting it out. */
export const abortableSleep: Sleep = (ms, signal) => wait(ms, undefined, signal ? { signal } : undefined);
