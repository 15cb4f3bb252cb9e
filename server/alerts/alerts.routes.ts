import { Router, type Request, type Response } from 'express';
import { formRoute } from '../core/forms';
import { actorOf, guardedRouter, requireRole } from '../core/guards';
import { noticeOf } from '../core/request-info';
import { validate } from '../core/validate';
import type { TaxonomyService } from '../taxonomy';
import { presentAlertSettings } from './alerts.presenter';
import { subscriptionInput } from './alerts.schemas';
import type { AlertsService } from './alerts.service';

export function alertsRoutes(deps: { alerts: AlertsService; taxonomy: TaxonomyService }): Router {
  const router = guardedRouter(Router());
  const { alerts } = deps;
  const members = requireRole('org-admin', 'org-member');

  const settingsLocals = async (req: Request, res: Response) => {
    const [subscription, domains, preview] = await Promise.all([alerts.subscription(actorOf(req)), deps.taxonomy.listDomains(), alerts.preview(actorOf(req))]);
    return { ...presentAlertSettings(subscription, domains, res.locals.locale), preview, notice: noticeOf(req, new Set(['saved'])) };
  };

  router.get('/organisation/alerts', members, async (req, res) => {
    res.render('alerts/settings', { ...(await settingsLocals(req, res)), errors: {} });
  });

  router.post(
    '/organisation/alerts',
    members,
    formRoute(
      'alerts/settings',
      async (req, res) => {
        await alerts.saveSubscription(actorOf(req), validate(subscriptionInput, req.body));
        res.redirect(303, '/organisation/alerts?notice=saved');
      },
      settingsLocals,
    ),
  );

  return router;
}
