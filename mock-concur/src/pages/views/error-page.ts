import { html } from '../html.js';
import { layout } from './layout.js';

/** A page that explains what went wrong; never a redirect, so a bad redirect_uri goes nowhere. */
export function errorPage(options: { base: string; title: string; message: string; detail?: string }) {
  return layout(
    { title: options.title, base: options.base },
    html`<h1>${options.title}</h1>
<div class="card" role="alert">
  <p>${options.message}</p>
  ${options.detail ? html`<p class="muted">${options.detail}</p>` : ''}
</div>
<p><a href="${options.base}/appcenter">Go to the App Center</a></p>`,
  );
}
