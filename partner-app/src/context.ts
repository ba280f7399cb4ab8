import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConcurClient } from 'concur-partner-client';
import type { CodeLedger } from './code-ledger.js';
import type { MemberStore, PartnerMember } from './member-store.js';
import type { PartnerAppOptions } from './options.js';
import { readSession, writeSession, type PartnerSession, type SessionSettings } from './session.js';

/** What every route of the partner app shares; built once in `buildPartnerApp`. */
export interface PartnerContext {
  options: PartnerAppOptions;
  members: MemberStore;
  concur: ConcurClient;
  codes: CodeLedger;
  sessionSettings: SessionSettings;
  /** `{concurWebUrl}/appcenter/apps/{consumerKey}`: where a user goes to connect (again). */
  appCenterUrl: string;
}

export function sessionOf(ctx: PartnerContext, request: FastifyRequest): PartnerSession {
  return readSession(request, ctx.sessionSettings);
}

export function saveSession(ctx: PartnerContext, reply: FastifyReply, session: PartnerSession): void {
  writeSession(reply, session, ctx.sessionSettings);
}

export function signedInMember(ctx: PartnerContext, session: PartnerSession): PartnerMember | undefined {
  return session.memberId === undefined ? undefined : ctx.members.byId(session.memberId);
}
