import { ConnectionRequestQueue, type QueuePolicy } from './connection-requests.js';
import { Directory } from './directory.js';
import { TokenService, type TokenPolicy } from './token-service.js';

/** Everything a reset throws away: who exists, what they hold, what is queued. */
export interface World {
  readonly directory: Directory;
  readonly tokens: TokenService;
  readonly queue: ConnectionRequestQueue;
}

export function createWorld(tokenPolicy: TokenPolicy, queuePolicy: QueuePolicy): World {
  const directory = new Directory();
  const tokens = new TokenService(tokenPolicy);
  return { directory, tokens, queue: new ConnectionRequestQueue(queuePolicy, tokens) };
}
