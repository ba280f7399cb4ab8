import type { DisplayStatus } from '../../domain/connection-requests.js';
import type { LifecycleCounts } from '../../domain/lifecycle-counters.js';
import type { SummaryBody } from '../../routes/control/summary.js';
import { Html, html } from '../html.js';

type EdgeKey = Exclude<keyof LifecycleCounts, 'puts'>;

interface StateBox {
  state: DisplayStatus;
  x: number;
  y: number;
  hint: string;
}

const W = 150;
const H = 64;
const STATES: readonly StateBox[] = [
  { state: 'Pending', x: 30, y: 150, hint: 'waiting to be handed out' },
  { state: 'Processing', x: 330, y: 150, hint: 'handed out, not PUT back' },
  { state: 'Connected', x: 700, y: 40, hint: 'final' },
  { state: 'Failed', x: 700, y: 330, hint: 'final' },
  { state: 'Retry', x: 330, y: 350, hint: 'waiting to be requeued' },
];

interface Label {
  x: number;
  y: number;
  anchor?: 'start' | 'middle' | 'end';
  /** Text, and the counters shown in it. */
  parts: readonly (string | { n: EdgeKey })[];
}

interface Edge {
  /** The counters this arrow stands for: it pulses when any of them grows. */
  keys: readonly EdgeKey[];
  d: string;
  labels: readonly Label[];
  /** What the hidden table says of it. */
  describe: string;
  /** One row per counter, when an arrow stands for several. */
  rows?: Partial<Record<EdgeKey, string>>;
}

/** The documented edges: PUT codes, the 1 h and 24 h requeues, the lease, the 4 and 48 limits. */
function edges(rules: SummaryBody['rules']): Edge[] {
  const hours = (s: number) => (s % 3600 === 0 ? `${s / 3600} h` : `${Math.round(s / 60)} min`);
  return [
    { keys: ['created'], d: 'M105,47 L105,146', labels: [{ x: 115, y: 104, anchor: 'start', parts: ['created · ', { n: 'created' }] }], describe: 'new request → Pending' },
    {
      keys: ['handedOut'],
      d: 'M180,170 L326,170',
      labels: [{ x: 255, y: 161, parts: ['GET hands out · ', { n: 'handedOut' }] }],
      describe: `Pending → Processing: handed out by a GET (request token for ${hours(rules.requestTokenSeconds)})`,
    },
    {
      keys: ['leaseRequeued'],
      d: 'M330,198 L184,198',
      labels: [
        { x: 257, y: 218, parts: [`lease ends (${hours(rules.leaseSeconds)}) · `, { n: 'leaseRequeued' }] },
        { x: 257, y: 234, parts: [`at most ${rules.maxLeaseRequeues} times`] },
      ],
      describe: `Processing → Pending: never PUT back, requeued ${hours(rules.leaseSeconds)} after the hand-out (at most ${rules.maxLeaseRequeues} times)`,
    },
    { keys: ['connected'], d: 'M480,160 L696,80', labels: [{ x: 560, y: 100, parts: ['PUT CRSUC · ', { n: 'connected' }] }], describe: 'Processing → Connected: PUT CRSUC' },
    {
      keys: ['userErrorFailed', 'retryFailed', 'leaseFailed'],
      d: 'M480,204 C560,230 620,330 696,350',
      labels: [
        { x: 705, y: 254, anchor: 'start', parts: ['Failed by a limit:'] },
        { x: 705, y: 272, anchor: 'start', parts: [`CREU #${rules.maxUserErrorRequeues + 1} · `, { n: 'userErrorFailed' }] },
        { x: 705, y: 290, anchor: 'start', parts: [`retry #${rules.maxRetryRequeues + 1} · `, { n: 'retryFailed' }] },
        { x: 705, y: 308, anchor: 'start', parts: [`lease #${rules.maxLeaseRequeues + 1} · `, { n: 'leaseFailed' }] },
      ],
      describe: `Processing → Failed: user error #${rules.maxUserErrorRequeues + 1}, retry #${rules.maxRetryRequeues + 1} or lease #${rules.maxLeaseRequeues + 1}`,
      rows: {
        userErrorFailed: `Processing → Failed: user error #${rules.maxUserErrorRequeues + 1} (CREU1–3 past the limit)`,
        retryFailed: `Processing → Failed: retry #${rules.maxRetryRequeues + 1} (CRRET/CRPA1/CRPA2 past the limit)`,
        leaseFailed: `Processing → Failed: lease #${rules.maxLeaseRequeues + 1} ended (never PUT back)`,
      },
    },
    {
      keys: ['userErrorRetry'],
      d: 'M385,214 L385,346',
      labels: [
        { x: 377, y: 276, anchor: 'end', parts: ['PUT CREU1–3 · ', { n: 'userErrorRetry' }] },
        { x: 377, y: 292, anchor: 'end', parts: [`at most ${rules.maxUserErrorRequeues} times`] },
      ],
      describe: `Processing → Retry: PUT CREU1, CREU2 or CREU3 (at most ${rules.maxUserErrorRequeues} times)`,
    },
    {
      keys: ['retryRetry'],
      d: 'M425,214 L425,346',
      labels: [
        { x: 433, y: 276, anchor: 'start', parts: ['PUT CRRET/CRPA1/2 · ', { n: 'retryRetry' }] },
        { x: 433, y: 292, anchor: 'start', parts: [`at most ${rules.maxRetryRequeues} times`] },
      ],
      describe: `Processing → Retry: PUT CRRET, CRPA1 or CRPA2 (at most ${rules.maxRetryRequeues} times)`,
    },
    {
      keys: ['requeuedAfterRetry'],
      d: 'M330,366 C240,366 130,330 130,218',
      labels: [{ x: 150, y: 322, anchor: 'start', parts: [`requeued after ${hours(rules.retryDelaySeconds)} · `, { n: 'requeuedAfterRetry' }] }],
      describe: `Retry → Pending: requeued ${hours(rules.retryDelaySeconds)} after CRRET, CRPA1 or CRPA2`,
    },
    {
      keys: ['requeuedAfterUserError'],
      d: 'M330,398 C190,400 80,350 80,218',
      labels: [{ x: 150, y: 410, anchor: 'start', parts: [`requeued after ${hours(rules.userErrorDelaySeconds)} · `, { n: 'requeuedAfterUserError' }] }],
      describe: `Retry → Pending: requeued ${hours(rules.userErrorDelaySeconds)} after CREU1, CREU2 or CREU3`,
    },
  ];
}

