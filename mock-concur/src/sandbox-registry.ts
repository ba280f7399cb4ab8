import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { prepareDemoPeople } from './domain/demo-people.js';
import { writeFileDurablySync, fsyncDir } from './persistence/state-files.js';
import { sandboxMockOptions, type SandboxOptions } from './sandbox-options.js';
import { MockState } from './state.js';

/** 128 random bits, URL-safe: the only way to a sandbox is to have been told its id. */
export const SANDBOX_ID = /^[A-Za-z0-9_-]{22}$/;

interface Sandbox {
  readonly id: string;
  readonly state: MockState;
  readonly options: SandboxOptions;
  readonly durable: boolean;
  /** Machine time (not the sandbox's clock): idleness is about memory, not about Concur. */
  readonly createdAt: number;
  lastUsedAt: number;
}

export interface SandboxSummary {
  id: string;
  /** The path under the mock's base URL: `/sandboxes/{id}`. */
  path: string;
  durable: boolean;
  createdAt: string;
  lastUsedAt: string;
  /** When it is dropped unless used before (null: durable, kept until deleted). */
  expiresAt: string | null;
  options: SandboxOptions;
  counts: { users: number; apps: number; accessTokens: number; connectionRequests: number; journal: number; faultRules: number };
}

export interface SandboxRegistrySettings {
  maxSandboxes: number;
  idleTtlMs: number;
  /** The machine's time; tests inject one. */
  wallClock: () => number;
  warn?: (message: string) => void;
}

export type CreateResult = { ok: true; sandbox: SandboxSummary } | { ok: false; reason: 'full' | 'not-durable' };

const SANDBOX_FILE = 'sandbox.json';
const SANDBOX_FORMAT = 'mock-concur-sandbox';

/**
 * Every sandbox of one running mock: isolated worlds (own data, clock, faults, journal and,
 * when durable, state dir) reached under `/sandboxes/{id}`. The root state is not in here: it
 * is the default sandbox, always there. Idle sandboxes are dropped when looked at after their
 * time (every lookup, every listing) and by a sweep that runs in the background.
 */
export class SandboxRegistry {
  private readonly sandboxes = new Map<string, Sandbox>();
  private readonly sweeper: NodeJS.Timeout | null;
  private readonly dir: string | null;
  private readonly warn: (message: string) => void;

  /** The registry, with the durable sandboxes a state dir holds restored. */
  static async open(root: MockState, settings: SandboxRegistrySettings): Promise<SandboxRegistry> {
    const registry = new SandboxRegistry(root, settings);
    if (registry.dir) await registry.restoreDurable(registry.dir);
    return registry;
  }

  private constructor(
    private readonly root: MockState,
    private readonly settings: SandboxRegistrySettings,
  ) {
    this.warn = settings.warn ?? ((message) => console.error(`mock-concur: ${message}`));
    this.dir = root.options.stateDir === undefined ? null : join(root.options.stateDir, 'sandboxes');
    // Unref'd: a sweep never keeps a process (or a test run) alive.
    this.sweeper = settings.idleTtlMs > 0 ? setInterval(() => this.sweep(), Math.min(60_000, Math.max(1_000, settings.idleTtlMs / 4))).unref() : null;
  }

  get size(): number {
    return this.sandboxes.size;
  }

  get max(): number {
    return this.settings.maxSandboxes;
  }

  async create(options: SandboxOptions): Promise<CreateResult> {
    // Before anything is decided: from here on it runs in one go, as if alone.
    await this.prepare(options);
    this.sweep();
    if (this.sandboxes.size >= this.settings.maxSandboxes) return { ok: false, reason: 'full' };
    const durable = options.durable === true;
    if (durable && !this.dir) return { ok: false, reason: 'not-durable' };
    const id = randomBytes(16).toString('base64url');
    const stateDir = durable ? join(this.dir!, id) : undefined;
    if (stateDir) {
      mkdirSync(stateDir, { recursive: true, mode: 0o700 });
      writeFileDurablySync(join(stateDir, SANDBOX_FILE), [JSON.stringify({ format: SANDBOX_FORMAT, version: 1, id, createdAt: this.settings.wallClock(), options }) + '\n']);
      fsyncDir(this.dir!);
    }
    const sandbox = this.add(id, options, stateDir, this.settings.wallClock());
    return { ok: true, sandbox: this.summary(sandbox) };
  }

