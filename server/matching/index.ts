import type { Connection } from 'mongoose';
import type { Client } from 'typesense';
import type { AuditService } from '../audit';
import type { CapabilityService } from '../capabilities';
import type { InboxService } from '../inbox';
import type { NeedsService } from '../needs';
import type { OrganisationService } from '../organisations';
import type { RegionsService } from '../regions';
import type { ScreeningService } from '../screening';
import type { TaxonomyService } from '../taxonomy';
import type { UploadArea } from '../core/upload';
import { responseThreadModel } from './matching.model';
import { matchingRoutes } from './matching.routes';
import { createMatchingService, type QualificationsReader } from './matching.service';

export function createMatchingFeature(deps: {
  connection: Connection;
  search: Client;
  needs: NeedsService;
  capabilities: CapabilityService;
  organisations: OrganisationService;
  qualifications: QualificationsReader;
  regions: RegionsService;
  taxonomy: TaxonomyService;
  screening: ScreeningService;
  audit: AuditService;
  inbox: InboxService;
  uploads: UploadArea;
}) {
  const service = createMatchingService({ ...deps, threads: responseThreadModel(deps.connection) });
  return { service, router: matchingRoutes({ matching: service, organisations: deps.organisations, regions: deps.regions, taxonomy: deps.taxonomy, uploads: deps.uploads }) };
}

export type { MatchingService, NeedMatchesView, CapabilityMatchesView, ThreadView, ResponseThread } from './matching.service';
export type { ResponseStatus } from './matching.model';
export { checkEligibility, type Eligibility, type NeedRequirements, type HeldQualification as EligibilityHolding, type UnmetRequirement, type CalendarDay } from './eligibility';
