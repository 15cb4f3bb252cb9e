import type { Connection } from 'mongoose';
import type { Client } from 'typesense';
import type { Logger } from '../core/logger';
import type { SearchIndexer } from '../../search';
import type { AuditService } from '../audit';
import { industryModel } from './taxonomy.model';
import { taxonomyRoutes } from './taxonomy.routes';
import { industrySearchBinding } from './taxonomy.search-source';
import { createTaxonomyService, type ListingCounter } from './taxonomy.service';

export function taxonomySearchBinding(connection: Connection) {
  return industrySearchBinding(industryModel(connection));
}

export function createTaxonomyFeature(deps: {
  connection: Connection;
  search: Client;
  indexer: SearchIndexer;
  audit: AuditService;
  logger: Logger;
  counters: { needs: ListingCounter; capabilities: ListingCounter };
  synonymCollections: () => string[];
}) {
  const service = createTaxonomyService({
    industries: industryModel(deps.connection),
    search: deps.search,
    indexer: deps.indexer,
    audit: deps.audit,
    logger: deps.logger,
    counters: deps.counters,
    synonymCollections: deps.synonymCollections,
  });
  return { service, router: taxonomyRoutes(service) };
}

export type { TaxonomyService, Industry, IndustryDomain, IndustrySearchOutcome, ListingCounts, ListingCounter } from './taxonomy.service';
export { presentDomain, type DomainView } from './taxonomy.presenter';
