import { html } from '../html.js';
import { layout } from './layout.js';

export function signInPage(options: { base: string; csrf: string; returnTo: string; loginId?: string; error?: string }) {
  const errorId = options.error ? 'signin-error' : undefined;
  return layout(
    { title: 'Sign in', base: options.base },
    html`<h1>Sign in to SAP Concur</h1>
<div class="card">
  ${options.error ? html`<p id="signin-error" class="error" role="alert">${options.error}</p>` : ''}
  <form method="post" action="${options.base}/signin">
    <input type="hidden" name="_csrf" value="${options.csrf}">
    <input type="hidden" name="returnTo" value="${options.returnTo}">
    <label for="loginId">Login ID</label>
    <input type="text" id="loginId" name="loginId" autocomplete="username" required value="${options.loginId ?? ''}" ${errorId ? html`aria-invalid="true" aria-describedby="${errorId}"` : ''} autofocus>
    <label for="password">Password</label>
    <input type="password" id="password" name="password" autocomplete="current-password" required>
    <div class="actions"><button type="submit">Sign in</button></div>
  </form>
  <p class="muted">Demo users: <code>traveler@demo.example</code> and <code>wsadmin@demo.example</code>, password <code>demo-password</code>.</p>
</div>`,
  );
}
