import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One test file's record of its run: which process, which sandbox, when. */
export interface RecipeFileRun {
  file: string;
  pid: number;
  poolId: string | undefined;
  sandbox: string;
  sandboxUrl: string;
  startedAt: number;
  endedAt: number;
  verification: { ok: boolean; counts: Record<string, number> };
}

/** The README's vitest recipe for sandboxes: its files, verbatim, by the path each names. */
export function sandboxRecipe(): Map<string, string> {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return new Map([...text.matchAll(/<!-- recipe: (\S+) -->\s*```ts\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!]));
}

/**
 * What each copy of the recipe's test file gets appended: the full contract verification in
 * its own sandbox, and a record of when and where it ran (to show the files ran at once).
 */
const VERIFICATION = (name: string) => `
import { writeFileSync as writeRecipeRecord } from 'node:fs';
import { formatReport, verifyProvider } from 'concur-contracts';

const recipeFileStarted = Date.now();
it('passes the full contract verification in its own sandbox', async () => {
  const report = await verifyProvider({ baseUrl: concur.url, ...(inject('mockConcur').controlToken ? { mockControlToken: inject('mockConcur').controlToken } : {}) });
  writeRecipeRecord(${JSON.stringify(name)}, JSON.stringify({
    file: ${JSON.stringify(name)}, pid: process.pid, poolId: process.env.VITEST_POOL_ID, sandbox: concur.id, sandboxUrl: concur.url,
    startedAt: recipeFileStarted, endedAt: Date.now(), verification: { ok: report.ok, counts: report.counts },
  }));
  expect(report.ok, formatReport(report)).toBe(true);
  expect(report.counts.skipped).toBe(0);
}, 120_000);
`;

/**
 * Writes the recipe into a scratch project under test-artifacts/ (so it imports the packages
 * by name, as a partner's project does), with `workers` copies of its test file, and runs
 * vitest on it with that many workers at once. Answers each file's record and vitest's output.
 */
export async function runSandboxRecipe(options: { name: string; workers: number; env?: Record<string, string> }): Promise<{ runs: RecipeFileRun[]; output: string }> {
  const files = sandboxRecipe();
  const config = files.get('vitest.config.ts');
  const setup = files.get('test/mock-concur-setup.ts');
  const testFile = files.get('test/auto-connect.test.ts');
  if (!config || !setup || !testFile) throw new Error(`README's sandbox recipe lacks a file: found ${[...files.keys()].join(', ')}`);
  const dir = join(ROOT, 'test-artifacts', options.name);
  const records = join(dir, 'records');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'test'), { recursive: true });
  mkdirSync(records);
  writeFileSync(join(dir, 'vitest.config.ts'), config);
  writeFileSync(join(dir, 'test', 'mock-concur-setup.ts'), setup);
  for (let n = 1; n <= options.workers; n++) {
    const record = join(records, `auto-connect-${n}.json`);
    writeFileSync(join(dir, 'test', `auto-connect-${n}.test.ts`), testFile + VERIFICATION(record));
  }
  // The recipe's config, as written, plus what this repository needs: packages resolved to
  // their sources (no build), and exactly `workers` processes at once.
  writeFileSync(
    join(dir, 'vitest.repo.config.ts'),
    `import { mergeConfig } from 'vitest/config';
import recipe from './vitest.config.ts';
const SOURCE = ['@mock-concur/source', 'node', 'import', 'default'];
export default mergeConfig(recipe, {
  resolve: { conditions: SOURCE },
  ssr: { resolve: { conditions: SOURCE, externalConditions: ['@mock-concur/source'] } },
  test: { pool: 'forks', maxWorkers: ${options.workers}, fileParallelism: true, testTimeout: 120_000, hookTimeout: 180_000 },
});
`,
  );
  const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  let output: string;
  try {
    const result = await run(process.execPath, [vitest, 'run', '--config', 'vitest.repo.config.ts', '--reporter', 'verbose'], { cwd: dir, env: { ...withoutColour(process.env), NO_COLOR: '1', ...options.env }, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
    output = result.stdout + result.stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`the README's sandbox recipe failed:\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}\n${failed.message}`.slice(-12_000), { cause: error });
  }
  const runs = readdirSync(records).map((name) => JSON.parse(readFileSync(join(records, name), 'utf8')) as RecipeFileRun);
  return { runs, output };
}

/** vitest's summary, plain: the colours a parent's FORCE_COLOR would ask for break matching it. */
function withoutColour(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _colour, ...rest } = env;
  return rest;
}

/**
 * What a run of the recipe must show: every file passed, each in a process and a sandbox of
 * its own, all on one server, all verifications clean, and all at the same time (every file
 * had started before any had finished).
 */
export function expectRecipeRanInParallel({ runs, output }: { runs: RecipeFileRun[]; output: string }, workers: number): void {
  expect(output).toMatch(new RegExp(`Test Files\\s+${workers} passed \\(${workers}\\)`));
  expect(output).toMatch(new RegExp(`Tests\\s+${workers * 2} passed \\(${workers * 2}\\)`));
  expect(runs).toHaveLength(workers);
  expect(new Set(runs.map((r) => r.pid)).size).toBe(workers);
  expect(new Set(runs.map((r) => r.sandbox)).size).toBe(workers);
  expect(new Set(runs.map((r) => new URL(r.sandboxUrl).origin)).size).toBe(1);
  for (const r of runs) expect(r.verification).toMatchObject({ ok: true, counts: { failed: 0, error: 0, skipped: 0 } });
  expect(Math.max(...runs.map((r) => r.startedAt))).toBeLessThan(Math.min(...runs.map((r) => r.endedAt)));
}
