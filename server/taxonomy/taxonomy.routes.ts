import { Router } from 'express';
import { guardedRouter, publicRoute } from '../core/guards';
import { validate } from '../core/validate';
import type { TaxonomyService } from './taxonomy.service';
import { presentDomain, presentIndustrySearch } from './taxonomy.presenter';
import { industryCodeParams, industrySearchQuery } from './taxonomy.schemas';

export function taxonomyRoutes(taxonomy: TaxonomyService): Router {
  const router = guardedRouter(Router());

  router.get('/industries', publicRoute, async (req, res) => {
    const { q } = validate(industrySearchQuery, req.query);
    const [domains, search] = await Promise.all([taxonomy.listDomains(), q ? taxonomy.searchIndustries(q) : undefined]);
    res.render('taxonomy/index', {
      q: q ?? '',
      search: search && presentIndustrySearch(search, res.locals.locale),
      domains: domains.map((domain) => presentDomain(domain, res.locals.locale)),
    });
  });

  router.get('/industries/:code', publicRoute, async (req, res) => {
    const { code } = validate(industryCodeParams, req.params);
    const domain = await taxonomy.getDomain(code);
    res.render('taxonomy/domain', { domain: presentDomain(domain, res.locals.locale) });
  });

  router.get('/api/industries', publicRoute, async (_req, res) => {
    res.json({ domains: await taxonomy.listDomains() });
  });

  return router;
}
