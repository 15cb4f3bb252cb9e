import { Router } from 'express';
import { guardedRouter, publicRoute } from '../core/guards';
import { LOCALE_COOKIE } from '../core/i18n';
import { validate } from '../core/validate';
import { presentHome } from './home.presenter';
import { localeChoice } from './home.schemas';
import type { HomeService } from './home.service';

export function homeRoutes(home: HomeService): Router {
  const router = guardedRouter(Router());

  router.get('/', publicRoute, async (_req, res) => {
    res.render('home/index', presentHome(await home.overview(), res.locals.locale));
  });

  router.get('/locale/:locale', publicRoute, (req, res) => {
    const { locale, next } = validate(localeChoice, { ...req.params, ...req.query });
    res.cookie(LOCALE_COOKIE, locale, { maxAge: 365 * 24 * 3600 * 1000, sameSite: 'lax', httpOnly: true });
    res.redirect(303, next);
  });

  return router;
}
