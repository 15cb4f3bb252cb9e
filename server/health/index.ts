import { healthRoutes } from './health.routes';
import { createHealthService, type HealthCheck } from './health.service';

export function createHealthFeature(checks: HealthCheck[]) {
  const service = createHealthService(checks);
  return { service, router: healthRoutes(service) };
}

export type { HealthCheck, HealthReport } from './health.service';
