import { Html, html } from '../html.js';
import type { ConcurUser } from '../../domain/directory.js';

export interface PageOptions {
  title: string;
  /** The sandbox's path prefix ('' at the root): every link of the page starts with it. */
  base: string;
  user?: ConcurUser | undefined;
  csrf?: string;
  /** A nonce for the page's one inline script (the CSP allows nothing else). */
  scriptNonce?: string;
  wide?: boolean;
  /** More CSS for this page only (the console's pictures). */
  styles?: Html;
}

/**
 * The frame of every page: a Concur-like header (marked as the mock), one main landmark with a
 * skip link, and styles inline (no build step, no assets to serve).
 */
export function layout(options: PageOptions, body: Html): Html {
  const { title, user, csrf, base } = options;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · SAP Concur (mock)</title>
<link rel="icon" href="data:,">
<style>${STYLES}</style>${options.styles ? html`<style>${options.styles}</style>` : ''}
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header class="top">
  <div class="brand"><span class="logo" aria-hidden="true">C</span> SAP Concur <span class="mock-tag">mock</span></div>
  <nav aria-label="Concur">
    <a href="${base}/appcenter">App Center</a>
    ${user && csrf ? html`<span class="who">${user.firstName} ${user.lastName}</span><form method="post" action="${base}/signout" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="link">Sign out</button></form>` : ''}
  </nav>
</header>
<main id="main" class="${options.wide ? 'wide' : ''}" tabindex="-1">
${body}
</main>
<footer class="foot">mock-concur: a local emulator of SAP Concur for partner development. Not SAP Concur.</footer>
</body>
</html>`;
}

/** Constant CSS: `Html`, so the template does not escape its `>` selectors. */
const STYLES = new Html(`
:root { --brand: #0a6ed1; --ink: #1d2d3e; --muted: #556b82; --line: #d9e1ea; --bg: #f5f6f7; --ok: #107e3e; --bad: #bb0000; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; }
.skip:focus { left: .5rem; z-index: 10; }
.top { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between; padding: .6rem 1rem; background: #fff; border-bottom: 3px solid var(--brand); }
.brand { font-weight: 700; font-size: 1.1rem; display: flex; align-items: center; gap: .4rem; }
.logo { display: inline-grid; place-items: center; width: 1.8rem; height: 1.8rem; border-radius: 50%; background: var(--brand); color: #fff; }
.mock-tag { font-size: .7rem; text-transform: uppercase; background: #fdf0c4; color: #6a4b00; padding: .05rem .4rem; border-radius: .3rem; }
nav { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
.who { color: var(--muted); }
main { max-width: 46rem; margin: 1.5rem auto; padding: 0 1rem; }
main.wide { max-width: 80rem; }
main:focus { outline: none; }
h1 { font-size: 1.6rem; margin: 0 0 .75rem; line-height: 1.25; }
h2 { font-size: 1.2rem; margin: 1.25rem 0 .5rem; line-height: 1.3; }
.card { background: #fff; border: 1px solid var(--line); border-radius: .5rem; padding: 1rem 1.25rem; margin: 0 0 1rem; }
.card > :first-child { margin-top: 0; }
.apps > .card { margin: 0; }
.apps { list-style: none; padding: 0; margin: 0; display: grid; gap: 1rem; }
.muted { color: var(--muted); }
label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
input[type=text], input[type=password], input[type=number] { width: 100%; padding: .55rem .6rem; font: inherit; border: 1px solid #89919a; border-radius: .3rem; }
button, .button { display: inline-block; font: inherit; font-weight: 600; padding: .55rem 1.1rem; border-radius: .3rem; border: 1px solid var(--brand); background: var(--brand); color: #fff; cursor: pointer; text-decoration: none; }
button.secondary, .button.secondary { background: #fff; color: var(--brand); }
button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
button.link { background: none; border: none; color: var(--brand); padding: 0; text-decoration: underline; font-weight: 400; }
a { color: var(--brand); }
:focus-visible { outline: 3px solid #f0ab00; outline-offset: 2px; }
.actions { display: flex; flex-wrap: wrap; gap: .75rem; margin-top: 1rem; }
form.inline { display: inline; }
.error { color: var(--bad); font-weight: 600; }
.status-connected { color: var(--ok); font-weight: 700; }
.scopes li { margin: .25rem 0; }
table { width: 100%; border-collapse: collapse; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: break-word; }
th { white-space: nowrap; }
/* Only long unbroken values (ids, URLs, e-mails) may break anywhere; words like "Pending" stay whole. */
td.long { overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; }
/* On a phone the console's tables scroll sideways in their own box rather than squeeze every column. */
.table-wrap table { min-width: 46rem; }
.foot { text-align: center; color: var(--muted); font-size: .8rem; padding: 2rem 1rem; }
`);
