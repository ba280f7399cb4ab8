import { html, type Html } from '../html.js';

/** A cell: text, or a link (`select`: a request id the script shows the timeline of in place). */
export type Cell = string | number | null | undefined | { href: string; text: string; label?: string; select?: string };

/** One cell as the script's `fill` writes it too: long unbroken values may break anywhere. */
function cell(value: Cell): Html {
  if (value !== null && typeof value === 'object') {
    return html`<td><a href="${value.href}"${value.label ? html` aria-label="${value.label}"` : ''}${value.select ? html` data-select="${value.select}"` : ''}>${value.text}</a></td>`;
  }
  const text = value === null || value === undefined ? '' : String(value);
  return html`<td${/\S{16,}/.test(text) ? html` class="long"` : ''}>${text}</td>`;
}

/**
 * A table the script refreshes (`data-rows`, `data-count`), rendered with its rows so the page
 * reads without the script. `lazy`: inside a closed `<details>`, fetched only while open
 * (lists that grow with the world: a page of them, never the whole list).
 */
export function dataTable(id: string, title: string, columns: readonly string[], rows: readonly (readonly Cell[])[] | null, options: { lazy?: boolean; note?: string } = {}): Html {
  const body =
    rows === null
      ? html`<tr><td colspan="${columns.length}" class="muted">${options.lazy ? 'Open to load' : 'Loading…'}</td></tr>`
      : rows.length === 0
        ? html`<tr><td colspan="${columns.length}" class="muted">None</td></tr>`
        : rows.map((r) => html`<tr>${r.map(cell)}</tr>`);
  const table = html`${options.note ? html`<p class="muted">${options.note}</p>` : ''}<div class="table-wrap"><table><thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead><tbody data-rows="${id}">${body}</tbody></table></div>`;
  const count = html`<span class="muted" data-count="${id}">${rows === null ? '' : `(${rows.length})`}</span>`;
  if (options.lazy) return html`<details class="card" data-lazy="${id}"><summary id="${id}-h">${title} ${count}</summary>${table}</details>`;
  return html`<section class="card" aria-labelledby="${id}-h">
  <h2 id="${id}-h">${title} ${count}</h2>
  ${table}
</section>`;
}
