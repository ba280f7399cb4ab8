import { createClock, type Clock } from './clock.js';
import { seedDemoData } from './demo-data.js';
import { FaultRules } from './faults.js';
import { Journal } from './journal.js';
import { createWorld, type World } from './world.js';
import type { MockConcurOptions } from '../options.js';

/**
 * The mock's whole state behind one object that routes read on every request, so a reset
 * swaps the world without re-registering anything. The clock survives resets.
 */
export class MockState {
  readonly clock: Clock;
  readonly faults = new FaultRules();
  readonly journal: Journal;
  private current: World;

  constructor(readonly options: MockConcurOptions) {
    this.clock = typeof options.clock === 'string' ? createClock(options.clock, options.clockStartMs) : options.clock;
    this.journal = new Journal(options.journalSize);
    this.current = this.seededWorld();
  }

  get world(): World {
    return this.current;
  }

  /** Back to the seeded demo data; fault rules and the journal are cleared too. */
  reset(): void {
    this.current = this.seededWorld();
    this.faults.clear();
    this.journal.clear();
  }

  private seededWorld(): World {
    const o = this.options;
    const world = createWorld(
      { requestTokenTtlMs: o.requestTokenTtlMs, accessTokenTtlMs: o.accessTokenTtlMs, singleUseRequestTokens: o.singleUseRequestTokens },
      { mode: o.queueMode, ...o.queue },
    );
    seedDemoData(world, o.seed, o.demoTravelers, this.clock.now());
    return world;
  }
}
