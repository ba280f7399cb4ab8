import type { TimelineBody } from '../../routes/control/timeline.js';
import { html, type Html } from '../html.js';

/** `mm:ss` (or `h:mm:ss`) of a number of seconds. */
export function clockText(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  return h > 0 ? `${h}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}` : `${two(Math.floor(s / 60))}:${two(s % 60)}`;
}

/** How far a moment is from now, in words: "in 14 min", "3 h ago". */
export function relative(ms: number, nowMs: number): string {
  const d = Math.round((ms - nowMs) / 1000);
  const a = Math.abs(d);
  const size = a < 60 ? `${a} s` : a < 3600 ? `${Math.round(a / 60)} min` : a < 172800 ? `${Math.round(a / 360) / 10} h` : `${Math.round(a / 8640) / 10} days`;
  return d === 0 ? 'now' : d > 0 ? `in ${size}` : `${size} ago`;
}

/** When a red bar says "hurry": the last fifth of the request token's life. */
export const LOW_FRACTION = 0.2;

/**
 * The countdown bar of a request token: how much of its 15 minutes is left, red near the end.
 * A progress bar for screen readers, its value text in words.
 */
function countdown(t: TimelineBody): Html {
  const token = t.request.requestToken;
  if (!token) return html`<div class="countdown" data-tl="countdown" hidden></div>`;
  const left = token.secondsLeft;
  const fraction = Math.min(1, left / token.ttlSeconds);
  const cls = left <= 0 ? 'done' : fraction <= LOW_FRACTION ? 'low' : '';
  return html`<div class="countdown ${cls}" data-tl="countdown" data-expires-ms="${token.expiresAtMs}" data-ttl="${token.ttlSeconds}">
  <p id="countdown-label">Request token <code>${token.token}</code> (${token.state}): <span class="left" data-tl="left">${clockText(left)}</span> left of ${clockText(token.ttlSeconds)}, until ${token.expiresAt}</p>
  <div class="bar" role="progressbar" aria-labelledby="countdown-label" aria-valuemin="0" aria-valuemax="${token.ttlSeconds}" aria-valuenow="${Math.ceil(left)}" aria-valuetext="${clockText(left)} left" data-tl="bar"><div class="fill" style="width: ${(fraction * 100).toFixed(1)}%" data-tl="fill"></div></div>
</div>`;
}

/** The request's timeline: its state, its request token's countdown and its events in time order. */
export function timelineView(t: TimelineBody): Html {
  const r = t.request;
  return html`<div data-tl="view" data-request-id="${r.id}">
<p class="tl-head"><span class="badge b-${r.status.toLowerCase()}" data-tl="status">${r.status}</span> <strong>${r.user.name}</strong> (${r.loginId}${r.user.loyaltyNumber ? `, loyalty ${r.user.loyaltyNumber}` : ''}) · app ${r.consumerKey} · <code>${r.id}</code> · requeues: user errors ${r.requeues.userError}/${r.limits.userError}, retries ${r.requeues.retry}/${r.limits.retry}, leases ${r.requeues.lease}/${r.limits.lease}</p>
${countdown(t)}
<ol class="events" aria-label="Events, oldest first">${t.events.map(
    (e) => html`<li class="k-${e.kind}${e.future ? ' future' : ''}"><time datetime="${e.at}">${e.at.slice(5, 10)} ${e.at.slice(11, 19)}</time> ${e.label} <span class="muted">(${relative(e.atMs, t.nowMs)})</span></li>`,
  )}</ol>
</div>`;
}

/**
 * The timeline section: a search by id, login id or loyalty number (a GET form, so it works
 * without the script: the page renders the timeline itself), and the timeline found.
 */
export function timelineSection(options: { base: string; find: string | undefined; timeline: TimelineBody | null; controlToken?: string | undefined }): Html {
  const { find, timeline } = options;
  return html`<section class="card" aria-labelledby="timeline-h" id="timeline">
  <h2 id="timeline-h">Request timeline</h2>
  <form class="find" role="search" method="get" action="${options.base}/_mock/console#timeline" data-find>
    ${options.controlToken ? html`<input type="hidden" name="token" value="${options.controlToken}">` : ''}
    <div class="field"><label for="find">Request id, login id or loyalty number</label><input id="find" name="find" type="text" autocomplete="off" value="${find ?? ''}"></div>
    <button type="submit">Show timeline</button>
  </form>
  <p role="status" class="muted" data-tl="message">${find !== undefined && !timeline ? `No connection request found for “${find}”.` : timeline ? '' : 'Choose a request (the Timeline buttons below) or search for one.'}</p>
  <div data-tl="slot">${timeline ? timelineView(timeline) : ''}</div>
</section>`;
}
