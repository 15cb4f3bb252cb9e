import type { Config } from './core/config';
import { openStore, type Store } from './core/db';
import type { Logger } from './core/logger';
import { ensureSessionStore } from './core/session';
import { resolveSessionSecret } from './core/session-secret';
import { createFeatures, type Features } from './features';
import { openSearch, type OpenSearchOptions, type SearchEngine } from '../search/search-client';
import { seedDemoAccounts } from '../seeds/demo-accounts.seed';
import { seedDemoMarket } from '../seeds/demo-market.seed';
import { seedTaxonomy } from '../seeds/taxonomy.seed';

export interface Platform {
  store: Store;
  search: SearchEngine;
  features: Features;
  /** SESSION_SECRET, or the generated one kept under DATA_DIR outside production. */
  sessionSecret: string;
  close(): Promise<void>;
}

export interface PlatformStartup {
  /** false: no demo data even on a fresh development store (`npm run seed:demo` loads it itself). */
  demoData?: boolean;
}

/**
 * Opens the store and the search engine (built-in or external), builds the
 * features and brings reference data and search collections up to date. Shared
 * by the web server, the job worker, the CLIs and the tests.
 */
export async function openPlatform(config: Config, logger: Logger, searchOptions?: OpenSearchOptions, startup: PlatformStartup = {}): Promise<Platform> {
  const sessionSecret = await resolveSessionSecret(config);
  const store = await openStore(config, logger);
  let search: SearchEngine;
  try {
    search = await openSearch(config, logger, searchOptions);
  } catch (error) {
    await store.close();
    throw error;
  }
  const features = createFeatures({ config, store, search, logger });
  await ensureSessionStore(store.connection);
  try {
    await features.indexer.ensureCollections();
  } catch (error) {
    // The platform serves without search; the drain job builds the collections once it is back.
    logger.warn({ err: (error as Error).message }, 'search is unavailable at start-up');
  }
  const terms = await features.screening.service.ensureDefaults();
  if (terms.inserted) logger.info(terms, 'default sensitive terms loaded');
  const seeded = await seedTaxonomy(features.taxonomy.service);
  if (seeded.inserted) logger.info(seeded, 'industry taxonomy loaded');
  try {
    await features.taxonomy.service.applySynonyms();
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'search synonyms not applied at start-up; the reconcile job retries');
  }
  // Demo people and marketplace only on a development machine's built-in store, never against a real database.
  if (store.mode === 'embedded' && config.env === 'development' && startup.demoData !== false) {
    const demo = await seedDemoAccounts(features);
    if (demo.created) {
      logger.info(demo, 'demo accounts created (see README, "Demo data")');
      logger.info('loading the demo marketplace (first start only)…');
      try {
        logger.info(await seedDemoMarket(features, { dataDir: config.dataDir }), 'demo marketplace loaded');
      } catch (error) {
        // A development convenience must not keep the platform from starting; the command reloads it whole.
        logger.warn({ err: (error as Error).message }, 'the demo marketplace could not be loaded; run `npm run seed:demo` to load it again');
      }
    }
  }
  return {
    store,
    search,
    features,
    sessionSecret,
    async close() {
      await store.close();
      await search.close();
    },
  };
}
