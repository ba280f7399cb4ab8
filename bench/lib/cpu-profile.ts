import { readFileSync } from 'node:fs';

/**
 * Where a server's CPU went, from a V8 `.cpuprofile` (node --cpu-prof) of the esbuild bundle:
 * self time per area (the mock's own folders, each dependency, Node's HTTP and streams, GC)
 * and per function, counting only the samples taken inside a time window (the load's, so
 * start-up does not blur it). The bundle's `// path/to/module.js` comments name each line's
 * module.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  /** Share of the busy (non-idle) samples in the window, 0–1. */
  share: number;
}

export interface ProfileSummary {
  busyMs: number;
  areas: Share[];
  functions: Share[];
}

/**
 * `windowUs`: [from, to] in the profiler's clock (CLOCK_MONOTONIC µs, what
 * `process.hrtime.bigint() / 1000n` reads in another process on Linux).
 */
export function summarizeProfile(profilePath: string, bundlePath: string, windowUs?: readonly [number, number]): ProfileSummary {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as Profile;
  const moduleOf = moduleLocator(readFileSync(bundlePath, 'utf8'));
  const bundleName = bundlePath.split('/').pop()!;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (windowUs && (at < windowUs[0] || at > windowUs[1])) continue;
    const frame = nodes.get(profile.samples[i]!)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    busy += delta;
    const inBundle = frame.url.endsWith(bundleName);
    const area = inBundle ? areaOf(moduleOf(frame.lineNumber)) : frame.url ? `node: ${frame.url.replace(/^node:/, '').split('/').slice(0, 2).join('/')}` : frame.functionName;
    areas.set(area, (areas.get(area) ?? 0) + delta);
    const fn = `${frame.functionName || '(anonymous)'} (${inBundle ? moduleOf(frame.lineNumber) : frame.url || 'native'})`;
    functions.set(fn, (functions.get(fn) ?? 0) + delta);
  }
  const shares = (m: Map<string, number>) => [...m.entries()].map(([name, us]) => ({ name, share: busy ? us / busy : 0 })).sort((a, b) => b.share - a.share);
  return { busyMs: busy / 1000, areas: shares(areas), functions: shares(functions) };
}

/** The bundle's module at a 0-based line, by the `// path` comment esbuild writes before each. */
function moduleLocator(bundle: string): (line: number) => string {
  const starts: [number, string][] = [];
  bundle.split('\n').forEach((text, line) => {
    const match = /^\/\/ (\S+\.(?:[cm]?js|ts))$/.exec(text);
    if (match) starts.push([line, match[1]!]);
  });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = '(bundle prelude)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]![0] <= line) {
        found = starts[mid]![1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

/** `mock-concur/dist/wire/x.js` (or `src/…ts`) → `mock-concur wire/`; `…/node_modules/find-my-way/…` → `find-my-way`. */
function areaOf(module: string): string {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module);
  if (dependency) return dependency[1]!;
  const own = /^([^/]+)\/(?:dist|src)\/(?:([^/]+)\/)?/.exec(module);
  if (own) return own[2] ? `${own[1]} ${own[2]}/` : `${own[1]} (top level)`;
  return module;
}
