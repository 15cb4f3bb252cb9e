import type { Agenda } from 'agenda';
import type { Logger } from '../server/core/logger';
import type { Features } from '../server/features';

export const JOBS = {
  searchDrain: 'search:drain-outbox',
  searchReconcile: 'search:reconcile',
  mailRetry: 'mail:retry-failed',
} as const;

/** Defines every job and returns a function that puts the recurring ones on the schedule. */
export function defineJobs(agenda: Agenda, features: Features, log: Logger): () => Promise<void> {
  agenda.define(JOBS.searchDrain, async () => {
    const result = await features.indexer.drain({ limit: 1000 });
    if (result.applied || result.failed) log.info(result, 'search outbox drained');
  });
  agenda.define(JOBS.searchReconcile, async () => {
    await features.indexer.reconcile();
  });
  agenda.define(JOBS.mailRetry, async () => {
    const result = await features.mail.service.retryDue({ limit: 200 });
    if (result.sent || result.failed) log.info(result, 'mail outbox retried');
  });

  return async () => {
    await agenda.every('10 seconds', JOBS.searchDrain);
    await agenda.every('1 hour', JOBS.searchReconcile);
    await agenda.every('1 minute', JOBS.mailRetry);
  };
}
