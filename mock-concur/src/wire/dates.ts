/** `2022-11-09T05:57:29`: UTC with no zone suffix, as Concur's `lastModified` and `Server-Time`. */
export function concurDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** `3/30/2013 2:19:10 PM`: the US-style UTC date of `Access_Token/Expiration_date`. */
export function usTokenDate(ms: number): string {
  // Every token answered within one second carries the same text: format it once.
  const second = Math.floor(ms / 1000);
  if (second === lastUsSecond) return lastUsText;
  lastUsSecond = second;
  return (lastUsText = formatUsDate(ms));
}

let lastUsSecond = Number.NaN;
let lastUsText = '';

function formatUsDate(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hour12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}
