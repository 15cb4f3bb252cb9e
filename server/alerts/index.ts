import type { Connection } from 'mongoose';
import type { CapabilityService } from '../capabilities';
import type { InboxService } from '../inbox';
import type { MatchingService } from '../matching';
import type { NeedsService } from '../needs';
import type { OrganisationService } from '../organisations';
import type { TaxonomyService } from '../taxonomy';
import { alertSubscriptionModel, publicationEventModel } from './alerts.model';
import { alertsRoutes } from './alerts.routes';
import { createAlertsService } from './alerts.service';

export function createAlertsFeature(deps: {
  connection: Connection;
  needs: NeedsService;
  capabilities: CapabilityService;
  organisations: OrganisationService;
  taxonomy: TaxonomyService;
  matching: MatchingService;
  inbox: InboxService;
}) {
  const service = createAlertsService({ ...deps, subscriptions: alertSubscriptionModel(deps.connection), events: publicationEventModel(deps.connection) });
  return { service, router: alertsRoutes({ alerts: service, taxonomy: deps.taxonomy }) };
}

export type { AlertsService, AlertSubscription } from './alerts.service';
