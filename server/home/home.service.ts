import type { CapabilityService } from '../capabilities';
import type { OrganisationService } from '../organisations';
import type { QualificationService } from '../qualifications';
import type { TaxonomyService } from '../taxonomy';

/** A need as the home page lists it: only what every visitor who may find it may read. */
export interface HomeNeed {
  id: string;
  title: string;
  summary: string;
  organisationName: string;
  industries: string[];
  publishedAt: Date;
}

/** The needs feature provides this: its latest published needs anyone may find. */
export interface LatestPublicNeeds {
  latestPublic(limit: number): Promise<HomeNeed[]>;
}

export interface HomeServiceDeps {
  taxonomy: TaxonomyService;
  capabilities: CapabilityService;
  organisations: OrganisationService;
  qualifications: QualificationService;
  needs: LatestPublicNeeds;
}

const LATEST = 6;

/** Everything the home page shows, all of it public. */
export function createHomeService(deps: HomeServiceDeps) {
  return {
    async overview() {
      const [domains, counts, capabilities, needs, organisations, qualifications] = await Promise.all([
        deps.taxonomy.listDomains(),
        deps.taxonomy.listingCounts(),
        deps.capabilities.latestPublished(LATEST),
        deps.needs.latestPublic(LATEST),
        deps.organisations.listVerified({ page: 1 }),
        deps.qualifications.countEffective(new Date()),
      ]);
      return {
        domains,
        counts,
        capabilities,
        needs,
        counters: {
          organisations: organisations.total,
          needs: counts.available ? counts.totals.needs : null,
          capabilities: counts.available ? counts.totals.capabilities : await deps.capabilities.countPublished(),
          qualifications,
        },
      };
    },
  };
}

export type HomeService = ReturnType<typeof createHomeService>;
