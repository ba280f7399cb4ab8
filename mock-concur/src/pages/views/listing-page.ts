import type { ConcurUser, PartnerApp } from '../../domain/directory.js';
import { html } from '../html.js';
import { describeScope } from '../scopes.js';
import { layout } from './layout.js';

/** The seed's Listing Details: what the app does, the data it will access, Connect / Connected. */
export function listingPage(options: { base: string; user: ConcurUser; csrf: string; app: PartnerApp; connected: boolean; notice?: string }) {
  const { app, connected, csrf } = options;
  const listing = `${options.base}/appcenter/apps/${encodeURIComponent(app.consumerKey)}`;
  return layout(
    { title: app.name, base: options.base, user: options.user, csrf },
    html`<p><a href="${options.base}/appcenter">\u2190 Apps for me</a></p>
<h1>${app.name}</h1>
<div class="card">
  <h2>Listing Details</h2>
  <p>${app.description || 'No description.'}</p>
  <h2 id="data-heading">Data this app will access</h2>
  <ul class="scopes" aria-labelledby="data-heading">
    ${[...app.scopes].map((s) => html`<li>${describeScope(s)}</li>`)}
  </ul>
</div>
<div class="card" aria-live="polite">
  ${options.notice ? html`<p role="status">${options.notice}</p>` : ''}
  ${
    connected
      ? html`<p class="status-connected">Connected: ${options.user.firstName} ${options.user.lastName} is connected to ${app.name}.</p>
  <form method="post" action="${listing}/disconnect"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="danger">Disconnect</button></form>`
      : html`<p>By connecting you let ${app.name} access the data above. You will continue on the partner's site.</p>
  <form method="post" action="${listing}/connect"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Connect</button></form>`
  }
</div>`,
  );
}
