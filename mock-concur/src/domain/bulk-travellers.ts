import type { SeededBatch } from './connection-requests.js';
import type { World } from './world.js';

/**
 * `count` generated travellers (see `GeneratedTravellers`), each with a pending request for
 * `consumerKey` created at `now`, for load tests; neither is kept as an object. Call it in
 * slices (the control route does, yielding between them): numbering follows the directory's
 * size at each call, so slices of two seeds running at once never collide.
 */
export function addBulkTravellers(world: World, consumerKey: string, count: number, now: number): SeededBatch {
  const first = world.directory.addGeneratedTravellers(count);
  return world.queue.createSeeded(consumerKey, world.directory.generated, first, count, now);
}
