import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda } from 'agenda';
import type { Connection } from 'mongoose';
import type { Logger } from '../server/core/logger';
import type { Features } from '../server/features';
import { defineJobs } from './job-definitions';

export interface Scheduler {
  agenda: Agenda;
  start(): Promise<void>;
  /** Lets running jobs finish, then stops polling. */
  stop(): Promise<void>;
}

/** Agenda on the same MongoDB (or built-in store) the app uses, through the same connection. */
export function createScheduler(deps: { connection: Connection; features: Features; logger: Logger; processEvery?: string }): Scheduler {
  const db = deps.connection.db;
  if (!db) throw new Error('The store connection must be open before the scheduler is created');
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: db, collection: 'jobs' }),
    processEvery: deps.processEvery ?? '5 seconds',
    defaultLockLifetime: 10 * 60_000,
  });
  const log = deps.logger.child({ component: 'jobs' });
  agenda.on('fail', (error: Error, job: { attrs: { name: string } }) => log.error({ err: error, job: job.attrs.name }, 'job failed'));
  const schedule = defineJobs(agenda, deps.features, log);
  return {
    agenda,
    async start() {
      await agenda.start();
      await schedule();
      log.info('job scheduler started');
    },
    async stop() {
      await agenda.drain(30_000);
    },
  };
}
