import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SOURCE_NODE_ARGS } from './node-args.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, 'test-artifacts', 'readme-snippets');

/** The ```ts blocks that follow a `<!-- snippet: tested … -->` marker in a markdown file, verbatim. */
export function testedSnippets(markdown: string): string[] {
  const text = readFileSync(join(ROOT, markdown), 'utf8');
  return [...text.matchAll(/<!-- snippet: tested[^>]*-->\s*```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/**
 * Runs a snippet as its own program, from the repository root, so it imports the packages by
 * name as a partner's project would; answers its standard output.
 */
export async function runSnippet(name: string, code: string, env: Record<string, string> = {}): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `${name.replace(/[^a-z0-9-]/gi, '-')}.ts`);
  writeFileSync(file, code);
  const { stdout } = await run(process.execPath, [...SOURCE_NODE_ARGS, file], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 });
  return stdout;
}
