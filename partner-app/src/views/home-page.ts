import { html, type SafeHtml } from '../html.js';
import type { PartnerMember } from '../member-store.js';
import { DEMO_MEMBERS } from '../demo-members.js';
import { BRAND } from './layout.js';

export interface HomePageModel {
  member?: PartnerMember | undefined;
  appCenterUrl: string;
  showDemoMembers: boolean;
}

export function homePage(model: HomePageModel): SafeHtml {
  const linked = model.member?.concurLink
    ? html`<p class="notice">Your account is linked to SAP Concur. <a href="/accounts">See your account</a>.</p>`
    : null;
  return html`<p class="eyebrow">Business travel, rewarded</p>
    <h1>${BRAND}</h1>
    <p class="lead">Earn points on every business trip, and have your bookings appear in SAP Concur automatically once
    your accounts are linked.</p>
    ${linked}
    <div class="cards">
      <section class="card" aria-labelledby="appcenter-heading">
        <h2 id="appcenter-heading">Link from the SAP Concur App Center</h2>
        <ol class="steps">
          <li>Sign in to SAP Concur and open the <strong>App Center</strong>.</li>
          <li>Under <strong>Apps for me</strong>, find our app and choose <strong>Learn More</strong>.</li>
          <li>Choose <strong>Connect</strong>; Concur brings you back here to sign in or create an account.</li>
        </ol>
        <div class="actions"><a class="button" href="${model.appCenterUrl}">Open our App Center listing</a></div>
      </section>
      <section class="card" aria-labelledby="webflow-heading">
        <h2 id="webflow-heading">Or start here</h2>
        <p>Sign in to SAP Concur from this site and approve access for ${BRAND}.</p>
        <div class="actions"><a class="button secondary" href="/connect">Connect with SAP Concur</a></div>
      </section>
    </div>
    ${model.showDemoMembers
      ? html`<section class="card spaced" aria-labelledby="demo-heading">
          <h2 id="demo-heading">Demo members</h2>
          <p>This is a demo. These members exist from the start (password <code>${DEMO_MEMBERS[0]!.password}</code>):</p>
          <ul>${DEMO_MEMBERS.map((m) => html`<li>${m.name} — <code>${m.email}</code>, membership ${m.membershipNumber}</li>`)}</ul>
        </section>`
      : null}`;
}
