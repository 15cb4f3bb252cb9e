import type { Connection } from 'mongoose';
import type { Client } from 'typesense';
import type { SearchIndexer } from '../../search';
import { industryModel } from './taxonomy.model';
import { taxonomyRoutes } from './taxonomy.routes';
import { industrySearchBinding } from './taxonomy.search-source';
import { createTaxonomyService } from './taxonomy.service';

export function taxonomySearchBinding(connection: Connection) {
  return industrySearchBinding(industryModel(connection));
}

export function createTaxonomyFeature(deps: { connection: Connection; search: Client; indexer: SearchIndexer }) {
  const service = createTaxonomyService({ industries: industryModel(deps.connection), search: deps.search, indexer: deps.indexer });
  return { service, router: taxonomyRoutes(service) };
}

export type { TaxonomyService, Industry, IndustryDomain, IndustrySearchOutcome } from './taxonomy.service';
export { presentDomain, type DomainView } from './taxonomy.presenter';
