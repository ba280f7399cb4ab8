import { html, type SafeHtml } from '../html.js';
import type { LinkProblem, LinkProblemKind } from '../link-problems.js';
import { BRAND } from './layout.js';

interface Wording {
  title: string;
  explain: string;
  /** Whether trying the same code again can work (Concur did not answer). */
  retryHere?: boolean;
}

const WORDING: Record<LinkProblemKind, Wording> = {
  expired: {
    title: 'This connection link has expired',
    explain: 'For your security, SAP Concur’s connection links work for 15 minutes, and this one ran out before the accounts were linked. Nothing was linked. Start again from the App Center and finish within 15 minutes.',
  },
  used: {
    title: 'This connection link was already used',
    explain: 'Each connection link from SAP Concur works once, and this one has been used. If you just linked your accounts, you are done; otherwise connect again from the App Center.',
  },
  invalid: {
    title: 'SAP Concur did not recognise this connection link',
    explain: 'The link may have been copied incompletely or made for another app. Nothing was linked. Connect again from the App Center.',
  },
  denied: {
    title: 'You chose not to connect',
    explain: `You declined access in SAP Concur, so nothing was linked and ${BRAND} received none of your data. You can connect whenever you like.`,
  },
  'concur-error': {
    title: 'SAP Concur could not complete the connection',
    explain: 'SAP Concur sent you back without a connection. Nothing was linked. Please try again from the App Center.',
  },
  'missing-code': {
    title: 'There is nothing to link yet',
    explain: 'This page is where SAP Concur sends you after you choose Connect, and it arrived without a connection code. Start from the App Center.',
  },
  'state-mismatch': {
    title: 'This connection did not start here',
    explain: 'The answer from SAP Concur does not match the connection this browser started, so it was ignored to protect your account. Start again.',
  },
  'no-pending': {
    title: 'Your connection session has ended',
    explain: 'We could not find a connection waiting for this browser (it may have finished already, or the session expired). Start again from the App Center.',
  },
  unreachable: {
    title: 'We could not reach SAP Concur',
    explain: 'SAP Concur did not answer just now. Your connection link may still work for a few minutes: try again, or start over from the App Center.',
    retryHere: true,
  },
  misconfigured: {
    title: 'SAP Concur refused this app',
    explain: `SAP Concur did not accept ${BRAND}’s own credentials, so the connection could not be made. This is our problem, not yours; please try again later.`,
  },
};

export function problemTitle(kind: LinkProblemKind): string {
  return WORDING[kind].title;
}

export function problemPage(problem: LinkProblem, opts: { appCenterUrl: string; note?: string | undefined }): SafeHtml {
  const wording = WORDING[problem.kind];
  return html`<p class="eyebrow">Connect with SAP Concur</p>
    <h1>${wording.title}</h1>
    <p class="lead">${wording.explain}</p>
    ${opts.note ? html`<p class="notice">${opts.note}</p>` : null}
    ${problem.detail ? html`<p>SAP Concur said: <q>${problem.detail}</q></p>` : null}
    <div class="actions">
      ${wording.retryHere ? html`<a class="button" href="/link">Try again</a>` : null}
      <a class="button${wording.retryHere ? ' secondary' : ''}" href="${opts.appCenterUrl}">Connect again from the SAP Concur App Center</a>
      <a class="button secondary" href="/">${BRAND} home</a>
    </div>`;
}

/** Errors that are not about linking (a stale form, an unknown page). */
export function plainProblemPage(title: string, explain: string, action: { href: string; label: string }): SafeHtml {
  return html`<h1>${title}</h1>
    <p class="lead">${explain}</p>
    <div class="actions"><a class="button" href="${action.href}">${action.label}</a></div>`;
}
