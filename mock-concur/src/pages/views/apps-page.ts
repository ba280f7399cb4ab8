import type { ConcurUser, PartnerApp } from '../../domain/directory.js';
import { html } from '../html.js';
import { layout } from './layout.js';

export function appsPage(options: { base: string; user: ConcurUser; csrf: string; apps: { app: PartnerApp; connected: boolean }[] }) {
  return layout(
    { title: 'App Center', base: options.base, user: options.user, csrf: options.csrf },
    html`<h1>App Center</h1>
<h2 id="apps-for-me">Apps for me</h2>
<ul class="apps" aria-labelledby="apps-for-me">
  ${options.apps.map(
    ({ app, connected }) => html`<li class="card">
    <h3>${app.name}</h3>
    <p class="muted">${app.description || 'No description.'}</p>
    ${connected ? html`<p class="status-connected">Connected</p>` : ''}
    <a href="${options.base}/appcenter/apps/${encodeURIComponent(app.consumerKey)}" aria-label="Learn More about ${app.name}">Learn More</a>
  </li>`,
  )}
</ul>`,
  );
}
