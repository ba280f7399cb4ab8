import type { MockState } from '../../state.js';
import { errors } from '../../wire/errors.js';
import { param } from '../../wire/params.js';

type Query = Record<string, unknown>;

/** `consumerKey=`: one app's queue, or every app's when absent. An app the mock does not know is a 400. */
export function appKeyParam(mock: MockState, query: Query): string | undefined {
  const key = param(query, 'consumerKey');
  if (key === undefined || key === '') return undefined;
  if (key.length > 128 || !mock.world.directory.app(key)) throw errors.invalidParameter('consumerKey', 'no app has this consumer key');
  return key;
}

/** Free text of at most `max` characters (a filter, a search), trimmed; undefined when empty. */
export function textParam(query: Query, name: string, max: number): string | undefined {
  const raw = param(query, name);
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text.length > max) throw errors.invalidParameter(name, `at most ${max} characters`);
  return text === '' ? undefined : text;
}

/** A whole number of seconds in [1, max], refused (not clamped) outside it: a forecast must be for the step asked. */
export function secondsParam(query: Query, max: number): number {
  const raw = param(query, 'seconds');
  if (raw === undefined || raw === '') throw errors.missingParameter('seconds');
  if (!/^\d{1,12}$/.test(raw)) throw errors.invalidParameter('seconds', 'must be a whole number');
  const seconds = Number(raw);
  if (seconds < 1 || seconds > max) throw errors.invalidParameter('seconds', `must be between 1 and ${max}`);
  return seconds;
}
