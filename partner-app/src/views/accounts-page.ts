import { html, type SafeHtml } from '../html.js';
import { maskSecret } from '../mask.js';
import type { PartnerMember } from '../member-store.js';
import { BRAND } from './layout.js';
import { formatDate } from './format-date.js';

/**
 * The demo's back-office view: every member and whether their Concur account is linked.
 * Tokens are masked; their full values never leave the server.
 */
export function accountsPage(members: PartnerMember[], signedInId: string | undefined): SafeHtml {
  const linkedCount = members.filter((m) => m.concurLink).length;
  const sorted = [...members].sort((a, b) => Number(Boolean(b.concurLink)) - Number(Boolean(a.concurLink)) || a.name.localeCompare(b.name));
  return html`<p class="eyebrow">${BRAND} · demo operator view</p>
    <h1>Linked accounts</h1>
    <p class="lead">${linkedCount} of ${members.length} members have linked their SAP Concur account. Tokens are masked.</p>
    <ul class="member-list">
      ${sorted.map((m) => {
        const headingId = `member-${m.id}`;
        const link = m.concurLink;
        return html`<li class="card" aria-labelledby="${headingId}">
          <h2 id="${headingId}">${m.name}${m.id === signedInId ? html` <span class="hint">(you)</span>` : null}
            ${link ? html`<span class="status linked">Linked to SAP Concur</span>` : html`<span class="status unlinked">Not linked</span>`}</h2>
          <dl class="details">
            <dt>Membership number</dt><dd>${m.membershipNumber}</dd>
            <dt>Email</dt><dd>${m.email}</dd>
            ${link
              ? html`<dt>Linked on</dt><dd>${formatDate(link.linkedAt)}</dd>
                <dt>Access token</dt><dd><code>${maskSecret(link.accessToken)}</code></dd>
                <dt>Refresh token</dt><dd><code>${maskSecret(link.refreshToken)}</code></dd>
                <dt>Valid until</dt><dd>${formatDate(link.expiresAt)}</dd>
                <dt>Concur instance</dt><dd>${link.instanceUrl ?? 'not given'}</dd>`
              : null}
          </dl>
        </li>`;
      })}
    </ul>`;
}
