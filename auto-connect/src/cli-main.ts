import { createConcurClient } from 'concur-partner-client';
import { USAGE, UsageError, parseCliCommand } from './cli-options.js';
import { progressPrinter, summaryTable, type Output } from './cli-progress.js';
import { loadMembers, membersMatcher, MembersFileError } from './members-matcher.js';
import { PACKAGE_VERSION } from './package-version.js';
import { createAutoConnectWorker } from './worker.js';

export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); tests resolve it themselves. */
  stopRequested: Promise<string>;
  fetch?: typeof globalThis.fetch;
}

/** The worker's command line, as a function: returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command;
  try {
    command = parseCliCommand(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`auto-connect: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command.version) {
    io.stdout.write(`${PACKAGE_VERSION}\n`);
    return 0;
  }
  let members;
  try {
    members = await loadMembers(command.membersFile);
  } catch (error) {
    if (!(error instanceof MembersFileError)) throw error;
    io.stderr.write(`auto-connect: ${error.message}\n`);
    return 2;
  }
  let client;
  try {
    client = createConcurClient({
      baseUrl: command.baseUrl,
      consumerKey: command.consumerKey,
      consumerSecret: command.consumerSecret,
      format: command.format,
      apiVersion: command.apiVersion,
      ...(io.fetch ? { fetch: io.fetch } : {}),
    });
  } catch (error) {
    io.stderr.write(`auto-connect: ${(error as Error).message}\n`);
    return 2;
  }

  const worker = createAutoConnectWorker({
    client,
    ...(command.flow === 'oauth2' ? { flow: 'oauth2' as const } : { flow: 'legacy' as const, adminCredentials: { loginId: command.adminLogin, password: command.adminPassword } }),
    matcher: membersMatcher(members),
    concurrency: command.concurrency,
    pollIntervalMs: command.pollIntervalMs,
    pageSize: command.pageSize,
    onEvent: progressPrinter(io.stdout),
  });
  io.stdout.write(`auto-connect: ${members.length} partner member(s) from ${command.membersFile}; Concur at ${command.baseUrl}${command.flow === 'oauth2' ? ' (OAuth 2.0: application token)' : ''}${command.once ? ' (one cycle)' : ''}\n`);

  if (command.once) {
    const summary = await worker.runOnce();
    io.stdout.write(`${summaryTable(worker.metrics(), io.stdout.isTTY)}\n`);
    return summary.completed ? 0 : 1;
  }
  worker.start();
  const signal = await io.stopRequested;
  io.stdout.write(`\n${signal}: finishing the requests in hand…\n`);
  await worker.stop();
  io.stdout.write(`${summaryTable(worker.metrics(), io.stdout.isTTY)}\n`);
  return 0;
}
