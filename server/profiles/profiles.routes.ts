import { Router, type Response } from 'express';
import { actorOf, guardedRouter, publicRoute } from '../core/guards';
import { validate } from '../core/validate';
import { organisationParams, type OrganisationContext, type OrganisationService } from '../organisations';
import type { RegionsService } from '../regions';
import type { TaxonomyService } from '../taxonomy';
import { presentDirectory, presentProfile } from './profiles.presenter';
import { directoryQuery } from './profiles.schemas';
import type { ProfileService } from './profiles.service';

export function profilesRoutes(deps: { profiles: ProfileService; organisations: OrganisationService; regions: RegionsService; taxonomy: TaxonomyService }): Router {
  const router = guardedRouter(Router());
  const context = async (res: Response): Promise<OrganisationContext> => ({
    organisations: deps.organisations,
    regions: deps.regions,
    domains: await deps.taxonomy.listDomains(),
    locale: res.locals.locale,
  });

  router.get('/organisations', publicRoute, async (req, res) => {
    const { page } = validate(directoryQuery, req.query);
    const result = await deps.profiles.directory(page);
    res.render('profiles/index', presentDirectory(result, await context(res)));
  });

  router.get('/organisations/:id', publicRoute, async (req, res) => {
    const { id } = validate(organisationParams, req.params);
    const found = await deps.profiles.profile(actorOf(req), id, new Date());
    res.render('profiles/show', presentProfile(found, actorOf(req), await context(res)));
  });

  return router;
}
