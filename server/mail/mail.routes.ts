import { Router } from 'express';
import { actorOf, guardedRouter, requireRole } from '../core/guards';
import { validate } from '../core/validate';
import { presentOutboxMessage, presentOutboxPage } from './mail.presenter';
import { outboxListQuery, outboxMessageParams } from './mail.schemas';
import type { MailService } from './mail.service';

export function mailRoutes(mail: MailService): Router {
  const router = guardedRouter(Router());

  router.get('/admin/outbox', requireRole('platform-admin'), async (req, res) => {
    const query = validate(outboxListQuery, req.query);
    const result = await mail.list(actorOf(req), query);
    res.render('mail/outbox', presentOutboxPage(result, query.status));
  });

  router.get('/admin/outbox/:id', requireRole('platform-admin'), async (req, res) => {
    const { id } = validate(outboxMessageParams, req.params);
    const message = await mail.get(actorOf(req), id);
    res.render('mail/message', { message: presentOutboxMessage(message) });
  });

  return router;
}
