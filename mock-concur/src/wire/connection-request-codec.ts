import type { ConcurUser } from '../domain/directory.js';
import type { ConnectionRequestView, Page } from '../domain/connection-requests.js';
import { concurDateTime } from './dates.js';
import type { WireFormat } from './negotiate.js';
import type { Entity } from './respond.js';
import { XSI_NAMESPACES, writeFields, xmlElement, type XmlFields } from './xml.js';

export const API_VERSIONS = ['3.0', '3.1', '3.2'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

export function connectionRequestUri(baseUrl: string, version: ApiVersion, id: string): string {
  return `${baseUrl}/api/v${version}/common/connectionrequests/${id}`;
}

type Field = readonly [string, string | null | Field[]];

/**
 * The fields of one request in wire order. v3.0 and v3.1 use Concur's capitalised names
 * (v3.1 adds EmailAddresses); v3.2 is lower-camel with userId, ID and URI staying upper
 * case. Order follows Concur's v3.2 examples: XML leads with ID and URI, JSON ends with them.
 */
function fields(view: ConnectionRequestView, version: ApiVersion, baseUrl: string): { head: Field[]; body: Field[] } {
  const u = view.user;
  const head: Field[] = [
    ['ID', view.id],
    ['URI', connectionRequestUri(baseUrl, version, view.id)],
  ];
  const lastModified = concurDateTime(view.lastModified);
  if (version === '3.2') {
    return {
      head,
      body: [
        ['firstName', u.firstName],
        ['middleName', u.middleName],
        ['lastName', u.lastName],
        ['loyaltyNumber', u.loyaltyNumber],
        ['status', view.status],
        ['requestToken', view.requestToken],
        ['lastModified', lastModified],
        ['emailAddresses', u.emails.map((e, i): Field => [`email${i + 1}`, e])],
        ['userId', u.id],
      ],
    };
  }
  const body: Field[] = [
    ['FirstName', u.firstName],
    ['MiddleName', u.middleName],
    ['LastName', u.lastName],
    ['LoyaltyNumber', u.loyaltyNumber],
    ['Status', view.status],
    ['RequestToken', view.requestToken],
    ['LastModified', lastModified],
  ];
  if (version === '3.1') body.push(['EmailAddresses', u.emails.map((e, i): Field => [`Email${i + 1}`, e])]);
  return { head, body };
}

function toJson(list: Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of list) out[k] = Array.isArray(v) ? toJson(v) : v;
  return out;
}

function render(view: ConnectionRequestView, version: ApiVersion, baseUrl: string, format: WireFormat): string {
  const { head, body } = fields(view, version, baseUrl);
  if (format === 'xml') return writeFields([...head, ...body] as XmlFields);
  return JSON.stringify(toJson(version === '3.2' ? [...body, ...head] : [...head, ...body]));
}

/**
 * Rendered requests, per user and per (version, format): a poller re-reads the same
 * requests many times, and only status, token and lastModified ever change (users are
 * immutable), so the key carries exactly those. The WeakMap lets a reset drop it all.
 */
const rendered = new WeakMap<ConcurUser, Map<string, { key: string; text: string }>>();

function cachedRender(view: ConnectionRequestView, version: ApiVersion, baseUrl: string, format: WireFormat): string {
  let slots = rendered.get(view.user);
  if (!slots) rendered.set(view.user, (slots = new Map()));
  const slot = `${version}${format}`;
  const key = `${view.id}|${baseUrl}|${view.status}|${view.requestToken}|${view.lastModified}`;
  const hit = slots.get(slot);
  if (hit && hit.key === key) return hit.text;
  const text = render(view, version, baseUrl, format);
  slots.set(slot, { key, text });
  return text;
}

export function connectionRequestEntity(view: ConnectionRequestView, version: ApiVersion, baseUrl: string): Entity {
  return {
    json: () => cachedRender(view, version, baseUrl, 'json'),
    xml: () => xmlElement('ConnectionRequest', cachedRender(view, version, baseUrl, 'xml'), XSI_NAMESPACES),
  };
}

export function nextPageUri(baseUrl: string, version: ApiVersion, limit: number, offset: string): string {
  return `${baseUrl}/api/v${version}/common/connectionrequests/?limit=${limit}&offset=${encodeURIComponent(offset)}`;
}

export function pageEntity(page: Page, version: ApiVersion, baseUrl: string, limit: number): Entity {
  const nextPage = page.nextOffset === null ? null : nextPageUri(baseUrl, version, limit, page.nextOffset);
  return {
    json: () => `{"Items":[${page.items.map((v) => cachedRender(v, version, baseUrl, 'json')).join(',')}],"NextPage":${JSON.stringify(nextPage)}}`,
    xml: () => {
      const items = page.items.map((v) => `<ConnectionRequest>${cachedRender(v, version, baseUrl, 'xml')}</ConnectionRequest>`).join('');
      return xmlElement('ConnectionRequests', `<Items>${items}</Items>${writeFields([['NextPage', nextPage]])}`, XSI_NAMESPACES);
    },
  };
}

/** POST's answer: the new request's ID and URI (deprecated in v3.2 but still sent). */
export function createdEntity(id: string, version: ApiVersion, baseUrl: string): Entity {
  const fieldsList: XmlFields = [
    ['ID', id],
    ['URI', connectionRequestUri(baseUrl, version, id)],
  ];
  return {
    json: () => JSON.stringify(Object.fromEntries(fieldsList)),
    xml: () => xmlElement('ConnectionRequest', writeFields(fieldsList), XSI_NAMESPACES),
  };
}
