import { createClock, type Clock } from './domain/clock.js';
import { seedDemoData } from './domain/demo-data.js';
import { SignedOutSessions } from './domain/signed-out-sessions.js';
import { FaultRules } from './http/faults.js';
import { Journal } from './http/journal.js';
import { createWorld, type World } from './domain/world.js';
import type { MockConcurOptions } from './options.js';
import { recordedClock } from './persistence/recorded-clock.js';
import { StateStore } from './persistence/state-store.js';
import { JwtSigner } from './wire/jwt-signer.js';

/** What makes a state a sandbox's rather than the root's. */
export interface SandboxIdentity {
  /** Random and unguessable; the sandbox's URLs are `/sandboxes/{id}/…`. */
  id: string;
  /** The root's signing key: one RSA key per sandbox would cost tens of milliseconds each. */
  signer: () => Promise<JwtSigner>;
}

/**
 * The mock's whole state (one sandbox's, or the root's) behind one object that routes read
 * on every request (`request.mock`), so a reset swaps the world without re-registering
 * anything. The clock survives resets.
 */
export class MockState {
  readonly clock: Clock;
  readonly faults = new FaultRules();
  /** Web-page sessions ended by signing out; kept across resets (the cookie may still name a user who exists). */
  readonly signedOut = new SignedOutSessions();
  readonly journal: Journal;
  /** With `stateDir`: where every change is saved before the response that shows it. */
  readonly persistence: StateStore | null;
  private current: World;
  private signerReady: Promise<JwtSigner> | null = null;
  private readonly sharedSigner: (() => Promise<JwtSigner>) | null;
  /** The sandbox's id, or null for the root (the default sandbox). */
  readonly sandboxId: string | null;
  /** What every URL the mock writes for this state starts with after the host: '' or `/sandboxes/{id}`. */
  readonly pathPrefix: string;

  constructor(
    readonly options: MockConcurOptions,
    sandbox: SandboxIdentity | null = null,
  ) {
    this.sandboxId = sandbox?.id ?? null;
    this.pathPrefix = sandbox ? `/sandboxes/${sandbox.id}` : '';
    this.sharedSigner = sandbox?.signer ?? null;
    const store = options.stateDir === undefined ? null : StateStore.open(options.stateDir, { queueMode: options.queueMode, compactAfterBytes: options.stateCompactAfterBytes });
    this.persistence = store;
    const clock = typeof options.clock === 'string' ? createClock(options.clock, options.clockStartMs) : options.clock;
    store?.restoreClock(clock);
    this.clock = store ? recordedClock(clock, () => store.clockChanged()) : clock;
    this.journal = new Journal(options.journalSize);
    const restored = store?.restoreWorld(this.emptyWorld()) ?? null;
    restored?.queue.restoredAt(this.clock.now());
    this.current = restored ?? this.seededWorld();
    store?.start(() => this.current, this.clock);
  }

  get world(): World {
    return this.current;
  }

  /**
   * The Authentication API's signing key, made (or read from the state dir) on first use: an
   * RSA key costs tens of milliseconds, which no start should pay before its first answer.
   * It survives resets, like the clock: tokens signed before a reset still verify.
   */
  signer(): Promise<JwtSigner> {
    if (this.sharedSigner) return this.sharedSigner();
    this.signerReady ??= JwtSigner.open(this.options.stateDir);
    return this.signerReady;
  }

  /** Saves what is pending and lets go of the state dir (a no-op in memory). */
  async close(): Promise<void> {
    await this.persistence?.close();
  }

  /** Back to the seeded demo data; fault rules and the journal are cleared too. */
  reset(): void {
    this.current = this.seededWorld();
    this.persistence?.rewrite();
    this.faults.clear();
    this.journal.clear();
  }

  private seededWorld(): World {
    const o = this.options;
    const world = this.emptyWorld();
    seedDemoData(world, o.seed, o.demoTravelers, this.clock.now(), o.demoAppRedirect);
    return world;
  }

  private emptyWorld(): World {
    const o = this.options;
    return createWorld(
      { requestTokenTtlMs: o.requestTokenTtlMs, accessTokenTtlMs: o.accessTokenTtlMs, singleUseRequestTokens: o.singleUseRequestTokens },
      { mode: o.queueMode, ...o.queue },
      this.persistence?.recorder,
    );
  }
}
