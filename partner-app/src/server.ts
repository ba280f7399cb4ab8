import type { FastifyInstance } from 'fastify';
import { buildPartnerApp } from './app.js';
import { parsePartnerAppCommand, USAGE, UsageError, type PartnerAppCommand } from './cli-options.js';
import { InvalidPartnerAppOptionsError } from './options.js';

function fail(message: string): never {
  console.error(`partner-app: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let command: PartnerAppCommand;
try {
  command = parsePartnerAppCommand(process.argv.slice(2), process.env);
} catch (error) {
  if (error instanceof UsageError) fail(error.message);
  throw error;
}
if (command.help) {
  console.log(USAGE);
  process.exit(0);
}

let app: FastifyInstance;
try {
  app = await buildPartnerApp(command.input);
} catch (error) {
  if (error instanceof InvalidPartnerAppOptionsError) fail(error.message);
  throw error;
}

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info(`${signal}: closing`);
  // A second signal while closing means "now".
  process.once(signal, () => process.exit(1));
  await app.close();
  process.exit(0);
}
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));

try {
  const address = await app.listen({ host: command.host, port: command.port });
  const consumerKey = command.input.consumerKey ?? 'demo-consumer-key';
  const concur = command.input.concurWebUrl ?? command.input.concurBaseUrl ?? 'http://127.0.0.1:8080';
  console.log(`TripLink Demo Rewards (partner app) on ${address}
  redirect URI:  ${address}/concur/callback   (must match the app's registration in Concur)
  App Center:    ${concur}/appcenter/apps/${consumerKey}`);
  if (command.input.seedDemoMembers !== false) console.log('  demo members:  taylor.traveler@example.com / rewards-password, sam.rivera@example.com / rewards-password');
} catch (error) {
  app.log.error(error);
  process.exit(1);
}
