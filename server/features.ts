import type { Config } from './core/config';
import type { Store } from './core/db';
import type { Logger } from './core/logger';
import { createSearchIndexer, type SearchEngine } from '../search';
import { createAccountsFeature } from './accounts';
import { createAuditFeature } from './audit';
import { createMailFeature } from './mail';
import { createOrganisationsFeature } from './organisations';
import { createRegionsFeature } from './regions';
import { createTaxonomyFeature, taxonomySearchBinding } from './taxonomy';

export interface FeatureDeps {
  config: Config;
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
  const audit = createAuditFeature({ connection });
  const mail = createMailFeature({ connection, config: deps.config, logger: deps.logger });
  const regions = createRegionsFeature();
  const organisations = createOrganisationsFeature({ connection, taxonomy: taxonomy.service, regions: regions.service, audit: audit.service, mail: mail.service });
  const accounts = createAccountsFeature({
    connection,
    organisations: organisations.service,
    regions: regions.service,
    taxonomy: taxonomy.service,
    audit: audit.service,
    mail: mail.service,
  });
  return { indexer, taxonomy, audit, mail, regions, organisations, accounts };
}

export type Features = ReturnType<typeof createFeatures>;
