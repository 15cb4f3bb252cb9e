import { Router } from 'express';
import { guardedRouter, publicRoute } from '../core/guards';
import type { HealthService } from './health.service';

export function healthRoutes(health: HealthService): Router {
  const router = guardedRouter(Router());
  router.get('/healthz', publicRoute, async (_req, res) => {
    const report = await health.report();
    res.status(report.status === 'down' ? 503 : 200).set('Cache-Control', 'no-store').json(report);
  });
  return router;
}
