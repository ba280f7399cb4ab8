import type { FaultRule } from '../../http/faults.js';
import type { ConversationBody, ConversationFilter } from '../../routes/control/conversation.js';
import type { SummaryBody } from '../../routes/control/summary.js';
import type { TimelineBody } from '../../routes/control/timeline.js';
import type { SandboxSummary } from '../../sandbox-registry.js';
import { html } from '../html.js';
import { CLOCK_AXIS, clockSection } from './clock-timeline.js';
import { CONSOLE_SCRIPT } from './console-script.js';
import { CONSOLE_STYLES } from './console-styles.js';
import { dataTable, type Cell } from './data-table.js';
import { layout } from './layout.js';
import { lifecycleDiagram } from './lifecycle-diagram.js';
import { timelineSection } from './request-timeline.js';
import { sandboxPicker } from './sandbox-picker.js';
import { sequenceSection } from './sequence-diagram.js';

interface RequestRow {
  id: string;
  loginId: string;
  consumerKey: string;
  status: string;
  lastCode: string | null;
  availableAt: string | null;
  requeues: { userError: number; retry: number; lease: number };
}

export interface ConsoleData {
  /** The sandbox's path prefix ('' at the root): every URL the page uses starts with it. */
  base: string;
  sandboxId: string | null;
  csrf: string;
  nonce: string;
  /** The mock's control token (the page was opened with it), sent with every call the page makes. */
  controlToken?: string | undefined;
  summary: SummaryBody;
  conversation: ConversationBody;
  filter: ConversationFilter;
  find: string | undefined;
  timeline: TimelineBody | null;
  /** The first page of requests (a page, never the queue). */
  requests: readonly RequestRow[];
  faults: readonly FaultRule[];
  apps: readonly { name: string; consumerKey: string; scopes: readonly string[]; redirectUris: readonly string[] }[];
  /** The sandboxes the picker offers: every one at the root (which lists them in a table too), only its own in a sandbox. */
  sandboxes: readonly SandboxSummary[];
}

/** The same rows the script's refresh writes (`console-script.ts`), so the page reads the same before and after. */
export function requestCells(base: string, r: RequestRow, token: string | undefined): Cell[] {
  const href = `${base}/_mock/console?${new URLSearchParams({ ...(token ? { token } : {}), find: r.id }).toString()}#timeline`;
  return [r.id, r.loginId, r.consumerKey, r.status, r.lastCode, `${r.requeues.userError}/${r.requeues.retry}/${r.requeues.lease}`, r.availableAt, { href, text: 'Timeline', label: `Timeline of ${r.id}`, select: r.id }];
}

function faultCells(f: FaultRule): Cell[] {
  const effect = [f.status && `HTTP ${f.status}`, f.latencyMs && `${f.latencyMs} ms`, f.reset && 'reset', f.malformedBody && 'malformed body'].filter(Boolean).join(', ');
  return [f.id, f.method, f.path, effect, f.remaining === null ? '∞' : f.remaining, f.hits];
}

function sandboxCells(s: SandboxSummary, token: string | undefined): Cell[] {
  return [s.id, s.createdAt, s.lastUsedAt, s.counts.connectionRequests, s.counts.accessTokens, { href: `${s.path}/_mock/console${token ? `?token=${encodeURIComponent(token)}` : ''}`, text: 'Open console' }];
}

/**
 * The demo and debugging console: pictures first (the lifecycle as a live state diagram, the
 * clock as a timeline with its buttons' forecasts, a request's timeline with its request
 * token's countdown, the journal as a sequence diagram), then the tables. Everything is
 * rendered here with the current numbers, so the page reads without its script; the one
 * inline script (by nonce) then refreshes the numbers and rows every two seconds from the
 * control API's summaries and pages, writing `textContent` and attributes only.
 */
export function consolePage(d: ConsoleData) {
  const token = d.controlToken;
  const root = d.sandboxId === null;
  return layout(
    { title: root ? 'Console' : `Console · sandbox ${d.sandboxId}`, base: d.base, wide: true, styles: CONSOLE_STYLES },
    html`<div class="console-head"><h1>mock-concur console${root ? '' : html` <span class="muted">sandbox ${d.sandboxId}</span>`}</h1>
${sandboxPicker({ sandboxId: d.sandboxId, sandboxes: d.sandboxes, controlToken: token })}</div>
${root ? '' : html`<p><a href="/_mock/console${token ? `?token=${encodeURIComponent(token)}` : ''}" data-console-link>\u2190 The root's console and every sandbox</a></p>`}
<section class="card" aria-labelledby="lifecycle-h">
  <h2 id="lifecycle-h">Lifecycle <span class="muted">(${d.summary.queueMode} mode; numbers on the arrows count transitions since the start or the last reset)</span></h2>
  ${lifecycleDiagram(d.summary)}
</section>
${clockSection({ base: d.base, csrf: d.csrf, summary: d.summary })}
${timelineSection({ base: d.base, find: d.find, timeline: d.timeline, controlToken: token })}
${sequenceSection({ base: d.base, conversation: d.conversation, filter: d.filter, controlToken: token })}
${dataTable(
  'requests',
  'Connection requests',
  ['ID', 'User', 'App', 'Status', 'Last code', 'Requeues', 'Available at', 'Timeline'],
  d.requests.map((r) => requestCells(d.base, r, token)),
  { note: `The first ${d.requests.length} of ${d.summary.totals.connectionRequests}, in creation order; find any other by id, login id or loyalty number above.` },
)}
${dataTable('tokens', 'Access tokens (masked, newest first)', ['Token', 'User', 'App', 'Origin', 'State', 'Expires'], null, { lazy: true })}
${dataTable('faults', 'Fault rules', ['ID', 'Method', 'Path', 'Effect', 'Remaining', 'Hits'], d.faults.map(faultCells))}
${dataTable(
  'apps',
  'Apps',
  ['Name', 'Consumer key', 'Scopes', 'Redirect URIs'],
  d.apps.map((a) => [a.name, a.consumerKey, a.scopes.join(', '), a.redirectUris.join(' ')]),
)}
${root ? dataTable('sandboxes', 'Sandboxes', ['ID', 'Created', 'Last used', 'Requests', 'Tokens', 'Console'], d.sandboxes.map((s) => sandboxCells(s, token))) : ''}
${dataTable('users', 'Users (first 20)', ['Login ID', 'Name', 'Loyalty number', 'Roles'], null, { lazy: true })}
<script nonce="${d.nonce}" data-base="${d.base}"${token ? html` data-control-token="${token}"` : ''} data-selected="${d.timeline?.request.id ?? ''}" data-axis="${CLOCK_AXIS.map(([s, x]) => `${s}:${x}`).join(',')}" data-now-ms="${d.summary.nowMs}" data-clock-mode="${d.summary.clock.mode}">${CONSOLE_SCRIPT}</script>`,
  );
}
