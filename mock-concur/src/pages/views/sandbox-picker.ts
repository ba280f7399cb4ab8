import type { SandboxSummary } from '../../sandbox-registry.js';
import { html, type Html } from '../html.js';

/**
 * Which world the console shows: the root or one of its sandboxes. A GET form to the root's
 * console, which sends the browser on to the chosen sandbox's (so it works without the
 * script); the script navigates on change.
 */
export function sandboxPicker(options: { sandboxId: string | null; sandboxes: readonly SandboxSummary[]; controlToken?: string | undefined }): Html {
  const { sandboxId, sandboxes } = options;
  return html`<form class="picker" method="get" action="/_mock/console" data-picker>
  ${options.controlToken ? html`<input type="hidden" name="token" value="${options.controlToken}">` : ''}
  <label for="sandbox-pick">Showing</label>
  <select id="sandbox-pick" name="sandbox">
    <option value=""${sandboxId === null ? html` selected` : ''}>the root (default world)</option>
    ${sandboxes.map((s) => html`<option value="${s.id}"${s.id === sandboxId ? html` selected` : ''}>sandbox ${s.id} (${s.counts.connectionRequests} requests)</option>`)}
  </select>
  <button type="submit" class="secondary">Open</button>
</form>`;
}
