import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Child processes the benchmark starts, and the guarantee that none outlives it: every child
 * is tracked from spawn to exit, stopped in `finally` blocks by its owner, and killed by the
 * signal and exit handlers here if the run is interrupted.
 */

const live = new Set<ChildProcess>();
const STOP_GRACE_MS = 3_000;

export interface Child {
  readonly label: string;
  readonly process: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code (or null after a signal) once the process is gone. */
  readonly exited: Promise<number | null>;
  /** Everything the child printed so far, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within a few seconds. */
  stop(): Promise<void>;
}

export function spawnChild(label: string, command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Child {
  // stdin stays a pipe: the bare server exits when it closes, i.e. when this process dies.
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${label}: could not spawn ${command}`);
  live.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    // Only the start (the listening line) and a tail (errors) are ever needed.
    output = (output + chunk.toString('utf8')).slice(-16_384);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };
  return { label, process: child, pid: child.pid, exited, output: () => output, stop };
}

/** Resolves with the first match of `pattern` in the child's stdout; rejects if it exits first. */
export function waitForOutput(child: Child, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const cleanup = () => {
      clearTimeout(timer);
      child.process.stdout?.off('data', onData);
      child.process.off('exit', onExit);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = pattern.exec(seen);
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${child.label} exited (code ${code}) before printing ${pattern}:\n${child.output()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${child.label} did not print ${pattern} within ${timeoutMs} ms:\n${child.output()}`));
    }, timeoutMs);
    child.process.stdout?.on('data', onData);
    child.process.once('exit', onExit);
  });
}

/** Stops every child still running; owners stop their own, this is the safety net. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS).unref();
        }),
    ),
  );
}

/**
 * On Ctrl-C or SIGTERM: stop the children, then exit with the conventional 128+signal code.
 * On any exit: SIGKILL whatever is left (exit handlers cannot wait).
 */
export function installChildCleanup(): void {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping ${live.size} child process(es)…`);
      void stopAllChildren().finally(() => process.exit(code));
    });
  }
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/**
 * Ends a benchmark that runs far past its expected length (only a hang gets there): says so,
 * stops every child and exits 1. Call the returned function when the run is over.
 */
export function installWatchdog(ms: number, progress: (line: string) => void): () => void {
  const watchdog = setTimeout(() => {
    progress(`benchmark still running after ${ms / 60_000} min: giving up`);
    void stopAllChildren().finally(() => process.exit(1));
  }, ms);
  watchdog.unref();
  return () => clearTimeout(watchdog);
}
