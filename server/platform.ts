import type { Config } from './core/config';
import { openStore, type Store } from './core/db';
import type { Logger } from './core/logger';
import { createFeatures, type Features } from './features';
import { openSearch, type OpenSearchOptions, type SearchEngine } from '../search/search-client';
import { seedTaxonomy } from '../seeds/taxonomy.seed';

export interface Platform {
  store: Store;
  search: SearchEngine;
  features: Features;
  close(): Promise<void>;
}

/**
 * Opens the store and the search engine (built-in or external), builds the
 * features and brings reference data and search collections up to date. Shared
 * by the web server, the job worker, the CLIs and the tests.
 */
export async function openPlatform(config: Config, logger: Logger, searchOptions?: OpenSearchOptions): Promise<Platform> {
  const store = await openStore(config, logger);
  let search: SearchEngine;
  try {
    search = await openSearch(config, logger, searchOptions);
  } catch (error) {
    await store.close();
    throw error;
  }
  const features = createFeatures({ store, search, logger });
  try {
    await features.indexer.ensureCollections();
  } catch (error) {
    // The platform serves without search; the drain job builds the collections once it is back.
    logger.warn({ err: (error as Error).message }, 'search is unavailable at start-up');
  }
  const seeded = await seedTaxonomy(features.taxonomy.service);
  if (seeded.inserted) logger.info(seeded, 'industry taxonomy loaded');
  return {
    store,
    search,
    features,
    async close() {
      await store.close();
      await search.close();
    },
  };
}
