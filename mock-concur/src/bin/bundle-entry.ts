#!/usr/bin/env node
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, Script } from 'node:vm';
import { codeCache } from './code-cache.js';
import { readEmbeddedProgram } from './embedded-program.js';

/**
 * The bin bundle's entry (dist/bundle/mock-concur.js, made by scripts/build.mjs): the mock's
 * CLI, bundled as a CommonJS program, rides in a comment after this code (embedded-program.ts)
 * and is compiled here, from V8's code cache when an earlier start left one (code-cache.ts).
 * Still one self-contained file, as the container image and `npx mock-concur` need.
 */
const file = fileURLToPath(import.meta.url);
// The file is ASCII (embedProgram sees to it): latin1 reads it exactly, and fastest.
const program = readEmbeddedProgram(readFileSync(file, 'latin1'));
if (!program) throw new Error(`${file} carries no program: rebuild it with \`npm run build\``);

const cache = codeCache(program.key);
const run = compile(program.source, program.lineOffset, cache);
const module = { exports: {} };
run(module.exports, createRequire(file), module, file, dirname(file));

/**
 * The program's function, compiled from the cache when it has one. Nothing here outlives the
 * compile but the script, and that only until its cache is written: the cache's bytes (≈ 1 MB)
 * would otherwise stay referenced for the process's life.
 */
function compile(source: string, lineOffset: number, cache: ReturnType<typeof codeCache>): (...args: unknown[]) => void {
  const cachedData = cache?.read();
  const script = new Script(source, { filename: file, lineOffset, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  if (cache && (cachedData === undefined || script.cachedDataRejected)) {
    // Once the first answer is out, what a start compiles is compiled: keep it then, once.
    const answered = () => {
      unsubscribe('http.server.response.finish', answered);
      setImmediate(() => cache.write(script.createCachedData()));
    };
    subscribe('http.server.response.finish', answered);
  }
  return script.runInThisContext() as (...args: unknown[]) => void;
}