  /** The sandbox's state for a request, marking it used; undefined when there is none (any more). */
  use(id: string): MockState | undefined {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return undefined;
    const now = this.settings.wallClock();
    if (this.idleSince(sandbox, now)) {
      this.drop(sandbox);
      return undefined;
    }
    sandbox.lastUsedAt = now;
    return sandbox.state;
  }

  list(): SandboxSummary[] {
    this.sweep();
    return [...this.sandboxes.values()].map((s) => this.summary(s));
  }

  get(id: string): SandboxSummary | undefined {
    const state = this.use(id);
    return state ? this.summary(this.sandboxes.get(id)!) : undefined;
  }

  /** Drops one at once (and its state dir); false when there was none. */
  async delete(id: string): Promise<boolean> {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return false;
    await this.drop(sandbox);
    return true;
  }

  /** Drops every sandbox idle for longer than the idle TTL (durable ones are kept). */
  sweep(): void {
    const now = this.settings.wallClock();
    for (const sandbox of this.sandboxes.values()) if (this.idleSince(sandbox, now)) void this.drop(sandbox);
  }

  /** At shutdown: durable sandboxes save what is pending; the others simply end. */
  async closeAll(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all([...this.sandboxes.values()].map((s) => s.state.close()));
  }

  /** What the sandbox's demo data needs loaded (faker, for a seed of its own). */
  private prepare(options: SandboxOptions): Promise<void> {
    return prepareDemoPeople(options.seed ?? this.root.options.seed, options.travelers ?? this.root.options.demoTravelers);
  }

  private add(id: string, options: SandboxOptions, stateDir: string | undefined, createdAt: number): Sandbox {
    const state = new MockState(sandboxMockOptions(this.root.options, options, stateDir), { id, signer: () => this.root.signer() });
    const sandbox: Sandbox = { id, state, options, durable: stateDir !== undefined, createdAt, lastUsedAt: createdAt };
    this.sandboxes.set(id, sandbox);
    return sandbox;
  }

  private idleSince(sandbox: Sandbox, now: number): boolean {
    return !sandbox.durable && this.settings.idleTtlMs > 0 && now - sandbox.lastUsedAt >= this.settings.idleTtlMs;
  }

  private async drop(sandbox: Sandbox): Promise<void> {
    // Gone from the map first: no request finds it from here on; one already running finishes on the detached state.
    if (this.sandboxes.get(sandbox.id) !== sandbox) return;
    this.sandboxes.delete(sandbox.id);
    try {
      await sandbox.state.close();
    } finally {
      if (sandbox.durable && this.dir) rmSync(join(this.dir, sandbox.id), { recursive: true, force: true });
    }
  }

  private summary(sandbox: Sandbox): SandboxSummary {
    const { state } = sandbox;
    const world = state.world;
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      id: sandbox.id,
      path: state.pathPrefix,
      durable: sandbox.durable,
      createdAt: iso(sandbox.createdAt),
      lastUsedAt: iso(sandbox.lastUsedAt),
      expiresAt: sandbox.durable || this.settings.idleTtlMs <= 0 ? null : iso(sandbox.lastUsedAt + this.settings.idleTtlMs),
      options: sandbox.options,
      counts: {
        users: world.directory.userCount(),
        apps: world.directory.appCount(),
        accessTokens: world.tokens.accessTokenCount(),
        connectionRequests: world.queue.size(),
        journal: state.journal.size,
        faultRules: state.faults.size,
      },
    };
  }

  /** Durable sandboxes come back as they were; a damaged one is set aside with a warning, never a failed start. */
  private async restoreDurable(dir: string): Promise<void> {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      if (!SANDBOX_ID.test(name)) continue;
      const path = join(dir, name);
      try {
        const saved = JSON.parse(readFileSync(join(path, SANDBOX_FILE), 'utf8')) as { format?: unknown; id?: unknown; createdAt?: unknown; options?: unknown };
        if (saved.format !== SANDBOX_FORMAT || saved.id !== name || typeof saved.createdAt !== 'number' || typeof saved.options !== 'object' || saved.options === null) throw new Error(`${SANDBOX_FILE} is not a mock-concur sandbox`);
        await this.prepare(saved.options as SandboxOptions);
        this.add(name, saved.options as SandboxOptions, path, saved.createdAt);
      } catch (error) {
        const aside = `${path}.damaged-${this.settings.wallClock()}`;
        this.warn(`sandbox ${name} could not be restored (${(error as Error).message}); set aside as ${aside}`);
        try {
          renameSync(path, aside);
        } catch {
          // Left where it is; the next start tries again.
        }
      }
    }
  }
}

