import type { World } from '../domain/world.js';
import { encodeApp, encodeConnectionRequest, encodeUser, type Change, type ClockState } from './entity-codec.js';
import { frame } from './framing.js';

const RECORDS_PER_LINE = 500;

export interface SnapshotHeader {
  format: string;
  version: number;
  generation: number;
  queueMode: string;
}

/**
 * The whole state as framed lines: a header, the records in dependency order (users before
 * the requests that name them), and an end line with the count, so a snapshot cut short is
 * recognised as such. Built synchronously: it is the state at one instant.
 */
export function snapshotLines(world: World, clock: ClockState | null, header: SnapshotHeader): string[] {
  const lines = [frame({ ...header, savedAt: new Date().toISOString() })];
  let chunk: Change[] = [];
  let count = 0;
  const push = (change: Change) => {
    chunk.push(change);
    count++;
    if (chunk.length === RECORDS_PER_LINE) {
      lines.push(frame({ c: chunk }));
      chunk = [];
    }
  };
  for (const app of world.directory.allApps()) push(['app', app.consumerKey, encodeApp(app)]);
  for (const user of world.directory.allUsers()) push(['user', user.loginId.toLowerCase(), encodeUser(user)]);
  for (const [kind, digest, record] of world.tokens.records()) push([`${kind}Token`, digest, record]);
  for (const record of world.queue.allRecords()) push(['connectionRequest', record.id, encodeConnectionRequest(record)]);
  if (clock) push(['clock', 'clock', clock]);
  if (chunk.length > 0) lines.push(frame({ c: chunk }));
  lines.push(frame({ end: true, entities: count }));
  return lines;
}
