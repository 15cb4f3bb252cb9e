import type { Connection } from 'mongoose';
import type { Client } from 'typesense';
import taxonomyFile from '../../seeds/taxonomy.json';
import { createUploadArea } from '../core/upload';
import type { AuditService } from '../audit';
import type { OrganisationService } from '../organisations';
import type { RegionsService } from '../regions';
import type { ScreeningService } from '../screening';
import type { TaxonomyService } from '../taxonomy';
import type { SearchIndexer } from '../../search';
import { needModel } from './needs.model';
import { needsRoutes } from './needs.routes';
import { needSearchBinding as bindNeedSearch } from './needs.search-source';
import { createNeedsService, type QualificationsReader } from './needs.service';

export function needSearchBinding(connection: Connection, organisations: () => OrganisationService) {
  return bindNeedSearch(needModel(connection), organisations);
}

export function createNeedsFeature(deps: {
  connection: Connection;
  dataDir: string;
  search: Client;
  indexer: SearchIndexer;
  organisations: OrganisationService;
  qualifications: QualificationsReader;
  taxonomy: TaxonomyService;
  regions: RegionsService;
  screening: ScreeningService;
  audit: AuditService;
  onPublished(needId: string): Promise<void>;
}) {
  const uploads = createUploadArea(deps.dataDir);
  const service = createNeedsService({
    needs: needModel(deps.connection),
    organisations: deps.organisations,
    qualifications: deps.qualifications,
    taxonomy: deps.taxonomy,
    regions: deps.regions,
    screening: deps.screening,
    audit: deps.audit,
    indexer: deps.indexer,
    search: deps.search,
    uploads,
    listingKinds: taxonomyFile.listingKinds,
    onPublished: deps.onPublished,
  });
  return { service, router: needsRoutes({ needs: service, organisations: deps.organisations, regions: deps.regions, taxonomy: deps.taxonomy, uploads }) };
}

export type { NeedsService, NeedSummary, NeedDetails, NeedView, NeedSearchInput, NeedSearchOutcome, QualificationsReader } from './needs.service';
export type { NeedAccess, HeldQualification } from './need-access';
export type { NeedInput } from './needs.schemas';
export { needInput } from './needs.schemas';
export { presentNeedSummary, qualificationRequirementLabel, type NeedLabelContext } from './needs.presenter';
