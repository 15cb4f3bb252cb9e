import type { OrganisationService } from '../organisations';
import type { QualificationService } from '../qualifications';
import type { RegionsService } from '../regions';
import type { TaxonomyService } from '../taxonomy';
import { profilesRoutes } from './profiles.routes';
import { createProfileService } from './profiles.service';

/** Public organisation pages: the directory and profiles, built from organisations and their qualifications. */
export function createProfilesFeature(deps: { organisations: OrganisationService; qualifications: QualificationService; regions: RegionsService; taxonomy: TaxonomyService }) {
  const service = createProfileService(deps);
  return { service, router: profilesRoutes({ profiles: service, ...deps }) };
}

export type { ProfileService } from './profiles.service';
