import type { ConcurUser, PartnerApp } from '../../domain/directory.js';
import { html } from '../html.js';
import { describeScope } from '../scopes.js';
import { layout } from './layout.js';

export interface WebFlowRequest {
  clientId: string;
  scope: string;
  scopes: string[];
  redirectUri: string;
  state: string | undefined;
  /** Where the consent form posts: `Login.aspx` (legacy) or `/oauth2/v0/authorize`. */
  action: string;
  /** The v0 authorize call's `response_type`, carried through the form. */
  responseType?: string;
}

/** The Web flow's consent page: the app, the scopes asked for, Approve or Deny. */
export function consentPage(options: { base: string; user: ConcurUser; csrf: string; app: PartnerApp; request: WebFlowRequest }) {
  const { app, request, csrf } = options;
  const hidden = html`<input type="hidden" name="_csrf" value="${csrf}">
    <input type="hidden" name="client_id" value="${request.clientId}">
    <input type="hidden" name="scope" value="${request.scope}">
    <input type="hidden" name="redirect_uri" value="${request.redirectUri}">
    ${request.state !== undefined ? html`<input type="hidden" name="state" value="${request.state}">` : ''}
    ${request.responseType !== undefined ? html`<input type="hidden" name="response_type" value="${request.responseType}">` : ''}`;
  return layout(
    { title: `Allow ${app.name}?`, base: options.base, user: options.user, csrf },
    html`<h1>Allow ${app.name} to access your SAP Concur data?</h1>
<div class="card">
  <p>${app.name} is asking for:</p>
  <ul class="scopes">${request.scopes.map((s) => html`<li>${describeScope(s)}</li>`)}</ul>
  <p class="muted">After you decide you return to <span>${request.redirectUri}</span>.</p>
  <form method="post" action="${options.base}${request.action}">
    ${hidden}
    <div class="actions">
      <button type="submit" name="decision" value="approve">Approve</button>
      <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
    </div>
  </form>
</div>`,
  );
}
