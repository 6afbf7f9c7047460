import type { Logger } from './logging.js';

/**
 * Day-one handlers: an exception nobody caught is logged with its stack instead of vanishing. The
 * engine keeps running: every device-facing path already contains its own failures, so what
 * reaches here is a bug to report, not a reason to stop syncing.
 */
export function installGlobalHandlers(log: Logger): () => void {
  const onException = (err: Error) =>
    log.error('uncaught exception', { error: err.message, stack: err.stack });
  const onRejection = (reason: unknown) =>
    log.error('unhandled rejection', {
      error: reason instanceof Error ? reason.message : String(reason),
      stack: reason instanceof Error ? reason.stack : undefined,
    });
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
