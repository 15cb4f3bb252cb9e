import { Router, type Response } from 'express';
import { actorOf, guardedRouter, publicRoute } from '../core/guards';
import { validate } from '../core/validate';
import type { NeedLabelContext } from '../needs';
import { presentSearchPage } from './search-pages.presenter';
import { searchQuery } from './search-pages.schemas';
import type { SearchPagesService } from './search-pages.service';

export function searchPagesRoutes(deps: { searchPages: SearchPagesService; labels: (res: Response) => Promise<NeedLabelContext> }): Router {
  const router = guardedRouter(Router());

  router.get('/search', publicRoute, async (req, res) => {
    const query = validate(searchQuery, req.query);
    const outcome = await deps.searchPages.search(actorOf(req), query);
    res.render('search/index', presentSearchPage(query, outcome, await deps.labels(res)));
  });

  // The same answer for scripts: what the page shows, as JSON.
  router.get('/api/search', publicRoute, async (req, res) => {
    const query = validate(searchQuery, req.query);
    res.json(await deps.searchPages.search(actorOf(req), query));
  });

  return router;
}
