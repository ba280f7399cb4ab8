import type { WorkerEvent } from './events.js';

/** Structured logging: a message and flat fields (pino, console or anything with these methods). */
export interface WorkerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * One log line per event. Events carry no tokens, so neither do the lines. A possible token leak
 * is its own warn line, `possible token leak`, naming the request (`requestId`) — on top of that
 * request's `request settled with trouble`.
 */
export function eventLogger(logger: WorkerLogger): (event: WorkerEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'cycle-started':
        return logger.info('cycle started', { cycle: event.cycle });
      case 'page-fetched':
        return logger.info('page read', { cycle: event.cycle, offset: event.offset, items: event.items, fresh: event.fresh });
      case 'request-finished': {
        const fields = { cycle: event.cycle, id: event.id, status: event.statusCode, reason: event.reason, put: event.put, revoked: event.revoked, possibleLeak: event.possibleLeak, ms: Math.round(event.durationMs) };
        if (event.put === 'failed' || event.revoked === 'failed') return logger.warn('request settled with trouble', fields);
        return logger.info('request settled', fields);
      }
      case 'possible-token-leak':
        return logger.warn('possible token leak', { requestId: event.requestId, cycle: event.cycle, flow: event.flow, cause: event.cause, reason: event.reason });
      case 'admin-token':
        return logger.info(`${event.credential === 'application' ? 'application' : 'administrator'} token ${event.action}`);
      case 'cycle-finished': {
        const s = event.summary;
        return logger.info('cycle finished', { cycle: s.cycle, completed: s.completed, requests: s.requests, ...s.outcomes, putFailed: s.putFailed, revoked: s.revoked, revokeFailed: s.revokeFailed, possibleLeaks: s.possibleLeaks, ms: Math.round(s.durationMs) });
      }
      case 'cycle-failed':
        return logger.error('cycle ended early', { cycle: event.cycle, error: event.error });
      case 'stopped':
        return logger.info('worker stopped');
    }
  };
}
