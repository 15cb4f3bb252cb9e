import { MultiBar, Presets } from 'cli-progress';
import { ConfigError, loadConfig } from '../server/core/config';
import { createLogger } from '../server/core/logger';
import { openPlatform } from '../server/platform';

/**
 * `npm run search:reindex`: rebuilds every search collection from MongoDB into
 * a fresh physical collection, then switches the alias, so searches are served
 * from the old collection until the new one is complete.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  if (!config.typesense.nodes) {
    process.stdout.write('TYPESENSE_URL is unset: reindexing into a built-in engine started for this run (the running platform rebuilds its own index at every start).\n');
  }
  const platform = await openPlatform(config, logger);
  const bars = new MultiBar({ format: ' {collection} [{bar}] {value}/{total} {percentage}% {eta_formatted}', hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
  const perCollection = new Map<string, ReturnType<MultiBar['create']>>();
  try {
    const results = await platform.features.indexer.reindex(({ collection, done, total }) => {
      let bar = perCollection.get(collection);
      if (!bar) {
        bar = bars.create(total, 0, { collection: collection.padEnd(14) });
        perCollection.set(collection, bar);
      }
      bar.setTotal(total);
      bar.update(done);
    });
    bars.stop();
    for (const result of results) process.stdout.write(`${result.collection}: ${result.documents} documents\n`);
  } finally {
    bars.stop();
    await platform.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
});
