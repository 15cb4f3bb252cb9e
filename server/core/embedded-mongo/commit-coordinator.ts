import type { Logger } from '../logger';
import type { DatabaseCatalog } from './database-catalog';
import type { Storage, StoreMutation } from './storage/storage.types';

/** Sends applied mutations to storage and triggers snapshots when the journal has grown. */
export class CommitCoordinator {
  private compaction: Promise<void> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly catalog: DatabaseCatalog,
    private readonly logger: Logger,
  ) {}

  /** Must be called in the same tick the mutations were applied, so journal order matches memory. */
  async commit(mutations: StoreMutation[]): Promise<void> {
    await this.storage.commit(mutations);
    this.maybeCompact();
  }

  private maybeCompact(): void {
    if (this.compaction !== undefined || !this.storage.wantsCompaction()) return;
    this.compaction = this.storage
      .compact(() => this.catalog.capture())
      .catch((error: unknown) => this.logger.error({ err: error }, 'embedded MongoDB compaction failed'))
      .finally(() => {
        this.compaction = undefined;
      });
  }

  /** Waits for a running compaction before storage is closed. */
  async drain(): Promise<void> {
    await this.compaction;
  }
}
