#!/usr/bin/env node
/**
 * `npm run auto-connect -- --help`. The command line around `runCli`: real stdout/stderr,
 * SIGINT/SIGTERM to stop (a second one exits at once).
 */
import { runCli } from './cli-main.js';

const stopRequested = new Promise<string>((resolve) => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      resolve(signal);
      process.once(signal, () => process.exit(130));
    });
  }
});

const output = (stream: NodeJS.WriteStream) => ({ write: (text: string) => void stream.write(text), isTTY: stream.isTTY === true });

process.exitCode = await runCli(process.argv.slice(2), { stdout: output(process.stdout), stderr: output(process.stderr), env: process.env, stopRequested });
// Signal listeners and keep-alive sockets must not hold the process open after the summary.
process.exit();
