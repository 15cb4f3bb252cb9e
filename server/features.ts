import type { Store } from './core/db';
import type { Logger } from './core/logger';
import { createSearchIndexer, type SearchEngine } from '../search';
import { createTaxonomyFeature, taxonomySearchBinding } from './taxonomy';

export interface FeatureDeps {
  store: Store;
  search: SearchEngine;
  logger: Logger;
}

/**
 * The composition root for features: builds each feature's service once so
 * the web app, the job worker, seeds and tests share the same instances.
 */
export function createFeatures(deps: FeatureDeps) {
  const { connection } = deps.store;
  const indexer = createSearchIndexer({
    connection,
    client: deps.search.client,
    bindings: [taxonomySearchBinding(connection)],
    logger: deps.logger,
  });
  const taxonomy = createTaxonomyFeature({ connection, search: deps.search.client, indexer });
  return { indexer, taxonomy };
}

export type Features = ReturnType<typeof createFeatures>;
