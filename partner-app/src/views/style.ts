/** The app's one stylesheet, served at /assets/style.css (no build step; CSP allows 'self' only). */
export const STYLESHEET = `
:root { --brand: #0b5d5b; --brand-dark: #073f3e; --accent: #f2a900; --ink: #1c2430; --muted: #4f5b6b;
  --line: #d5dbe3; --bg: #f5f7f9; --card: #fff; --danger: #a4161a; --ok: #1f7a3a; --focus: #1a5fd0; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: var(--bg); line-height: 1.5; }
a { color: var(--brand); }
a:hover { color: var(--brand-dark); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; top: .5rem; }
.site-header { background: var(--brand); color: #fff; }
.site-header .inner { max-width: 60rem; margin: 0 auto; padding: .75rem 1rem; display: flex; flex-wrap: wrap;
  gap: .5rem 1.5rem; align-items: center; justify-content: space-between; }
.logo { color: #fff; font-weight: 700; font-size: 1.15rem; text-decoration: none; display: inline-flex; gap: .5rem; align-items: center; }
.logo:hover { color: #fff; }
.logo-mark { display: inline-grid; place-items: center; width: 2rem; height: 2rem; border-radius: 50%;
  background: var(--accent); color: var(--brand-dark); font-size: 1rem; }
.site-nav { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
.site-nav a, .site-nav .who { color: #fff; }
.site-nav form { margin: 0; }
.site-nav button { background: transparent; color: #fff; border: 1px solid rgba(255,255,255,.7); padding: .25rem .75rem;
  border-radius: 4px; font: inherit; cursor: pointer; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
main:focus { outline: none; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: .25rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 0 0 .75rem; }
.lead { font-size: 1.1rem; color: var(--muted); max-width: 40rem; }
.eyebrow { text-transform: uppercase; letter-spacing: .06em; font-size: .8rem; font-weight: 700; color: var(--brand); margin: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr)); gap: 1.25rem; margin-top: 1.5rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1.25rem; }
.spaced { margin-top: 1.25rem; }
.card > :last-child { margin-bottom: 0; }
.field { margin-bottom: 1rem; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
.field-error { display: block; color: var(--danger); font-weight: 600; margin-top: .2rem; }
.hint { display: block; color: var(--muted); font-size: .9rem; margin-top: .2rem; }
input[type=text], input[type=email], input[type=password] { width: 100%; font: inherit; padding: .6rem .7rem;
  border: 1px solid #8a96a6; border-radius: 4px; background: #fff; color: var(--ink); }
input[aria-invalid=true] { border-color: var(--danger); border-width: 2px; }
.button, button.primary { display: inline-block; font: inherit; font-weight: 600; padding: .65rem 1.1rem; border-radius: 4px;
  border: 2px solid var(--brand); background: var(--brand); color: #fff; cursor: pointer; text-decoration: none; }
.button:hover, button.primary:hover { background: var(--brand-dark); border-color: var(--brand-dark); color: #fff; }
.button.secondary { background: #fff; color: var(--brand); }
.button.secondary:hover { background: #eef5f5; color: var(--brand-dark); }
.actions { display: flex; flex-wrap: wrap; gap: .75rem; margin-top: 1.25rem; align-items: center; }
.alert { border-left: 4px solid var(--danger); background: #fdecec; padding: .75rem 1rem; margin: 0 0 1rem; border-radius: 0 4px 4px 0; }
.notice { border-left: 4px solid var(--brand); background: #e8f3f2; padding: .75rem 1rem; margin: 1rem 0; border-radius: 0 4px 4px 0; }
.success-mark { display: inline-grid; place-items: center; width: 3rem; height: 3rem; border-radius: 50%; background: var(--ok);
  color: #fff; font-size: 1.6rem; font-weight: 700; }
.linked-pair { display: flex; flex-wrap: wrap; align-items: center; gap: .75rem; margin: 1rem 0; font-weight: 600; }
.linked-pair .side { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .5rem .9rem; }
dl.details { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .4rem 1rem; margin: 0; }
dl.details dt { color: var(--muted); }
dl.details dd { margin: 0; overflow-wrap: anywhere; }
.nowrap { white-space: nowrap; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; background: #eef1f4; padding: .05rem .3rem; border-radius: 3px; }
ol.steps { padding-left: 1.25rem; }
ol.steps li { margin-bottom: .4rem; }
.status { display: inline-block; font-size: .85rem; font-weight: 700; padding: .1rem .5rem; border-radius: 999px; }
.status.linked { background: #dff3e4; color: var(--ok); }
.status.unlinked { background: #eef1f4; color: var(--muted); }
.account-heading { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.site-footer { max-width: 60rem; margin: 0 auto; padding: 0 1rem 2rem; color: var(--muted); font-size: .85rem; }
@media (max-width: 30rem) {
  h1 { font-size: 1.45rem; }
  dl.details { grid-template-columns: 1fr; gap: 0; }
  dl.details dd { margin-bottom: .5rem; }
  .actions .button, .actions button { width: 100%; text-align: center; }
}
`;
