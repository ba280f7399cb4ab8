import type { ConversationBody, ConversationFilter } from '../../routes/control/conversation.js';
import { html, type Html } from '../html.js';

type Entry = ConversationBody['entries'][number];

/** The request arrow's words: the time, method and path (secrets already redacted). */
export function requestWords(e: Entry): string {
  return `${e.at.slice(11, 19)} ${e.method} ${e.url}`;
}

/** The answer arrow's words: status, duration, the fault that fired, the note. */
export function answerWords(e: Entry): string {
  return `${e.status} · ${e.durationMs} ms${e.fault ? ` · fault ${e.fault}` : ''}${e.note ? ` · ${e.note}` : ''}`;
}

/** One exchange: an arrow from the caller's lane to Concur's, and the answer back (dashed). */
function row(e: Entry, lane: number, laneLabel: string): Html {
  const cls = e.fault ? ' fault' : e.status >= 400 ? ' error' : '';
  return html`<li class="seq-row${cls}" style="--from: ${lane}" data-seq="${e.seq}"><span class="visually-hidden">${laneLabel} to Concur: </span><div class="seq-req"><span class="seq-label">${requestWords(e)}</span></div><div class="seq-res"><span class="seq-label">${answerWords(e)}</span></div></li>`;
}

/**
 * The conversation as a sequence diagram: one lane per client (the browser; per app, each
 * administrator or user, the app's own token, its client secret), Concur's lane last, one
 * row per journal entry with the request's arrow and the answer's. A CSS grid: the script
 * adds lanes and rows as the journal grows, reading only what is new (`since`).
 */
export function sequenceSection(options: { base: string; conversation: ConversationBody; filter: ConversationFilter; controlToken?: string | undefined }): Html {
  const { conversation: c, filter } = options;
  const laneIndex = new Map(c.lanes.map((l, i) => [l.id, i + 1]));
  const label = new Map(c.lanes.map((l) => [l.id, l.label]));
  const lanes = c.lanes.length + 1;
  return html`<section class="card" aria-labelledby="conversation-h" id="conversation">
  <h2 id="conversation-h">Conversation <span class="muted">(the journal as a sequence diagram, latest last)</span></h2>
  <form class="filters" method="get" action="${options.base}/_mock/console#conversation" data-filters>
    ${options.controlToken ? html`<input type="hidden" name="token" value="${options.controlToken}">` : ''}
    <div class="field"><label for="f-request">Request id</label><input id="f-request" name="request" type="text" autocomplete="off" value="${filter.request ?? ''}"></div>
    <div class="field"><label for="f-user">User (login id)</label><input id="f-user" name="user" type="text" autocomplete="off" value="${filter.user ?? ''}"></div>
    <div class="field"><label for="f-token">Token (masked, as shown)</label><input id="f-token" name="maskedToken" type="text" autocomplete="off" value="${filter.token ?? ''}"></div>
    <button type="submit">Filter</button> <a href="${options.base}/_mock/console#conversation" data-clear-filters>Clear</a>
  </form>
  <div class="seq" style="--lanes: ${lanes}" data-seq-box data-head="${c.head}">
    <ol class="seq-lanes" aria-label="Participants">${c.lanes.map((l) => html`<li data-lane="${l.id}">${l.label}</li>`)}<li class="concur">Concur (mock)</li></ol>
    <ol class="seq-rows" aria-label="Requests and answers, oldest first" data-seq-rows>${c.entries.map((e) => row(e, laneIndex.get(e.lane)!, label.get(e.lane)!))}</ol>
    <p class="muted" data-seq-empty${c.entries.length ? html` hidden` : ''}>Nothing yet: requests to Concur's API and pages appear here as they happen (control-API calls are not journalled).</p>
  </div>
</section>`;
}
