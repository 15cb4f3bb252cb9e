import { Router, type Request, type Response } from 'express';
import { actorOf, guardedRouter, publicRoute, requireRole } from '../core/guards';
import { blankForm, formRoute } from '../core/forms';
import { clientIp, noticeOf } from '../core/request-info';
import { validate } from '../core/validate';
import type { TaxonomyService } from './taxonomy.service';
import { industryFormValues, presentDomain, presentIndustrySearch, presentLeaf } from './taxonomy.presenter';
import { industryCodeParams, industryForm, industrySearchQuery, leafForm } from './taxonomy.schemas';

const NOTICES = new Set(['industry-saved', 'industry-added']);

function mayManage(req: Request): boolean {
  return actorOf(req)?.roles.some((role) => role === 'organiser' || role === 'platform-admin') ?? false;
}

export function taxonomyRoutes(taxonomy: TaxonomyService): Router {
  const router = guardedRouter(Router());
  const organisers = requireRole('organiser', 'platform-admin');

  router.get('/industries', publicRoute, async (req, res) => {
    const { q } = validate(industrySearchQuery, req.query);
    const [domains, counts, search] = await Promise.all([taxonomy.listDomains(), taxonomy.listingCounts(), q ? taxonomy.searchIndustries(q) : undefined]);
    res.render('taxonomy/index', {
      q: q ?? '',
      search: search && presentIndustrySearch(search, res.locals.locale),
      domains: domains.map((domain) => presentDomain(domain, res.locals.locale, counts)),
    });
  });

  /** A domain with its leaves, or one leaf. */
  router.get('/industries/:code', publicRoute, async (req, res) => {
    const { code } = validate(industryCodeParams, req.params);
    const [domainCode] = code.split('.');
    const [domain, counts] = await Promise.all([taxonomy.getDomain(domainCode!), taxonomy.listingCounts()]);
    const common = { notice: noticeOf(req, NOTICES), mayManage: mayManage(req) };
    if (code === domainCode) {
      res.render('taxonomy/domain', { ...common, domain: presentDomain(domain, res.locals.locale, counts) });
      return;
    }
    const leaf = await taxonomy.getIndustry(code);
    res.render('taxonomy/leaf', { ...common, leaf: presentLeaf(leaf, domain, res.locals.locale, counts) });
  });

  router.get('/industries/:code/edit', organisers, async (req, res) => {
    const { code } = validate(industryCodeParams, req.params);
    const industry = await taxonomy.getIndustry(code);
    res.render('taxonomy/edit', { industry: { code: industry.code, level: industry.level }, ...blankForm(industryFormValues(industry)) });
  });

  const editLocals = async (req: Request) => {
    const { code } = validate(industryCodeParams, req.params);
    const industry = await taxonomy.getIndustry(code);
    return { industry: { code: industry.code, level: industry.level } };
  };

  router.post(
    '/industries/:code',
    organisers,
    formRoute(
      'taxonomy/edit',
      async (req, res) => {
        const { code } = validate(industryCodeParams, req.params);
        const input = validate(industryForm, req.body);
        await taxonomy.updateIndustry(actorOf(req), code, input, clientIp(req));
        res.redirect(303, `/industries/${code}?notice=industry-saved`);
      },
      editLocals,
    ),
  );

  const newLeafLocals = async (req: Request, _res: Response) => {
    const { code } = validate(industryCodeParams, req.params);
    const domain = await taxonomy.getDomain(code);
    return { domain: { code: domain.code, zh: domain.zh, en: domain.en } };
  };

  router.get('/industries/:code/leaves/new', organisers, async (req, res) => {
    res.render('taxonomy/new-leaf', { ...(await newLeafLocals(req, res)), ...blankForm() });
  });

  router.post(
    '/industries/:code/leaves',
    organisers,
    formRoute(
      'taxonomy/new-leaf',
      async (req, res) => {
        const { code } = validate(industryCodeParams, req.params);
        const input = validate(leafForm, req.body);
        const leaf = await taxonomy.addLeaf(actorOf(req), code, input, clientIp(req));
        res.redirect(303, `/industries/${leaf.code}?notice=industry-added`);
      },
      newLeafLocals,
    ),
  );

  router.get('/api/industries', publicRoute, async (_req, res) => {
    res.json({ domains: await taxonomy.listDomains() });
  });

  return router;
}
