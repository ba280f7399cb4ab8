/**
 * TripLink Demo Rewards, the demo partner app: its members link their SAP Concur profiles
 * through the App Center, on concur-partner-client only. A private package: the demo
 * environment runs it, tests build it in-process.
 */
export { buildPartnerApp } from './app.js';
export { defaultPartnerAppOptions, InvalidPartnerAppOptionsError, type PartnerAppInput, type PartnerAppOptions } from './options.js';
export { parsePartnerAppCommand, UsageError, type PartnerAppCommand } from './cli-options.js';
export { DEMO_MEMBERS } from './demo-members.js';
/** The escaping every page applies to what it interpolates (tests compare against it). */
export { escapeHtml } from './html.js';
