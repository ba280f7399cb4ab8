import { html, type SafeHtml } from '../html.js';
import type { ConcurLink, PartnerMember } from '../member-store.js';
import { BRAND } from './layout.js';
import { formatDate } from './format-date.js';

/** Step 6 of the App Center flow: the acknowledgement that both accounts are linked. */
export function linkedPage(member: PartnerMember & { concurLink: ConcurLink }, appCenterUrl: string): SafeHtml {
  return html`<p class="success-mark" aria-hidden="true">✓</p>
    <h1>Accounts linked</h1>
    <p class="lead">Your SAP Concur account and your ${BRAND} account are now linked. Trips you book with us will appear in
    Concur, and the points land on your membership.</p>
    <p class="linked-pair"><span class="side">SAP Concur</span><span aria-hidden="true">⇄</span><span class="side">${BRAND} · <span class="nowrap">${member.membershipNumber}</span></span></p>
    <section class="card" aria-labelledby="details-heading">
      <h2 id="details-heading">Connection details</h2>
      <dl class="details">
        <dt>Member</dt><dd>${member.name}</dd>
        <dt>Email</dt><dd>${member.email}</dd>
        <dt>Membership number</dt><dd>${member.membershipNumber}</dd>
        <dt>Linked on</dt><dd>${formatDate(member.concurLink.linkedAt)}</dd>
        <dt>Concur access valid until</dt><dd>${formatDate(member.concurLink.expiresAt)}</dd>
      </dl>
    </section>
    <div class="actions">
      <a class="button" href="${appCenterUrl}">Return to the SAP Concur App Center</a>
      <a class="button secondary" href="/accounts">See your account</a>
    </div>
    <p>You can disconnect at any time from the app's listing in the SAP Concur App Center.</p>`;
}
