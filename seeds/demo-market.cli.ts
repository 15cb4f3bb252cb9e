import { ConfigError, loadConfig } from '../server/core/config';
import { createLogger } from '../server/core/logger';
import { openPlatform } from '../server/platform';
import { seedDemoAccounts } from './demo-accounts.seed';
import { removeDemoMarket, seedDemoMarket } from './demo-market.seed';

/**
 * `npm run seed:demo`: (re)loads the demo marketplace of seeds/demo-market.json.
 * Whatever a previous load left (changed, half-loaded or complete) is removed
 * first, so running it again always ends with the same marketplace. The demo
 * accounts are created too when they are missing. Refused in production.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.env === 'production') {
    process.stderr.write('seed:demo loads fictional organisations and accounts with a published password: it does not run with NODE_ENV=production.\n');
    process.exit(1);
  }
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const platform = await openPlatform(config, logger, undefined, { demoData: false });
  try {
    const accounts = await seedDemoAccounts(platform.features);
    if (accounts.created) process.stdout.write(`demo accounts created: ${accounts.created}\n`);
    const removed = await removeDemoMarket({ connection: platform.store.connection, features: platform.features });
    if (removed.organisations) process.stdout.write(`previous demo marketplace removed: ${removed.organisations} organisations and their people, qualifications, files and listings\n`);
    process.stdout.write('loading the demo marketplace…\n');
    const loaded = await seedDemoMarket(platform.features, { dataDir: config.dataDir });
    process.stdout.write(
      `demo marketplace loaded: ${loaded.organisations} organisations (${loaded.people} administrators), ${loaded.qualifications} qualifications, ${loaded.capabilities} capabilities, ${loaded.needs} needs\n`,
    );
    if (!config.typesense.nodes) process.stdout.write('The built-in search engine is rebuilt from the store at every start: start the platform to search the demo listings.\n');
  } finally {
    await platform.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
});
