import type { Agenda } from 'agenda';
import type { Logger } from '../server/core/logger';
import type { Features } from '../server/features';

export const JOBS = {
  searchDrain: 'search:drain-outbox',
  searchReconcile: 'search:reconcile',
  mailRetry: 'mail:retry-failed',
  qualificationExpiry: 'qualifications:expire-and-remind',
  needsExpiry: 'needs:close-expired',
  strongMatches: 'alerts:strong-matches',
  alertDigests: 'alerts:daily-digest',
} as const;

/** Defines every job and returns a function that puts the recurring ones on the schedule. */
export function defineJobs(agenda: Agenda, features: Features, log: Logger): () => Promise<void> {
  agenda.define(JOBS.searchDrain, async () => {
    const result = await features.indexer.drain({ limit: 1000 });
    if (result.applied || result.failed) log.info(result, 'search outbox drained');
  });
  agenda.define(JOBS.searchReconcile, async () => {
    await features.indexer.reconcile();
    // Also repairs synonyms a taxonomy edit could not apply while search was down.
    await features.taxonomy.service.applySynonyms();
  });
  agenda.define(JOBS.mailRetry, async () => {
    const result = await features.mail.service.retryDue({ limit: 200 });
    if (result.sent || result.failed) log.info(result, 'mail outbox retried');
  });
  agenda.define(JOBS.qualificationExpiry, async () => {
    const result = await features.qualifications.service.runExpiry(new Date());
    if (result.expired || result.reminded) log.info(result, 'qualification expiries and reminders');
  });

  agenda.define(JOBS.needsExpiry, async () => {
    const result = await features.needs.service.closeExpired(new Date());
    if (result.closed) log.info(result, 'needs past their deadline closed');
  });

  agenda.define(JOBS.strongMatches, async () => {
    const result = await features.alerts.service.processPublications();
    if (result.processed || result.failed) log.info(result, 'strong matches of new listings notified');
  });
  agenda.define(JOBS.alertDigests, async () => {
    const result = await features.alerts.service.sendDigests(new Date());
    if (result.sent) log.info(result, 'alert digests sent');
  });

  return async () => {
    await agenda.every('10 seconds', JOBS.searchDrain);
    await agenda.every('1 hour', JOBS.searchReconcile);
    await agenda.every('1 minute', JOBS.mailRetry);
    // Deadlines end at midnight Beijing time; a few minutes' lag is harmless, a day's is not.
    await agenda.every('5 minutes', JOBS.needsExpiry);
    // Just after midnight Beijing time: certificates lapse at the end of their last valid day there.
    await agenda.every('5 0 * * *', JOBS.qualificationExpiry, undefined, { timezone: 'Asia/Shanghai' });
    // "At once" for very strong matches: within a minute of publication.
    await agenda.every('1 minute', JOBS.strongMatches);
    await agenda.every('0 8 * * *', JOBS.alertDigests, undefined, { timezone: 'Asia/Shanghai' });
  };
}
