import type { Response } from 'express';
import type { Client } from 'typesense';
import type { NeedsService } from '../needs';
import type { OrganisationService } from '../organisations';
import type { RegionsService } from '../regions';
import type { TaxonomyService } from '../taxonomy';
import { searchPagesRoutes } from './search-pages.routes';
import { createSearchPagesService } from './search-pages.service';

export function createSearchPagesFeature(deps: { needs: NeedsService; search: Client; taxonomy: TaxonomyService; organisations: OrganisationService; regions: RegionsService }) {
  const service = createSearchPagesService({ needs: deps.needs, search: deps.search });
  const labels = async (res: Response) => ({
    locale: res.locals.locale,
    t: res.locals.t,
    domains: await deps.taxonomy.listDomains(),
    organisations: deps.organisations,
    regions: deps.regions,
  });
  return { service, router: searchPagesRoutes({ searchPages: service, labels }) };
}

export type { SearchPagesService, SearchOutcome } from './search-pages.service';
