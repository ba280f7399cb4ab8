import type { InteractionResult, VerificationReport } from './verify-provider.js';

const LABELS = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', error: 'ERROR' } as const;

/** One interaction: a status line, then one indented line per mismatch or the reason. */
export function formatResult(r: InteractionResult): string {
  const lines = [`${LABELS[r.outcome].padEnd(5)} ${r.key} — ${r.name}`];
  if (r.reason) lines.push(`      ${r.reason}`);
  for (const m of r.mismatches) lines.push(`      ${m.where}: ${m.message}`);
  return lines.join('\n');
}

/**
 * The whole run, failures first in full, passes as one line each, then the totals. Skipped
 * interactions are always listed with their reason: a skip is never a pass.
 */
export function formatReport(report: VerificationReport, options: { verbose?: boolean } = {}): string {
  const order = { failed: 0, error: 1, skipped: 2, passed: 3 } as const;
  const shown = [...report.results].sort((a, b) => order[a.outcome] - order[b.outcome]).filter((r) => options.verbose || r.outcome !== 'passed');
  const { passed, failed, skipped, error } = report.counts;
  const target = report.target === 'mock' ? 'the mock (provider states arranged through /_mock)' : 'a provider without /_mock (states that need it are skipped)';
  return [
    `Contract verification against ${report.baseUrl}: ${target}`,
    ...shown.map(formatResult),
    `${passed} passed, ${failed} failed, ${skipped} skipped, ${error} errored (${report.results.length} interactions)`,
  ].join('\n');
}
