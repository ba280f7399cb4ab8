export type WireFormat = 'xml' | 'json';

/**
 * The response format for an `Accept` header. Concur answers XML when there is no Accept
 * ("for backward compatibility"), so XML wins every tie and every header that names
 * neither format.
 */
export function responseFormat(accept: string | undefined): WireFormat {
  if (!accept) return 'xml';
  // Clients send the same few Accept headers over and over: parse each once.
  const known = formatsByAccept.get(accept);
  if (known) return known;
  const format = parseAccept(accept);
  if (formatsByAccept.size >= ACCEPT_CACHE_SIZE) formatsByAccept.clear();
  formatsByAccept.set(accept, format);
  return format;
}

const ACCEPT_CACHE_SIZE = 256;
const formatsByAccept = new Map<string, WireFormat>();

function parseAccept(accept: string): WireFormat {
  let json = -1;
  let xml = -1;
  for (const part of accept.split(',')) {
    const [rawType, ...params] = part.split(';');
    const type = rawType!.trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split('=');
      if (k?.trim().toLowerCase() === 'q') {
        const parsed = Number(v);
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    if (type === 'application/json' || type === 'text/json' || type.endsWith('+json')) json = Math.max(json, q);
    else if (type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) xml = Math.max(xml, q);
  }
  return json > 0 && json > xml ? 'json' : 'xml';
}
