import { Html } from '../html.js';

/**
 * The console's one inline script (allowed by the page's nonce). Progressive enhancement of a
 * page that is complete without it: every two seconds it reads the summary, the new journal
 * entries (`since` the last head), the selected request's timeline and a few small pages, and
 * updates numbers, attributes and rows in place. It writes `textContent` and attributes only,
 * never HTML, so nothing it shows is ever parsed as markup. Plain ES2020, no build step.
 * (No `${` or backticks in it: it sits in a template literal.)
 */
export const CONSOLE_SCRIPT = new Html(
  String.raw`
(() => {
  const script = document.currentScript;
  const data = script.dataset;
  const token = data.controlToken;
  const base = data.base;
  const headers = token ? { accept: 'application/json', 'x-mock-control-token': token } : { accept: 'application/json' };
  const get = (path) => fetch(base + path, { headers }).then((r) => {
    if (!r.ok) { const e = new Error(path.split('?')[0] + ': HTTP ' + r.status); e.status = r.status; throw e; }
    return r.json();
  });
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const setText = (el, text) => { if (el && el.textContent !== text) el.textContent = text; };
  const field = (name, text) => { for (const el of $$('[data-field="' + name + '"]')) setText(el, text); };
  const el = (tag, className, text) => { const e = document.createElement(tag); if (className) e.className = className; if (text != null) e.textContent = text; return e; };
  const STATES = ['Pending', 'Processing', 'Retry', 'Connected', 'Failed'];
  const ROWS_KEPT = 80;
  const PAGE = 50;
  const LOW = 0.2;

  // The mock's clock as last read: a system clock runs on between reads, a manual one stands still.
  let clock = { nowMs: Number(data.nowMs), mode: data.clockMode, at: Date.now() };
  const mockNow = () => (clock.mode === 'system' ? clock.nowMs + (Date.now() - clock.at) : clock.nowMs);

  // A console link carries the token the page was opened with.
  const consoleHref = (prefix, query) => prefix + '/_mock/console' + (token || query ? '?' + new URLSearchParams(Object.assign(token ? { token } : {}, query || {})).toString() : '');

  const clockText = (seconds) => {
    const s = Math.max(0, Math.ceil(seconds));
    const two = (n) => String(n).padStart(2, '0');
    const h = Math.floor(s / 3600);
    return h > 0 ? h + ':' + two(Math.floor((s % 3600) / 60)) + ':' + two(s % 60) : two(Math.floor(s / 60)) + ':' + two(s % 60);
  };
  const relative = (ms, now) => {
    const d = Math.round((ms - now) / 1000);
    const a = Math.abs(d);
    const size = a < 60 ? a + ' s' : a < 3600 ? Math.round(a / 60) + ' min' : a < 172800 ? Math.round(a / 360) / 10 + ' h' : Math.round(a / 8640) / 10 + ' days';
    return d === 0 ? 'now' : d > 0 ? 'in ' + size : size + ' ago';
  };

  // ---- tables: rows of text cells or links, as the server renders them
  const fill = (name, rows) => {
    const body = $('[data-rows="' + name + '"]');
    if (!body) return;
    body.replaceChildren(...rows.map((cells) => {
      const tr = document.createElement('tr');
      for (const cell of cells) {
        const td = document.createElement('td');
        if (cell && typeof cell === 'object') {
          const a = el('a', '', cell.text);
          a.href = cell.href;
          if (cell.label) a.setAttribute('aria-label', cell.label);
          if (cell.select) a.dataset.select = cell.select;
          td.append(a);
        } else { td.textContent = cell == null ? '' : String(cell); if (/\S{16,}/.test(td.textContent)) td.className = 'long'; }
        tr.append(td);
      }
      return tr;
    }));
    if (!rows.length) { const tr = document.createElement('tr'); const td = el('td', 'muted', 'None'); td.colSpan = 9; tr.append(td); body.append(tr); }
    setText($('[data-count="' + name + '"]'), '(' + rows.length + ')');
  };
  const requestCells = (r) => [r.id, r.loginId, r.consumerKey, r.status, r.lastCode, r.requeues.userError + '/' + r.requeues.retry + '/' + r.requeues.lease, r.availableAt,
    { href: consoleHref(base, { find: r.id }) + '#timeline', text: 'Timeline', label: 'Timeline of ' + r.id, select: r.id }];

  // ---- the lifecycle diagram: numbers, description, a pulse on every arrow whose counter grew
  let lastEdges = null;
  const table = $('[data-lifecycle-table]');
  const rowName = (attr, key) => { const td = $('td[' + attr + '="' + key + '"]', table); return td ? td.parentElement.cells[0].textContent : key; };
  const pulse = (key) => {
    for (const g of $$('[data-edges~="' + key + '"]')) {
      g.classList.remove('pulse');
      void g.getBoundingClientRect();
      g.classList.add('pulse');
      clearTimeout(g.pulseTimer);
      g.pulseTimer = setTimeout(() => g.classList.remove('pulse'), 1600);
    }
  };
  const showLifecycle = (s) => {
    for (const e of $$('[data-state]')) setText(e, String(s.states[e.dataset.state]));
    for (const e of $$('[data-edge]')) setText(e, String(s.edges[e.dataset.edge]));
    const grown = [];
    if (lastEdges) for (const k of Object.keys(s.edges)) if (typeof s.edges[k] === 'number' && s.edges[k] > lastEdges[k]) grown.push(k);
    for (const k of grown) pulse(k);
    if (grown.length) field('announce', grown.map((k) => rowName('data-edge', k) + ': +' + (s.edges[k] - lastEdges[k])).join('; '));
    lastEdges = s.edges;
    setText($('[data-lifecycle-desc]'), $$('tbody tr', table).map((tr) => tr.cells[0].textContent + ': ' + tr.cells[1].textContent + '.').join(' '));
  };

  // ---- the clock's timeline and its buttons' forecasts
  const axis = data.axis.split(',').map((p) => p.split(':').map(Number));
  const axisX = (seconds) => {
    for (let i = 1; i < axis.length; i++) {
      const [s0, x0] = axis[i - 1]; const [s1, x1] = axis[i];
      if (seconds <= s1) return x0 + ((Math.max(seconds, s0) - s0) / (s1 - s0)) * (x1 - x0);
    }
    return axis[axis.length - 1][1];
  };
  const KINDS = [['tokens', (f) => f.tokensExpire], ['retries', (f) => f.retriesDue.total], ['leases', (f) => f.leasesEnd]];
  const showClock = (s) => {
    field('clock', s.now);
    field('clock-mode', s.clock.mode + ' clock, offset ' + s.clock.offsetSeconds + ' s');
    field('counts', STATES.map((k) => k + ' ' + s.states[k]).join(' · '));
    field('updated', new Date().toLocaleTimeString());
    s.forecast.forEach((f, i) => {
      const put = (what, v) => setText($('[data-fc="' + f.seconds + '-' + what + '"]'), String(v));
      put('tokens', f.tokensExpire); put('retries', f.retriesDue.total); put('retries-1h', f.retriesDue.retry); put('retries-24h', f.retriesDue.userError); put('leases', f.leasesEnd);
      const before = s.forecast[i - 1];
      for (const [what, value] of KINDS) setText($('[data-seg="' + i + '-' + what + '"]'), String(value(f) - (before ? value(before) : 0)));
    });
    setText($('[data-clock-desc]'), s.forecast.map((f) => 'Within ' + f.label.slice(1) + ': ' + f.tokensExpire + ' request tokens expire, ' + f.retriesDue.total + ' Retry requests come due, ' + f.leasesEnd + ' leases end.').join(' '));
    for (const m of $$('[data-next]')) {
      const at = s.next[m.dataset.next];
      const seconds = at === null ? null : (Date.parse(at) - s.nowMs) / 1000;
      if (seconds === null || seconds > axis[axis.length - 1][0]) m.setAttribute('visibility', 'hidden');
      else { m.removeAttribute('visibility'); m.setAttribute('cx', String(axisX(seconds))); }
    }
  };

  // ---- the request timeline and its countdown
  let selected = data.selected || null;
  const slot = $('[data-tl="slot"]');
  let shownKey = null;
  const tlMessage = (text) => setText($('[data-tl="message"]'), text);
  const buildTimeline = (t) => {
    const r = t.request;
    const view = el('div'); view.dataset.tl = 'view'; view.dataset.requestId = r.id;
    const head = el('p', 'tl-head');
    const badge = el('span', 'badge b-' + r.status.toLowerCase(), r.status); badge.dataset.tl = 'status';
    const code = el('code', '', r.id);
    head.append(badge, ' ', el('strong', '', r.user.name), ' (' + r.loginId + (r.user.loyaltyNumber ? ', loyalty ' + r.user.loyaltyNumber : '') + ') · app ' + r.consumerKey + ' · ', code,
      ' · requeues: user errors ' + r.requeues.userError + '/' + r.limits.userError + ', retries ' + r.requeues.retry + '/' + r.limits.retry + ', leases ' + r.requeues.lease + '/' + r.limits.lease);
    const cd = el('div', 'countdown'); cd.dataset.tl = 'countdown';
    const rt = r.requestToken;
    if (!rt) cd.hidden = true;
    else {
      cd.dataset.expiresMs = String(rt.expiresAtMs); cd.dataset.ttl = String(rt.ttlSeconds);
      const p = el('p'); p.id = 'countdown-label';
      const left = el('span', 'left', clockText(rt.secondsLeft)); left.dataset.tl = 'left';
      p.append('Request token ', el('code', '', rt.token), ' (' + rt.state + '): ', left, ' left of ' + clockText(rt.ttlSeconds) + ', until ' + rt.expiresAt);
      const bar = el('div', 'bar'); bar.dataset.tl = 'bar';
      bar.setAttribute('role', 'progressbar'); bar.setAttribute('aria-labelledby', 'countdown-label');
      bar.setAttribute('aria-valuemin', '0'); bar.setAttribute('aria-valuemax', String(rt.ttlSeconds));
      const fillEl = el('div', 'fill'); fillEl.dataset.tl = 'fill';
      bar.append(fillEl);
      cd.append(p, bar);
    }
    const list = el('ol', 'events'); list.setAttribute('aria-label', 'Events, oldest first');
    for (const e of t.events) {
      const li = el('li', 'k-' + e.kind + (e.future ? ' future' : ''));
      const time = el('time', '', e.at.slice(5, 10) + ' ' + e.at.slice(11, 19)); time.setAttribute('datetime', e.at);
      const rel = el('span', 'muted', '(' + relative(e.atMs, t.nowMs) + ')'); rel.dataset.rel = String(e.atMs);
      li.append(time, ' ' + e.label + ' ', rel);
      list.append(li);
    }
    view.append(head, cd, list);
    return view;
  };
  const showTimeline = (t) => {
    // Rebuilt only when something but the clock changed: a screen reader is not interrupted every two seconds.
    const key = JSON.stringify([t.request.status, t.request.lastModified, t.request.requestToken && t.request.requestToken.expiresAtMs, t.request.requestToken && t.request.requestToken.state, t.events.map((e) => e.kind + e.atMs + e.future)]);
    if (key !== shownKey) { slot.replaceChildren(buildTimeline(t)); shownKey = key; }
    tick();
  };
  const tick = () => {
    const now = mockNow();
    const cd = $('[data-tl="countdown"]', slot);
    if (cd && !cd.hidden && cd.dataset.expiresMs) {
      const ttl = Number(cd.dataset.ttl);
      const left = Math.max(0, (Number(cd.dataset.expiresMs) - now) / 1000);
      const fraction = Math.min(1, left / ttl);
      setText($('[data-tl="left"]', cd), clockText(left));
      const fillEl = $('[data-tl="fill"]', cd);
      fillEl.style.width = (fraction * 100).toFixed(1) + '%';
      const bar = $('[data-tl="bar"]', cd);
      bar.setAttribute('aria-valuenow', String(Math.ceil(left)));
      bar.setAttribute('aria-valuetext', clockText(left) + ' left');
      cd.classList.toggle('low', left > 0 && fraction <= LOW);
      cd.classList.toggle('done', left <= 0);
    }
    for (const r of $$('[data-rel]', slot)) setText(r, '(' + relative(Number(r.dataset.rel), now) + ')');
  };
  const select = async (id) => {
    selected = id;
    try {
      const t = await get('/_mock/connection-requests/' + encodeURIComponent(id) + '/timeline');
      tlMessage('');
      showTimeline(t);
      history.replaceState(null, '', consoleHref(base, { find: id }) + '#timeline');
    } catch (e) { tlMessage(String(e.message || e)); }
  };
  document.addEventListener('click', (event) => {
    const a = event.target.closest && event.target.closest('a[data-select]');
    if (!a) return;
    event.preventDefault();
    select(a.dataset.select).then(() => $('#timeline').scrollIntoView({ block: 'start' }));
  });
  const findForm = $('form[data-find]');
  findForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = $('input[name="find"]', findForm).value.trim();
    if (!text) return;
    try {
      const t = await get('/_mock/timeline?find=' + encodeURIComponent(text));
      selected = t.request.id;
      tlMessage('Showing ' + t.request.id + '.');
      shownKey = null;
      showTimeline(t);
      history.replaceState(null, '', consoleHref(base, { find: text }) + '#timeline');
    } catch (e) {
      tlMessage(e.status === 404 ? 'No connection request found for \u201c' + text + '\u201d.' : String(e.message || e));
    }
  });

  // ---- the sequence diagram: new entries since the last head, lanes added as callers appear
  const seqBox = $('[data-seq-box]');
  const rowsEl = $('[data-seq-rows]');
  const lanesEl = $('.seq-lanes', seqBox);
  let head = Number(seqBox.dataset.head);
  let lanes = $$('[data-lane]', lanesEl).map((li) => [li.dataset.lane, li.textContent]);
  const filterForm = $('form[data-filters]');
  const filterValue = (name) => $('input[name="' + name + '"]', filterForm).value.trim();
  let filter = { request: filterValue('request'), user: filterValue('user'), maskedToken: filterValue('maskedToken') };
  const filterQuery = () => Object.entries(filter).filter(([, v]) => v).map(([k, v]) => '&' + k + '=' + encodeURIComponent(v)).join('');
  const laneIndex = (id) => lanes.findIndex(([l]) => l === id) + 1;
  const addLane = (lane) => {
    if (laneIndex(lane.id) > 0) return;
    lanes.push([lane.id, lane.label]);
    const li = el('li', '', lane.label); li.dataset.lane = lane.id;
    lanesEl.insertBefore(li, lanesEl.lastElementChild);
    seqBox.style.setProperty('--lanes', String(lanes.length + 1));
  };
  const seqRow = (e) => {
    const li = el('li', 'seq-row' + (e.fault ? ' fault' : e.status >= 400 ? ' error' : ''));
    li.style.setProperty('--from', String(laneIndex(e.lane)));
    li.dataset.seq = String(e.seq);
    const req = el('div', 'seq-req'); req.append(el('span', 'seq-label', e.at.slice(11, 19) + ' ' + e.method + ' ' + e.url));
    const res = el('div', 'seq-res'); res.append(el('span', 'seq-label', e.status + ' · ' + e.durationMs + ' ms' + (e.fault ? ' · fault ' + e.fault : '') + (e.note ? ' · ' + e.note : '')));
    li.append(el('span', 'visually-hidden', lanes[laneIndex(e.lane) - 1][1] + ' to Concur: '), req, res);
    return li;
  };
  const showConversation = (c, reset) => {
    const atBottom = rowsEl.scrollHeight - rowsEl.scrollTop - rowsEl.clientHeight < 24;
    if (reset || c.more) rowsEl.replaceChildren();
    if (reset) { lanes = []; for (const li of $$('[data-lane]', lanesEl)) li.remove(); seqBox.style.setProperty('--lanes', '1'); }
    for (const lane of c.lanes) addLane(lane);
    for (const e of c.entries) rowsEl.append(seqRow(e));
    while (rowsEl.children.length > ROWS_KEPT) rowsEl.firstElementChild.remove();
    head = c.head;
    $('[data-seq-empty]').hidden = rowsEl.children.length > 0;
    if (atBottom || reset) rowsEl.scrollTop = rowsEl.scrollHeight;
  };
  const conversation = (reset) => get('/_mock/conversation?since=' + (reset ? 0 : head) + '&limit=' + PAGE + filterQuery()).then((c) => showConversation(c, reset));
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    filter = { request: filterValue('request'), user: filterValue('user'), maskedToken: filterValue('maskedToken') };
    conversation(true).catch((e) => field('updated', 'failed: ' + e));
  });
  $('[data-clear-filters]').addEventListener('click', (event) => {
    event.preventDefault();
    for (const input of $$('input[type="text"]', filterForm)) input.value = '';
    filter = { request: '', user: '', maskedToken: '' };
    conversation(true).catch((e) => field('updated', 'failed: ' + e));
  });

  // ---- the sandbox picker (the root lists them live) and the lazy tables
  const picker = $('#sandbox-pick');
  const hasSandboxes = !!$('[data-rows="sandboxes"]');
  const showSandboxes = (items) => {
    fill('sandboxes', items.map((s) => [s.id, s.createdAt, s.lastUsedAt, s.counts.connectionRequests, s.counts.accessTokens, { href: consoleHref(s.path), text: 'Open console' }]));
    const wanted = items.map((s) => s.id);
    const have = Array.from(picker.options).slice(1).map((o) => o.value);
    if (wanted.join() === have.join()) return;
    for (const o of Array.from(picker.options).slice(1)) o.remove();
    for (const s of items) { const o = el('option', '', 'sandbox ' + s.id + ' (' + s.counts.connectionRequests + ' requests)'); o.value = s.id; picker.append(o); }
  };
  const lazyOpen = (name) => { const d = $('details[data-lazy="' + name + '"]'); return !!(d && d.open); };
  for (const d of $$('details[data-lazy]')) d.addEventListener('toggle', () => { if (d.open) refresh(); });

  let busy = false;
  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const [summary, , requests, faults, apps, sandboxes, timeline, tokens, users] = await Promise.all([
        get('/_mock/summary'),
        conversation(false),
        get('/_mock/connection-requests?limit=10'),
        get('/_mock/faults'),
        get('/_mock/apps?limit=100'),
        hasSandboxes ? get('/_mock/sandboxes') : null,
        selected ? get('/_mock/connection-requests/' + encodeURIComponent(selected) + '/timeline').catch(() => null) : null,
        lazyOpen('tokens') ? get('/_mock/tokens?limit=20') : null,
        lazyOpen('users') ? get('/_mock/users?limit=20') : null,
      ]);
      clock = { nowMs: summary.nowMs, mode: summary.clock.mode, at: Date.now() };
      showLifecycle(summary);
      showClock(summary);
      if (timeline) showTimeline(timeline);
      fill('requests', requests.items.map(requestCells));
      fill('faults', faults.map((f) => [f.id, f.method, f.path, [f.status && ('HTTP ' + f.status), f.latencyMs && (f.latencyMs + ' ms'), f.reset && 'reset', f.malformedBody && 'malformed body'].filter(Boolean).join(', '), f.remaining == null ? '\u221e' : f.remaining, f.hits]));
      fill('apps', apps.map((a) => [a.name, a.consumerKey, a.scopes.join(', '), a.redirectUris.join(' ')]));
      if (sandboxes) showSandboxes(sandboxes.items);
      if (tokens) fill('tokens', tokens.map((t) => [t.token, t.loginId, t.consumerKey, t.origin, t.state, t.expiresAt]));
      if (users) fill('users', users.map((u) => [u.loginId, [u.firstName, u.middleName, u.lastName].filter(Boolean).join(' '), u.loyaltyNumber, u.roles.join(', ')]));
    } catch (e) {
      field('updated', 'failed: ' + e);
    } finally {
      busy = false;
    }
  }
  for (const form of $$('form[data-live]')) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      await fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)), headers });
      refresh();
    });
  }
  // The numbers as rendered are the baseline: the first refresh pulses what moved since.
  lastEdges = Object.fromEntries($$('td[data-edge]', table).map((td) => [td.dataset.edge, Number(td.textContent)]));
  refresh();
  setInterval(refresh, 2000);
  setInterval(tick, 1000);
})();
`,
);
