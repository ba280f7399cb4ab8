import { html, type SafeHtml } from '../html.js';
import type { PartnerMember } from '../member-store.js';
import { BRAND } from './layout.js';

export interface CreateAccountErrors {
  name?: string;
  email?: string;
  password?: string;
}

export interface LinkPageModel {
  csrfToken: string;
  /** Already signed in to the partner: one button links this account. */
  member?: PartnerMember | undefined;
  signIn: { email: string; error?: string | undefined };
  create: { name: string; email: string; errors: CreateAccountErrors };
  appCenterUrl: string;
}

function field(opts: { id: string; name: string; label: string; type: string; value?: string; autocomplete: string; error?: string | undefined; hint?: string; focus: boolean }): SafeHtml {
  const describedBy = [opts.hint ? `${opts.id}-hint` : null, opts.error ? `${opts.id}-error` : null].filter(Boolean).join(' ');
  return html`<div class="field">
    <label for="${opts.id}">${opts.label}</label>
    <input id="${opts.id}" name="${opts.name}" type="${opts.type}" autocomplete="${opts.autocomplete}" required
      ${opts.value !== undefined ? html`value="${opts.value}"` : null}
      ${opts.error ? html`aria-invalid="true"` : null} ${describedBy ? html`aria-describedby="${describedBy}"` : null} ${opts.focus ? html`autofocus` : null}>
    ${opts.hint ? html`<span class="hint" id="${opts.id}-hint">${opts.hint}</span>` : null}
    ${opts.error ? html`<span class="field-error" id="${opts.id}-error" role="alert">${opts.error}</span>` : null}
  </div>`;
}

/**
 * Step 4 of the App Center flow: the user arrives from Concur's Connect button and either signs
 * in to their loyalty account or creates one; nothing is linked until they do.
 */
export function linkPage(model: LinkPageModel): SafeHtml {
  const intro = html`<p class="eyebrow">Connect with SAP Concur</p>
    <h1>Link your SAP Concur account to ${BRAND}</h1>
    <p class="lead">You are connecting from the SAP Concur App Center. Sign in to your ${BRAND} account, or create one, and
    your trips and points will flow into Concur. Please finish within 15 minutes of clicking Connect.</p>`;
  if (model.member) {
    return html`${intro}
      <section class="card" aria-labelledby="confirm-heading">
        <h2 id="confirm-heading">Link this account?</h2>
        <p>You are signed in as <strong>${model.member.name}</strong> (${model.member.email}), membership number
        <strong>${model.member.membershipNumber}</strong>.</p>
        <form method="post" action="/link/confirm">
          <input type="hidden" name="_csrf" value="${model.csrfToken}">
          <div class="actions"><button class="primary" type="submit">Link accounts</button></div>
        </form>
        <p>Not you? Use <strong>Sign out</strong> at the top of the page, then sign in with your own account.</p>
      </section>`;
  }
  const createErrors = model.create.errors;
  const firstCreateError = createErrors.name ? 'name' : createErrors.email ? 'email' : createErrors.password ? 'password' : null;
  return html`${intro}
    <div class="cards">
      <section class="card" aria-labelledby="sign-in-heading">
        <h2 id="sign-in-heading">Sign in</h2>
        <p>Already a member? Sign in to link your existing account.</p>
        <form method="post" action="/link/sign-in" novalidate>
          <input type="hidden" name="_csrf" value="${model.csrfToken}">
          ${model.signIn.error ? html`<p class="alert" role="alert">${model.signIn.error}</p>` : null}
          ${field({ id: 'sign-in-email', name: 'email', label: 'Email', type: 'email', value: model.signIn.email, autocomplete: 'username', focus: Boolean(model.signIn.error) })}
          ${field({ id: 'sign-in-password', name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', focus: false })}
          <div class="actions"><button class="primary" type="submit">Sign in and link</button></div>
        </form>
      </section>
      <section class="card" aria-labelledby="create-heading">
        <h2 id="create-heading">Create an account</h2>
        <p>New to ${BRAND}? Join in a minute; your account is linked as soon as it is created.</p>
        <form method="post" action="/link/create" novalidate>
          <input type="hidden" name="_csrf" value="${model.csrfToken}">
          ${field({ id: 'create-name', name: 'name', label: 'Full name', type: 'text', value: model.create.name, autocomplete: 'name', error: createErrors.name, focus: firstCreateError === 'name' })}
          ${field({ id: 'create-email', name: 'email', label: 'Email', type: 'email', value: model.create.email, autocomplete: 'email', error: createErrors.email, focus: firstCreateError === 'email' })}
          ${field({ id: 'create-password', name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', error: createErrors.password, hint: 'At least 10 characters.', focus: firstCreateError === 'password' })}
          <div class="actions"><button class="primary" type="submit">Create account and link</button></div>
        </form>
      </section>
    </div>
    <p class="notice">Changed your mind? <a href="${model.appCenterUrl}">Go back to the SAP Concur App Center</a> — nothing is linked until you finish here.</p>`;
}
