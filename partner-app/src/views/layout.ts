import { html, type SafeHtml } from '../html.js';
import type { PartnerMember } from '../member-store.js';

export const BRAND = 'TripLink Demo Rewards';

export interface PageFrame {
  title: string;
  /** The signed-in member, for the header's menu (none without one). */
  member?: PartnerMember | undefined;
  /** For the header's sign-out form. */
  csrfToken?: string | undefined;
  body: SafeHtml;
}

/** Every page's frame: one h1 per page (in `body`), a skip link, landmarks, a viewport for phones. */
export function layout(frame: PageFrame): string {
  // Only a signed-in member has an account page to go to, so only they get the menu.
  const nav = frame.member
    ? html`<nav class="site-nav" aria-label="Main"><a href="/accounts">Your account</a>
        <span class="who">Signed in as ${frame.member.name}</span>
        ${frame.csrfToken ? html`<form method="post" action="/sign-out"><input type="hidden" name="_csrf" value="${frame.csrfToken}"><button type="submit">Sign out</button></form>` : null}</nav>`
    : null;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${frame.title === BRAND ? BRAND : `${frame.title} · ${BRAND}`}</title>
<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header"><div class="inner">
  <a class="logo" href="/"><span class="logo-mark" aria-hidden="true">✈</span>${BRAND}</a>
  ${nav}
</div></header>
<main id="main" tabindex="-1">
${frame.body}
</main>
<footer class="site-footer">A demo partner app for mock-concur's App Center flow. Not affiliated with SAP Concur.</footer>
</body>
</html>
`.value;
}
