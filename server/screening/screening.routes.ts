import { Router, type Request } from 'express';
import { blankForm, formRoute } from '../core/forms';
import { actorOf, guardedRouter, requireRole } from '../core/guards';
import { validate } from '../core/validate';
import { presentTerm } from './screening.presenter';
import { termInput, termParams } from './screening.schemas';
import type { ScreeningService } from './screening.service';

export function screeningRoutes(screening: ScreeningService): Router {
  const router = guardedRouter(Router());
  const organisers = requireRole('organiser', 'platform-admin');
  const termsLocals = async (req: Request) => ({ terms: (await screening.list(actorOf(req))).map(presentTerm) });

  router.get('/review/terms', organisers, async (req, res) => {
    res.render('screening/terms', { ...(await termsLocals(req)), ...blankForm({ action: 'hold' }), notice: req.query.notice === 'saved' ? 'saved' : undefined });
  });

  router.post(
    '/review/terms',
    organisers,
    formRoute(
      'screening/terms',
      async (req, res) => {
        const input = validate(termInput, req.body);
        await screening.add(actorOf(req), input, req.ip);
        res.redirect(303, '/review/terms?notice=saved');
      },
      termsLocals,
    ),
  );

  router.post('/review/terms/:id/delete', organisers, async (req, res) => {
    const { id } = validate(termParams, req.params);
    await screening.remove(actorOf(req), id, req.ip);
    res.redirect(303, '/review/terms?notice=saved');
  });

  return router;
}
