import { html, type SafeHtml } from '../html.js';
import { maskSecret } from '../mask.js';
import type { PartnerMember } from '../member-store.js';
import { BRAND } from './layout.js';
import { formatDate } from './format-date.js';

export const ACCOUNT_PAGE_TITLE = 'Your account';
export const SIGN_IN_PAGE_TITLE = 'Sign in to see your account';

/**
 * The signed-in member's own account and its SAP Concur link: only ever the one member the
 * session names, never anyone else's (the page takes a single member, not the store). Tokens
 * are masked; their full values never leave the server.
 */
export function accountPage(member: PartnerMember, appCenterUrl: string): SafeHtml {
  const link = member.concurLink;
  return html`<p class="eyebrow">${BRAND} · your membership</p>
    <h1>${ACCOUNT_PAGE_TITLE}</h1>
    <p class="lead">${link
      ? `Your ${BRAND} account is linked to SAP Concur. Only you can see this page; tokens are masked.`
      : `Your ${BRAND} account is not linked to SAP Concur yet. Only you can see this page.`}</p>
    <section class="card spaced" aria-labelledby="account-heading">
      <h2 id="account-heading" class="account-heading">${member.name}
        ${link ? html`<span class="status linked">Linked to SAP Concur</span>` : html`<span class="status unlinked">Not linked</span>`}</h2>
      <dl class="details">
        <dt>Membership number</dt><dd>${member.membershipNumber}</dd>
        <dt>Email</dt><dd>${member.email}</dd>
        ${link
          ? html`<dt>Linked on</dt><dd>${formatDate(link.linkedAt)}</dd>
            <dt>Access token</dt><dd><code>${maskSecret(link.accessToken)}</code></dd>
            <dt>Refresh token</dt><dd><code>${maskSecret(link.refreshToken)}</code></dd>
            <dt>Valid until</dt><dd>${formatDate(link.expiresAt)}</dd>
            <dt>Concur instance</dt><dd>${link.instanceUrl ?? 'not given'}</dd>`
          : null}
      </dl>
    </section>
    ${link
      ? html`<p>You can disconnect at any time from the app's listing in the SAP Concur App Center.</p>`
      : html`<div class="actions">
          <a class="button" href="${appCenterUrl}">Connect from the SAP Concur App Center</a>
          <a class="button secondary" href="/connect">Connect with SAP Concur</a>
        </div>`}`;
}

/**
 * `/accounts` without a signed-in member. Members sign in while connecting with SAP Concur
 * (the link page), so the page offers the home page's two ways in; it redirects nowhere.
 */
export function signInToSeeAccountPage(appCenterUrl: string): SafeHtml {
  return html`<h1>${SIGN_IN_PAGE_TITLE}</h1>
    <p class="lead">Your ${BRAND} account and its SAP Concur link are shown only to you, once you are signed in. You sign in
    when you connect with SAP Concur: choose Connect in the App Center, or start here, and sign in to your ${BRAND}
    account when we ask.</p>
    <div class="actions">
      <a class="button" href="${appCenterUrl}">Open our App Center listing</a>
      <a class="button secondary" href="/connect">Connect with SAP Concur</a>
      <a class="button secondary" href="/">${BRAND} home</a>
    </div>`;
}
