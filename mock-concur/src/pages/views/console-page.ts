import { Html, html } from '../html.js';
import { layout } from './layout.js';

const STEPS = [
  { seconds: 900, label: '+15 min' },
  { seconds: 3600, label: '+1 h' },
  { seconds: 86400, label: '+24 h' },
];

/**
 * The demo and debugging console. The server renders the frame; a small inline script reads
 * the JSON control API every two seconds and fills the tables with `textContent` only, so
 * nothing it shows is ever parsed as HTML. The clock buttons are CSRF-protected forms that
 * work without the script too.
 */
/**
 * `controlToken`: the mock's control token (the page was opened with it), sent with every call
 * the page makes. `base`/`sandboxId`: the sandbox shown ('' and null for the root, which also
 * lists the sandboxes).
 */
export function consolePage(options: { base: string; sandboxId: string | null; csrf: string; nonce: string; controlToken?: string }) {
  const section = (id: string, title: string, columns: string[]) => html`<section class="card" aria-labelledby="${id}-h">
  <h2 id="${id}-h">${title} <span class="muted" data-count="${id}"></span></h2>
  <div class="table-wrap"><table><thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead><tbody data-rows="${id}"><tr><td colspan="${columns.length}" class="muted">Loading…</td></tr></tbody></table></div>
</section>`;
  return layout(
    { title: options.sandboxId === null ? 'Console' : `Console · sandbox ${options.sandboxId}`, base: options.base, wide: true },
    html`<h1>mock-concur console${options.sandboxId === null ? '' : html` <span class="muted">sandbox ${options.sandboxId}</span>`}</h1>
${options.sandboxId === null ? '' : html`<p><a href="/_mock/console" data-console-link>← The root's console and every sandbox</a></p>`}
<section class="card" aria-labelledby="clock-h">
  <h2 id="clock-h">Clock</h2>
  <p>Now: <strong data-field="clock" aria-live="polite">…</strong> <span class="muted" data-field="clock-mode"></span></p>
  <div class="actions">
    ${STEPS.map(
      (s) => html`<form method="post" action="${options.base}/_mock/console/clock" data-live>
      <input type="hidden" name="_csrf" value="${options.csrf}"><input type="hidden" name="seconds" value="${s.seconds}">
      <button type="submit">${s.label}</button></form>`,
    )}
  </div>
  <p class="muted">Queue: <span data-field="counts">…</span> · updated <span data-field="updated">never</span></p>
</section>
${section('requests', 'Connection requests', ['ID', 'User', 'App', 'Status', 'Last code', 'Requeues', 'Available at'])}
${section('tokens', 'Access tokens (masked)', ['Token', 'User', 'App', 'Origin', 'State', 'Expires'])}
${section('journal', 'Journal (latest first)', ['#', 'At', 'Method', 'URL', 'Status', 'Note'])}
${section('faults', 'Fault rules', ['ID', 'Method', 'Path', 'Effect', 'Remaining', 'Hits'])}
${section('apps', 'Apps', ['Name', 'Consumer key', 'Scopes', 'Redirect URIs'])}
${options.sandboxId === null ? section('sandboxes', 'Sandboxes', ['ID', 'Created', 'Last used', 'Requests', 'Tokens', 'Console']) : ''}
${section('users', 'Users', ['Login ID', 'Name', 'Loyalty number', 'Roles'])}
<script nonce="${options.nonce}" data-base="${options.base}"${options.controlToken ? html` data-control-token="${options.controlToken}"` : ''}>${CONSOLE_SCRIPT}</script>`,
  );
}

const CONSOLE_SCRIPT = new Html(`
(() => {
  const token = document.currentScript.dataset.controlToken;
  const base = document.currentScript.dataset.base;
  const headers = token ? { accept: 'application/json', 'x-mock-control-token': token } : { accept: 'application/json' };
  const get = (path) => fetch(base + path, { headers }).then((r) => r.json());
  // A console link carries the token the page was opened with.
  const consoleHref = (prefix) => prefix + '/_mock/console' + (token ? '?token=' + encodeURIComponent(token) : '');
  for (const a of document.querySelectorAll('a[data-console-link]')) a.href = consoleHref('');
  const hasSandboxes = !!document.querySelector('[data-rows="sandboxes"]');
  const fill = (name, rows) => {
    const body = document.querySelector('[data-rows="' + name + '"]');
    const count = document.querySelector('[data-count="' + name + '"]');
    body.replaceChildren(...rows.map((cells) => {
      const tr = document.createElement('tr');
      for (const cell of cells) {
        const td = document.createElement('td');
        if (cell && typeof cell === 'object') { const a = document.createElement('a'); a.href = cell.href; a.textContent = cell.text; td.append(a); }
        else { td.textContent = cell == null ? '' : String(cell); if (/\\S{16,}/.test(td.textContent)) td.className = 'long'; }
        tr.append(td);
      }
      return tr;
    }));
    if (!rows.length) { const tr = document.createElement('tr'); const td = document.createElement('td'); td.colSpan = 9; td.className = 'muted'; td.textContent = 'None'; tr.append(td); body.append(tr); }
    count.textContent = '(' + rows.length + ')';
  };
  const field = (name, text) => { document.querySelector('[data-field="' + name + '"]').textContent = text; };
  async function refresh() {
    try {
      const [clock, health, requests, tokens, journal, faults, apps, users] = await Promise.all([
        get('/_mock/clock'), get('/_mock/health'), get('/_mock/connection-requests?limit=100'), get('/_mock/tokens?limit=100'),
        get('/_mock/journal?limit=50'), get('/_mock/faults'), get('/_mock/apps?limit=100'), get('/_mock/users?limit=100'),
      ]);
      field('clock', clock.now);
      field('clock-mode', clock.mode + ' clock, offset ' + clock.offsetSeconds + ' s');
      field('counts', Object.entries(health.connectionRequests).map(([k, v]) => k + ' ' + v).join(' · '));
      field('updated', new Date().toLocaleTimeString());
      fill('requests', requests.items.map((r) => [r.id, r.loginId, r.consumerKey, r.status, r.lastCode, r.requeues.userError + '/' + r.requeues.retry + '/' + r.requeues.lease, r.availableAt]));
      fill('tokens', tokens.slice(0, 100).map((t) => [t.token, t.loginId, t.consumerKey, t.origin, t.state, t.expiresAt]));
      fill('journal', journal.reverse().map((e) => [e.seq, e.at, e.method, e.url, e.status, e.note]));
      fill('faults', faults.map((f) => [f.id, f.method, f.path, [f.status && ('HTTP ' + f.status), f.latencyMs && (f.latencyMs + ' ms'), f.reset && 'reset', f.malformedBody && 'malformed body'].filter(Boolean).join(', '), f.remaining == null ? '∞' : f.remaining, f.hits]));
      fill('apps', apps.map((a) => [a.name, a.consumerKey, a.scopes.join(', '), a.redirectUris.join(' ')]));
      fill('users', users.map((u) => [u.loginId, [u.firstName, u.middleName, u.lastName].filter(Boolean).join(' '), u.loyaltyNumber, u.roles.join(', ')]));
      if (hasSandboxes) {
        const sandboxes = await get('/_mock/sandboxes');
        fill('sandboxes', sandboxes.items.map((s) => [s.id, s.createdAt, s.lastUsedAt, s.counts.connectionRequests, s.counts.accessTokens, { href: consoleHref(s.path), text: 'Open console' }]));
      }
    } catch (e) {
      field('updated', 'failed: ' + e);
    }
  }
  for (const form of document.querySelectorAll('form[data-live]')) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      await fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)), headers });
      refresh();
    });
  }
  refresh();
  setInterval(refresh, 2000);
})();
`);
