import type { Connection } from 'mongoose';
import type { UploadArea } from '../core/upload';
import taxonomyFile from '../../seeds/taxonomy.json';
import type { SearchIndexer } from '../../search';
import type { AuditService } from '../audit';
import type { OrganisationService } from '../organisations';
import type { RegionsService } from '../regions';
import type { ScreeningService } from '../screening';
import type { TaxonomyService } from '../taxonomy';
import { capabilityModel } from './capabilities.model';
import { capabilitiesRoutes } from './capabilities.routes';
import { capabilitySearchBinding, type ResponsivenessReader } from './capabilities.search-source';
import { createCapabilityService, type QualificationsReader } from './capabilities.service';

export interface CapabilitiesFeatureDeps {
  connection: Connection;
  organisations: OrganisationService;
  qualifications: QualificationsReader;
  taxonomy: TaxonomyService;
  screening: ScreeningService;
  audit: AuditService;
  indexer: SearchIndexer;
  uploads: UploadArea;
  onPublished(capabilityId: string): Promise<void>;
}

export function createCapabilitiesFeature(deps: CapabilitiesFeatureDeps) {
  const service = createCapabilityService({
    capabilities: capabilityModel(deps.connection),
    organisations: deps.organisations,
    qualifications: deps.qualifications,
    taxonomy: deps.taxonomy,
    screening: deps.screening,
    audit: deps.audit,
    indexer: deps.indexer,
    uploads: deps.uploads,
    listingKinds: taxonomyFile.listingKinds,
    onPublished: deps.onPublished,
  });
  return { service, router: capabilitiesRoutes({ capabilities: service, organisations: deps.organisations, taxonomy: deps.taxonomy, uploads: deps.uploads }) };
}

export function capabilitiesSearchBinding(deps: {
  connection: Connection;
  regions: RegionsService;
  readers: () => { organisations: OrganisationService; qualifications: QualificationsReader; responsiveness: ResponsivenessReader };
}) {
  return capabilitySearchBinding({ capabilities: capabilityModel(deps.connection), regions: deps.regions, readers: deps.readers });
}

export type { CapabilityService, Capability, CapabilityDetail, CapabilityFile, CapabilityImage, HeldQualification, QualificationsReader } from './capabilities.service';
export { CAPABILITY_COLLECTION, PUBLISHING_KINDS } from './capabilities.service';
export { presentCapabilitySummary, presentQualification, listingKindLabel, directionLabel } from './capabilities.presenter';
