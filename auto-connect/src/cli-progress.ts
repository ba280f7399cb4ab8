import Table from 'cli-table3';
import type { CycleSummary, WorkerEvent } from './events.js';
import { STATUS_CODE_LIST, STATUS_CODES } from './match-result.js';
import type { WorkerMetrics } from './metrics.js';

export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
}

/**
 * What a person sees while the worker runs. On a terminal: one status line rewritten in place
 * (cycle, counts per outcome, rate) and a line per finished cycle. Elsewhere (a log file, a
 * container): one plain line per settled request and per cycle. Never a token.
 */
export function progressPrinter(out: Output, now: () => number = () => Date.now()) {
  const counts: Record<string, number> = {};
  let settled = 0;
  let cycleStart = now();
  let cycle = 0;
  let lineShown = false;

  const statusLine = () => {
    const seconds = Math.max((now() - cycleStart) / 1000, 0.001);
    const parts = STATUS_CODE_LIST.filter((c) => counts[c]).map((c) => `${c} ${counts[c]}`);
    return `cycle ${cycle} · ${settled} settled${parts.length ? ` · ${parts.join(' · ')}` : ''} · ${(settled / seconds).toFixed(0)}/s`;
  };
  const clearLine = () => {
    if (lineShown) out.write('\r\x1b[K');
    lineShown = false;
  };

  return (event: WorkerEvent) => {
    switch (event.type) {
      case 'cycle-started':
        cycle = event.cycle;
        cycleStart = now();
        settled = 0;
        for (const k of Object.keys(counts)) delete counts[k];
        if (!out.isTTY) out.write(`cycle ${event.cycle} started\n`);
        return;
      case 'request-finished':
        settled++;
        counts[event.statusCode] = (counts[event.statusCode] ?? 0) + 1;
        if (out.isTTY) {
          clearLine();
          out.write(statusLine());
          lineShown = true;
        } else {
          // A possible leak's reason already says so.
          const trouble = event.put === 'failed' ? ' (PUT failed)' : event.revoked === 'failed' && !event.possibleLeak ? ' (revocation failed)' : '';
          out.write(`${event.id} ${event.statusCode} ${event.reason}${trouble}\n`);
        }
        return;
      case 'cycle-finished':
        clearLine();
        out.write(`${cycleLine(event.summary)}\n`);
        return;
      case 'cycle-failed':
        clearLine();
        out.write(`cycle ${event.cycle} ended early: ${event.error}\n`);
        return;
      case 'admin-token':
        if (event.action !== 'obtained') {
          clearLine();
          out.write(`${event.credential === 'application' ? 'application' : 'administrator'} token ${event.action}\n`);
        }
        return;
      default:
        return;
    }
  };
}

export function cycleLine(s: CycleSummary): string {
  const parts = STATUS_CODE_LIST.filter((c) => s.outcomes[c]).map((c) => `${c} ${s.outcomes[c]}`);
  const trouble = [s.putFailed ? `${s.putFailed} PUT failed` : '', s.revokeFailed ? `${s.revokeFailed} revocation failed` : '', s.possibleLeaks ? `${s.possibleLeaks} possible token leak(s)` : ''].filter(Boolean);
  return `cycle ${s.cycle}: ${s.requests} request(s) in ${(s.durationMs / 1000).toFixed(2)} s${parts.length ? ` (${parts.join(', ')})` : ''}${trouble.length ? `; ${trouble.join(', ')}` : ''}${s.completed ? '' : ' — incomplete'}`;
}

/** The final table: every status code, what it means, how many, since the worker started. */
export function summaryTable(metrics: WorkerMetrics, colour: boolean): string {
  const table = new Table({
    head: ['status', 'meaning', 'requests'],
    colAligns: ['left', 'left', 'right'],
    // No rule between rows: a compact table that still reads in a plain log.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: colour ? {} : { head: [], border: [] },
  });
  for (const code of STATUS_CODE_LIST) table.push([code, STATUS_CODES[code], String(metrics.outcomes[code])]);
  table.push(['', 'total settled', String(metrics.requests)]);
  table.push(['', 'PUTs that did not land', String(metrics.putFailed)]);
  table.push(['', 'tokens revoked (failed connections)', String(metrics.revoked)]);
  table.push(['', 'revocations that failed', String(metrics.revokeFailed)]);
  table.push(['', 'possible token leaks (see the log)', String(metrics.possibleLeaks)]);
  table.push(['', 'cycles (ended early)', `${metrics.cycles} (${metrics.failedCycles})`]);
  return table.toString();
}