interface Row {
  name: string;
  attribute: 'data-state' | 'data-edge';
  key: string;
  value: number;
}

/** The diagram's numbers as rows: the hidden table, and (joined) the picture's description. */
function rows(summary: SummaryBody): Row[] {
  const out: Row[] = STATES.map((s) => ({ name: `${s.state} (${s.hint})`, attribute: 'data-state', key: s.state, value: summary.states[s.state] }));
  for (const e of edges(summary.rules)) for (const k of e.keys) out.push({ name: e.rows?.[k] ?? e.describe, attribute: 'data-edge', key: k, value: summary.edges[k] });
  return out;
}

/** What the script writes too, from the table's rows after updating them: "name: n. name: n." */
function describe(all: readonly Row[]): string {
  return all.map((r) => `${r.name}: ${r.value}.`).join(' ');
}

/**
 * The lifecycle as a state diagram (inline SVG, drawn server-side with the current numbers):
 * a box per state with its count, an arrow per documented edge with how many requests took
 * it. The script rewrites only the numbers (`data-state`, `data-edge`) and the description,
 * and pulses an arrow whose counter grew. Screen readers get the description and a hidden
 * table of the same numbers.
 */
export function lifecycleDiagram(summary: SummaryBody): Html {
  const all = edges(summary.rules);
  const numbers = rows(summary);
  const count = (key: EdgeKey) => html`<tspan class="n" data-edge="${key}">${summary.edges[key]}</tspan>`;
  const label = (l: Label) => html`<text x="${l.x}" y="${l.y}" text-anchor="${l.anchor ?? 'middle'}">${l.parts.map((p) => (typeof p === 'string' ? p : count(p.n)))}</text>`;
  return html`<div class="diagram-wrap">
<svg class="diagram" viewBox="0 0 900 430" role="img" aria-labelledby="lc-title lc-desc" data-lifecycle>
  <title id="lc-title">Connection-request lifecycle, live</title>
  <desc id="lc-desc" data-lifecycle-desc>${describe(numbers)}</desc>
  <defs><marker id="lc-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="13" markerHeight="13" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6a7d90"></path></marker></defs>
  <circle cx="105" cy="40" r="7" fill="#1d2d3e"></circle>
  ${all.map((e) => html`<g class="edge" data-edges="${e.keys.join(' ')}"><path d="${e.d}" marker-end="url(#lc-arrow)"></path>${e.labels.map(label)}</g>`)}
  ${STATES.map(
    (s) => html`<g class="state s-${s.state.toLowerCase()}"><rect x="${s.x}" y="${s.y}" width="${W}" height="${H}" rx="10"></rect>
    <text class="count" x="${s.x + W / 2}" y="${s.y + 30}" text-anchor="middle" data-state="${s.state}">${summary.states[s.state]}</text>
    <text class="name" x="${s.x + W / 2}" y="${s.y + 52}" text-anchor="middle">${s.state}</text></g>`,
  )}
</svg>
</div>
<div class="visually-hidden"><table data-lifecycle-table><caption>The lifecycle's numbers</caption>
<thead><tr><th scope="col">State or transition</th><th scope="col">Requests</th></tr></thead>
<tbody>${numbers.map((r) => html`<tr><th scope="row">${r.name}</th><td ${new Html(r.attribute)}="${r.key}">${r.value}</td></tr>`)}</tbody>
</table></div>
<p class="visually-hidden" aria-live="polite" data-field="announce"></p>`;
}
