import { ConfigError, loadConfig } from '../server/core/config';
import { createLogger } from '../server/core/logger';
import { openPlatform } from '../server/platform';
import { createScheduler } from './scheduler';

/** Runs background jobs in their own process (production, with JOBS_MODE=off on the web processes). */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel }).child({ process: 'worker' });
  if (!config.mongo.uri) {
    logger.warn('MONGODB_URI is unset: the worker runs on its own built-in store; jobs normally run inline with `npm start` in that mode');
  }
  const platform = await openPlatform(config, logger);
  const scheduler = createScheduler({ connection: platform.store.connection, features: platform.features, logger });
  await scheduler.start();
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'worker stopping');
    await scheduler.stop();
    await platform.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
});
