import type { DependencyHealth } from '../core/db';

export interface HealthCheck {
  name: string;
  /** Without a critical dependency the platform cannot serve; without the others it serves less. */
  critical: boolean;
  health(): Promise<DependencyHealth>;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  uptimeSeconds: number;
  dependencies: Record<string, DependencyHealth>;
}

export function createHealthService(checks: HealthCheck[]) {
  const startedAt = Date.now();
  return {
    async report(): Promise<HealthReport> {
      const results = await Promise.all(checks.map(async (check) => ({ check, result: await check.health() })));
      const failing = results.filter(({ result }) => result.status !== 'up');
      const status = failing.some(({ check }) => check.critical) ? 'down' : failing.length ? 'degraded' : 'ok';
      return {
        status,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        dependencies: Object.fromEntries(results.map(({ check, result }) => [check.name, result])),
      };
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
