import { Router } from 'express';
import { actorOf, guardedRouter, requireRole } from '../core/guards';
import { validate } from '../core/validate';
import { presentAuditPage } from './audit.presenter';
import { auditQuery } from './audit.schemas';
import type { AuditService } from './audit.service';

export function auditRoutes(audit: AuditService): Router {
  const router = guardedRouter(Router());

  router.get('/admin/audit', requireRole('platform-admin'), async (req, res) => {
    const query = validate(auditQuery, req.query);
    const result = await audit.search(actorOf(req), query);
    res.render('audit/index', presentAuditPage(result, query));
  });

  return router;
}
