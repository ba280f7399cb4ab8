import { ConcurError } from './errors.js';

// Concur writes Access_Token expiry as `M/D/YYYY h:mm:ss AM|PM` in UTC (concur-api.md); `Date.parse`
// would read it in the local zone, or not at all, so it is parsed field by field.
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ([AP]M)$/i;

export function parseUsUtcDate(text: string): Date {
  const m = US_DATE.exec(text.trim());
  if (!m) throw new ConcurError(`not a Concur date (M/D/YYYY h:mm:ss AM|PM): '${text}'`);
  const month = Number(m[1]);
  const day = Number(m[2]);
  const year = Number(m[3]);
  const hour12 = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  const pm = m[7] === 'PM' || m[7]!.toUpperCase() === 'PM';
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour12 < 1 || hour12 > 12 || minute > 59 || second > 59) {
    throw new ConcurError(`not a valid Concur date: '${text}'`);
  }
  const hour = (hour12 % 12) + (pm ? 12 : 0);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 2/30 over to March; refuse it rather than guess.
  if (date.getUTCDate() !== day) throw new ConcurError(`not a valid Concur date: '${text}'`);
  return date;
}

/** `lastModified` is `2022-11-09T05:57:29`: UTC without a zone suffix. */
export function parseZonelessUtc(text: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(text)) return null;
  return new Date(`${text}Z`);
}
