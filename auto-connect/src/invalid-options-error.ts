/**
 * The worker's one error for options it cannot run with (a missing admin login, a concurrency
 * out of range), thrown by `createAutoConnectWorker` before anything starts. A RangeError, so
 * code that caught the built-in one still does.
 */
export class InvalidWorkerOptionsError extends RangeError {
  override name = 'InvalidWorkerOptionsError';
}
