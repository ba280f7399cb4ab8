/** Plain-text tables for the terminal: right-aligned numbers, left-aligned text. */

export type Cell = string | number;

export function formatTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => row.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((row) => (row[i] ?? '').length)));
  // Blank and n/a cells leave the column's alignment to the others.
  const numeric = header.map((_, i) => rows.every((row) => typeof row[i] === 'number' || /^([\d.,×%<>=≥ -]+|n\/a|)$/.test(String(row[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...text.map(line)].join('\n');
}

/** A number with a fixed count of decimals, for table cells. */
export function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** Whole numbers with thousands separators (requests/s, counts). */
export function grouped(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

export function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}
