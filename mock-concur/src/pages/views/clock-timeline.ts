import type { SummaryBody } from '../../routes/control/summary.js';
import { html, type Html } from '../html.js';

/** Where now, +15 min, +1 h and +24 h sit on the axis: piecewise linear, so 15 minutes is not a sliver of a day. */
export const CLOCK_AXIS: readonly (readonly [seconds: number, x: number])[] = [
  [0, 40],
  [900, 250],
  [3600, 470],
  [86400, 860],
];

function axisX(seconds: number): number {
  for (let i = 1; i < CLOCK_AXIS.length; i++) {
    const [s0, x0] = CLOCK_AXIS[i - 1]!;
    const [s1, x1] = CLOCK_AXIS[i]!;
    if (seconds <= s1) return x0 + ((Math.max(seconds, s0) - s0) / (s1 - s0)) * (x1 - x0);
  }
  return CLOCK_AXIS[CLOCK_AXIS.length - 1]![1];
}

type Forecast = SummaryBody['forecast'][number];
const KINDS = [
  ['tokens', 'm-token', (f: Forecast) => f.tokensExpire],
  ['retries', 'm-retry', (f: Forecast) => f.retriesDue.total],
  ['leases', 'm-lease', (f: Forecast) => f.leasesEnd],
] as const;

const MARKERS = [
  ['tokenExpiresAt', 'm-token', 'next request token deadline'],
  ['retryDueAt', 'm-retry', 'next Retry request due'],
  ['leaseEndsAt', 'm-lease', 'next lease end'],
] as const;

/** The sentence under a clock button: what pressing it will do, counted from the indexes. */
function forecastLine(f: Forecast): Html {
  const n = (what: string, value: number) => html`<b data-fc="${f.seconds}-${what}">${value}</b>`;
  return html`expires ${n('tokens', f.tokensExpire)} request token(s) · requeues ${n('retries', f.retriesDue.total)} Retry request(s) (${n('retries-1h', f.retriesDue.retry)} after the 1 h wait, ${n('retries-24h', f.retriesDue.userError)} after 24 h) · ends ${n('leases', f.leasesEnd)} lease(s)`;
}

/**
 * The clock as a timeline: now and the three steps the buttons take on one axis, each stretch
 * with how many request tokens expire, Retry requests come due and leases end within it, and
 * a marker at each next such moment; under it the buttons (CSRF-protected forms that work
 * without the script), each with its forecast as its description.
 */
export function clockSection(options: { base: string; csrf: string; summary: SummaryBody }): Html {
  const { summary } = options;
  const forecasts = summary.forecast;
  const nowMs = summary.nowMs;
  const segment = (i: number) => {
    const f = forecasts[i]!;
    const before = forecasts[i - 1];
    const x0 = CLOCK_AXIS[i]![1];
    const x1 = CLOCK_AXIS[i + 1]![1];
    return html`<g><rect class="seg" x="${x0 + 3}" y="14" width="${x1 - x0 - 6}" height="36" rx="6"></rect>
    <text class="seg-text" x="${(x0 + x1) / 2}" y="37" text-anchor="middle">${KINDS.map(
      ([what, cls, value], k) => html`${k > 0 ? '  ' : ''}<tspan class="${cls}">\u25cf</tspan> <tspan data-seg="${i}-${what}">${value(f) - (before ? value(before) : 0)}</tspan>`,
    )}</text></g>`;
  };
  const marker = ([key, cls, what]: (typeof MARKERS)[number]) => {
    const at = summary.next[key];
    const seconds = at === null ? null : (Date.parse(at) - nowMs) / 1000;
    const shown = seconds !== null && seconds <= 86400;
    return html`<circle class="marker ${cls}" r="7" cy="70" cx="${shown ? axisX(seconds) : 40}" data-next="${key}"${shown ? '' : html` visibility="hidden"`}><title>${what}</title></circle>`;
  };
  return html`<section class="card" aria-labelledby="clock-h">
  <h2 id="clock-h">Clock</h2>
  <p class="clock-line">Now: <strong data-field="clock" aria-live="polite">${summary.now}</strong> <span class="muted" data-field="clock-mode">${summary.clock.mode} clock, offset ${summary.clock.offsetSeconds} s</span></p>
  <div class="diagram-wrap"><svg class="diagram clock-svg" viewBox="0 0 900 110" role="img" aria-labelledby="clock-svg-title clock-svg-desc">
    <title id="clock-svg-title">What moving the clock will do</title>
    <desc id="clock-svg-desc" data-clock-desc>${forecasts.map((f) => `Within ${(f.label ?? `+${f.seconds} s`).slice(1)}: ${f.tokensExpire} request tokens expire, ${f.retriesDue.total} Retry requests come due, ${f.leasesEnd} leases end.`).join(' ')}</desc>
    ${forecasts.map((_f, i) => segment(i))}
    <line class="axis" x1="40" y1="70" x2="860" y2="70"></line>
    ${CLOCK_AXIS.map(([seconds, x]) => html`<line class="tick" x1="${x}" y1="62" x2="${x}" y2="78"></line><text x="${x}" y="100" text-anchor="${seconds === 0 ? 'start' : seconds === 86400 ? 'end' : 'middle'}">${seconds === 0 ? 'now' : forecasts.find((f) => f.seconds === seconds)?.label ?? ''}</text>`)}
    ${MARKERS.map(marker)}
  </svg></div>
  <ul class="legend" aria-hidden="true"><li><i class="m-token"></i>request tokens expire</li><li><i class="m-retry"></i>Retry requests come due</li><li><i class="m-lease"></i>leases end (never PUT back)</li><li>dots on the line: the next of each</li></ul>
  <ul class="steps">
    ${forecasts.map(
      (f) => html`<li><form method="post" action="${options.base}/_mock/console/clock" data-live>
      <input type="hidden" name="_csrf" value="${options.csrf}"><input type="hidden" name="seconds" value="${f.seconds}">
      <button type="submit" aria-describedby="fc-${f.seconds}">${f.label}</button></form>
      <p class="forecast" id="fc-${f.seconds}" data-forecast="${f.seconds}">${forecastLine(f)}</p></li>`,
    )}
  </ul>
  <p class="muted">Queue: <span data-field="counts" aria-live="polite" aria-atomic="true">${Object.entries(summary.states)
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ')}</span> · updated <span data-field="updated">${summary.now}</span></p>
</section>`;
}
