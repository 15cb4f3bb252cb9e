import type { Server } from 'node:http';
import type { Logger } from './logger';

export interface ShutdownOptions {
  server: Server;
  logger: Logger;
  timeoutMs: number;
  /** Run in order after the HTTP server stops (close the DB, flush the store, …). */
  steps: Array<{ name: string; run: () => Promise<void> }>;
  exit?: (code: number) => void;
}

/**
 * Stop accepting, let in-flight requests finish (idle keep-alive sockets are
 * closed at once), then close dependencies in order. A second signal or the
 * timeout forces the exit so a stuck request cannot block a deploy forever.
 */
export function installGracefulShutdown(options: ShutdownOptions): () => Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let shuttingDown: Promise<void> | undefined;

  const shutdown = (): Promise<void> => {
    shuttingDown ??= (async () => {
      options.logger.info('shutting down');
      const timer = setTimeout(() => {
        options.logger.error({ timeoutMs: options.timeoutMs }, 'shutdown timed out; forcing exit');
        options.server.closeAllConnections();
        exit(1);
      }, options.timeoutMs);
      timer.unref();
      await new Promise<void>((resolve) => {
        options.server.close(() => resolve());
        options.server.closeIdleConnections();
      });
      let failed = false;
      for (const step of options.steps) {
        try {
          await step.run();
        } catch (error) {
          failed = true;
          options.logger.error({ err: error, step: step.name }, 'shutdown step failed');
        }
      }
      clearTimeout(timer);
      options.logger.info('shutdown complete');
      exit(failed ? 1 : 0);
    })();
    return shuttingDown;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      options.logger.warn({ signal }, 'second signal; exiting now');
      exit(1);
      return;
    }
    options.logger.info({ signal }, 'signal received');
    void shutdown();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return shutdown;
}
