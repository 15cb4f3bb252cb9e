import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './core/config';
import { createLogger } from './core/logger';
import { installGracefulShutdown } from './core/shutdown';
import { openPlatform } from './platform';
import { createScheduler } from '../jobs/scheduler';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel });
  const platform = await openPlatform(config, logger);
  logger.info(
    { store: platform.store.mode, search: platform.search.mode },
    platform.store.mode === 'embedded' ? 'using the built-in MongoDB-compatible store' : 'using external MongoDB',
  );
  const scheduler =
    config.jobsMode === 'inline' ? createScheduler({ connection: platform.store.connection, features: platform.features, logger }) : undefined;
  await scheduler?.start();

  const app = createApp({ config, logger, store: platform.store, search: platform.search, features: platform.features, sessionSecret: platform.sessionSecret });
  const server = app.listen(config.http.port, config.http.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  logger.info({ url: `http://${config.http.host}:${port}` }, 'Rongtong is listening');
  process.stdout.write(`Rongtong listening on http://${config.http.host}:${port}\n`);

  installGracefulShutdown({
    server,
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    steps: [
      ...(scheduler ? [{ name: 'jobs', run: () => scheduler.stop() }] : []),
      { name: 'platform', run: () => platform.close() },
    ],
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`Rongtong failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
