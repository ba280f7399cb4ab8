import type { ChangeRecorder } from './change-recorder.js';
import { ConnectionRequestQueue, type QueuePolicy } from './connection-requests.js';
import { Directory } from './directory.js';
import { TokenService, type TokenPolicy } from './token-service.js';

/** Everything a reset throws away: who exists, what they hold, what is queued. */
export interface World {
  readonly directory: Directory;
  readonly tokens: TokenService;
  readonly queue: ConnectionRequestQueue;
}

/** `recorder` hears of every change (`--state-dir` persistence); none by default. */
export function createWorld(tokenPolicy: TokenPolicy, queuePolicy: QueuePolicy, recorder?: ChangeRecorder): World {
  const directory = new Directory(recorder);
  const tokens = new TokenService(tokenPolicy, recorder);
  return { directory, tokens, queue: new ConnectionRequestQueue(queuePolicy, tokens, recorder) };
}
