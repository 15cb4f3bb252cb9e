import { Router } from 'express';
import { actorOf, guardedRouter, requireRole } from '../core/guards';
import { validate } from '../core/validate';
import { presentNotification } from './inbox.presenter';
import { inboxQuery } from './inbox.schemas';
import type { InboxService } from './inbox.service';

export function inboxRoutes(inbox: InboxService): Router {
  const router = guardedRouter(Router());
  const members = requireRole('org-admin', 'org-member');

  router.get('/inbox', members, async (req, res) => {
    const { page } = validate(inboxQuery, req.query);
    const found = await inbox.list(actorOf(req), page);
    res.render('inbox/index', { ...found, notifications: found.notifications.map(presentNotification) });
  });

  router.post('/inbox/read', members, async (req, res) => {
    await inbox.markAllRead(actorOf(req));
    res.redirect(303, '/inbox');
  });

  return router;
}
