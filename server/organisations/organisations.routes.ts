import { Router } from 'express';
import { actorOf, guardedRouter, requireRole } from '../core/guards';
import { NotFoundError } from '../core/errors';
import type { RegionsService } from '../regions';
import type { TaxonomyService } from '../taxonomy';
import { presentOrganisation } from './organisations.presenter';
import type { OrganisationService } from './organisations.service';

export function organisationsRoutes(deps: { organisations: OrganisationService; regions: RegionsService; taxonomy: TaxonomyService }): Router {
  const router = guardedRouter(Router());

  router.get('/organisation', requireRole('org-admin', 'org-member'), async (req, res) => {
    const organisationId = actorOf(req)?.organisationId;
    if (!organisationId) throw new NotFoundError();
    const [organisation, domains] = await Promise.all([deps.organisations.get(organisationId), deps.taxonomy.listDomains()]);
    res.render('organisations/show', {
      organisation: presentOrganisation(organisation, { organisations: deps.organisations, regions: deps.regions, domains, locale: res.locals.locale }),
    });
  });

  return router;
}
