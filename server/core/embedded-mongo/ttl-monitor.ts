import { canonicalKey } from './bson-bridge';
import { resolve } from 'mingo/util';
import type { Logger } from '../logger';
import type { CommitCoordinator } from './commit-coordinator';
import type { DatabaseCatalog } from './database-catalog';
import type { StoreMutation } from './storage/storage.types';

/** Earliest date at a path; non-date values never expire (as in mongod). */
function earliestDate(value: unknown): number | undefined {
  const values = Array.isArray(value) ? value : [value];
  let earliest: number | undefined;
  for (const v of values) {
    if (v instanceof Date && (earliest === undefined || v.getTime() < earliest)) earliest = v.getTime();
  }
  return earliest;
}

/** Deletes documents past their TTL index's `expireAfterSeconds`, persisting the deletions. */
export class TtlMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly catalog: DatabaseCatalog,
    private readonly committer: CommitCoordinator,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running !== undefined) return;
      this.running = this.pass()
        .catch((error: unknown) => this.logger.error({ err: error }, 'embedded MongoDB TTL pass failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async pass(): Promise<void> {
    const now = Date.now();
    const pending: StoreMutation[] = [];
    for (const db of this.catalog.databaseNames()) {
      for (const coll of this.catalog.collections(db)) {
        for (const spec of coll.indexes) {
          const fields = Object.keys(spec.key);
          const ttl = spec.expireAfterSeconds;
          if (typeof ttl !== 'number' || fields.length !== 1) continue;
          for (const doc of [...coll.docs.values()]) {
            const at = earliestDate(resolve(doc, fields[0]));
            if (at === undefined || at + ttl * 1000 > now || !coll.docs.has(canonicalKey(doc._id))) continue;
            this.catalog.record({ op: 'delete', db, coll: coll.name, id: doc._id }, pending);
          }
        }
      }
    }
    if (pending.length > 0) await this.committer.commit(pending);
  }
}
