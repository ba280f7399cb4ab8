import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Matcher } from './match-result.js';

/** A partner's loyalty member as the demo matcher knows them. */
export interface Member {
  loyaltyNumber: string;
  lastName: string;
  /** The partner's own id; the loyalty number when absent. */
  memberId: string;
}

/**
 * The built-in matcher: a Concur user is a member when the loyalty number is known and the last
 * name agrees (case, accents and spacing aside). Unknown or missing number → not-found (CREU1);
 * known number under another name → name-mismatch (CREU2).
 */
export function membersMatcher(members: readonly Member[]): Matcher {
  const byNumber = new Map<string, Member>();
  for (const m of members) byNumber.set(normaliseNumber(m.loyaltyNumber), m);
  return (request) => {
    const member = request.loyaltyNumber ? byNumber.get(normaliseNumber(request.loyaltyNumber)) : undefined;
    if (!member) return { outcome: 'not-found', message: 'Loyalty number not found' };
    if (normaliseName(member.lastName) !== normaliseName(request.lastName ?? '')) return { outcome: 'name-mismatch', message: 'Loyalty number does not match the name' };
    return { outcome: 'connected', memberId: member.memberId };
  };
}

export class MembersFileError extends Error {
  override name = 'MembersFileError';
}

/** Members from a `.json` file (an array of objects) or a `.csv` file with a header row. */
export async function loadMembers(path: string): Promise<Member[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new MembersFileError(`cannot read members file ${path}: ${(error as Error).message}`);
  }
  return parseMembers(text, extname(path).toLowerCase() === '.json' ? 'json' : 'csv', path);
}

export function parseMembers(text: string, format: 'json' | 'csv', source = 'members'): Member[] {
  let rows: unknown[];
  try {
    rows = format === 'json' ? (JSON.parse(text) as unknown[]) : (parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as unknown[]);
  } catch (error) {
    throw new MembersFileError(`${source} is not valid ${format.toUpperCase()}: ${(error as Error).message}`);
  }
  if (!Array.isArray(rows)) throw new MembersFileError(`${source}: expected a list of members`);
  return rows.map((row, i) => {
    const r = (typeof row === 'object' && row !== null ? row : {}) as Record<string, unknown>;
    const loyaltyNumber = text0(r['loyaltyNumber']);
    const lastName = text0(r['lastName']);
    if (!loyaltyNumber || !lastName) throw new MembersFileError(`${source}: member ${i + 1} needs loyaltyNumber and lastName`);
    return { loyaltyNumber, lastName, memberId: text0(r['memberId']) || loyaltyNumber };
  });
}

function text0(v: unknown): string {
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
}

function normaliseNumber(n: string): string {
  return n.replace(/[\s-]/g, '');
}

function normaliseName(n: string): string {
  return n
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}
