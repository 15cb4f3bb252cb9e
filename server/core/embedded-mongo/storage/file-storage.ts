import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { silentLogger, type Logger } from '../../logger';
import {
  acquireDirLock,
  ignoreMissing,
  journalPath,
  listDataDir,
  snapshotPath,
  snapshotTempPath,
  type DirLock,
} from './data-dir';
import { scanFrames } from './frame';
import { JournalWriter, fsyncDirectory } from './journal-writer';
import { asMutation, decodeDocuments, encodeDocument } from './mutation-codec';
import { loadSnapshot, writeSnapshot } from './snapshot';
import type { Storage, StorageStats, StoreMutation } from './storage.types';

export interface FileStorageOptions {
  dir: string;
  /** Journal size after which `wantsCompaction()` says yes. */
  compactAfterBytes?: number;
  logger?: Logger;
}

const DEFAULT_COMPACT_AFTER_BYTES = 64 * 1024 * 1024;

/**
 * Durable storage in one directory: an append-only journal with group commit
 * plus periodic snapshots. See `data-dir.ts` for the file layout.
 */
export function createFileStorage(options: FileStorageOptions): Storage {
  return new FileStorage(options);
}

type State = 'new' | 'opening' | 'open' | 'closing' | 'closed';

class FileStorage implements Storage {
  private readonly dir: string;
  private readonly compactAfterBytes: number;
  private readonly logger: Logger;
  private state: State = 'new';
  private opening: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private lock: DirLock | undefined;
  private writer: JournalWriter | undefined;
  /** Sequence number of the journal new commits go to. */
  private activeSeq = 0;
  private snapshotSeq: number | undefined;
  private snapshotBytes = 0;
  /** Sizes of journals still on disk that are no longer appended to. */
  private readonly retiredJournals = new Map<number, number>();
  private compaction: Promise<void> | undefined;
  /**
   * After a failed compaction (disk full, say) the next attempt waits for
   * the journal to grow by another threshold, so a persistent failure is not
   * retried on every commit, each retry leaving an extra journal file.
   */
  private retryCompactionAbove = 0;

  constructor(options: FileStorageOptions) {
    this.dir = resolve(options.dir);
    this.compactAfterBytes = options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES;
    this.logger = options.logger ?? silentLogger;
  }

  open(apply: (mutation: StoreMutation) => void): Promise<void> {
    if (this.state !== 'new') return Promise.reject(new Error(`storage for ${this.dir} cannot be opened twice`));
    this.state = 'opening';
    this.opening = this.load(apply).then(
      () => {
        this.state = 'open';
      },
      async (error: unknown) => {
        this.state = 'closed';
        await this.writer?.close();
        await this.lock?.release();
        throw error;
      },
    );
    return this.opening;
  }

  commit(mutations: StoreMutation[]): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.notOpenError());
    if (mutations.length === 0) return Promise.resolve();
    let payload: Uint8Array[];
    try {
      // Encoding now also pins the bytes before the caller's next change.
      payload = mutations.map(encodeDocument);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.writer!.append(payload);
  }

  compact(capture: () => Iterable<StoreMutation>): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.notOpenError());
    if (this.compaction) return this.compaction;
    const oldSeq = this.activeSeq;
    const seq = oldSeq + 1;
    let retired: Promise<void>;
    try {
      retired = this.writer!.rotate(journalPath(this.dir, seq)).then((finalSize) => {
        this.retiredJournals.set(oldSeq, finalSize);
      });
    } catch (error) {
      return Promise.reject(error);
    }
    this.activeSeq = seq;
    const run = this.writeCompaction(seq, capture, retired).then(
      () => {
        this.retryCompactionAbove = 0;
      },
      (error: unknown) => {
        this.retryCompactionAbove = this.journalBytes() + this.compactAfterBytes;
        this.logger.warn({ err: error, dir: this.dir }, 'compaction failed; the journal is kept and compaction will be retried later');
        throw error;
      },
    );
    this.compaction = run.finally(() => {
      this.compaction = undefined;
    });
    return this.compaction;
  }

  wantsCompaction(): boolean {
    const threshold = Math.max(this.compactAfterBytes, this.retryCompactionAbove);
    return this.state === 'open' && this.compaction === undefined && this.journalBytes() > threshold;
  }

  stats(): StorageStats {
    return {
      journalBytes: this.journalBytes(),
      snapshotBytes: this.snapshotBytes,
      commits: this.writer?.appends ?? 0,
      fsyncs: this.writer?.fsyncs ?? 0,
    };
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    if (this.state === 'opening') await this.opening!.catch(() => undefined);
    if (this.state === 'closed' || this.state === 'new') {
      this.state = 'closed';
      return;
    }
    this.state = 'closing';
    try {
      if (this.compaction) await this.compaction.catch(() => undefined);
      await this.writer!.close();
    } finally {
      this.state = 'closed';
      await this.lock!.release();
    }
  }

  private notOpenError(): Error {
    const reason = this.state === 'new' || this.state === 'opening' ? 'is not open yet' : 'is closed';
    return new Error(`storage for ${this.dir} ${reason}`);
  }

  private journalBytes(): number {
    let total = this.writer?.activeBytes ?? 0;
    for (const size of this.retiredJournals.values()) total += size;
    return total;
  }

  private async load(apply: (mutation: StoreMutation) => void): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.lock = await acquireDirLock(this.dir);
    const listing = await listDataDir(this.dir);

    for (const temp of listing.snapshotTemps) {
      this.logger.info({ file: temp }, 'removing snapshot left unfinished by an interrupted compaction');
      await unlink(temp).catch(ignoreMissing);
    }
    const snapshotSeq = listing.snapshots.at(-1);
    // A crash between installing a snapshot and deleting what it replaces leaves these behind.
    for (const seq of listing.snapshots) {
      if (seq !== snapshotSeq) await unlink(snapshotPath(this.dir, seq)).catch(ignoreMissing);
    }
    for (const seq of listing.journals) {
      if (snapshotSeq !== undefined && seq < snapshotSeq) await unlink(journalPath(this.dir, seq)).catch(ignoreMissing);
    }
    const journals = listing.journals.filter((seq) => snapshotSeq === undefined || seq >= snapshotSeq);
    this.checkJournalSequence(journals, snapshotSeq);

    if (snapshotSeq !== undefined) {
      const started = performance.now();
      this.snapshotBytes = await loadSnapshot(snapshotPath(this.dir, snapshotSeq), apply);
      this.snapshotSeq = snapshotSeq;
      this.logger.info({ seq: snapshotSeq, bytes: this.snapshotBytes, ms: Math.round(performance.now() - started) }, 'loaded snapshot');
    }
    const sizes = await this.replayJournals(journals, apply);

    const lastSeq = journals.at(-1);
    if (lastSeq === undefined) {
      this.activeSeq = snapshotSeq ?? 1;
      this.writer = JournalWriter.create(journalPath(this.dir, this.activeSeq));
    } else {
      this.activeSeq = lastSeq;
      this.writer = JournalWriter.resume(journalPath(this.dir, lastSeq), sizes.at(-1)!);
      journals.slice(0, -1).forEach((seq, index) => this.retiredJournals.set(seq, sizes[index]!));
    }
    // Makes start-up's deletions, truncations and the journal we append to durable.
    await fsyncDirectory(this.dir);
  }

  private checkJournalSequence(journals: readonly number[], snapshotSeq: number | undefined): void {
    const first = journals[0];
    if (first === undefined) return;
    if (snapshotSeq === undefined && first !== 1) {
      throw new Error(
        `${journalPath(this.dir, first)} is the oldest journal but no snapshot holds the state before it; refusing to start with missing data`,
      );
    }
    if (snapshotSeq !== undefined && first !== snapshotSeq) {
      throw new Error(`${journalPath(this.dir, snapshotSeq)} is missing; refusing to start with missing data`);
    }
    journals.forEach((seq, index) => {
      if (seq !== first + index) {
        throw new Error(`${journalPath(this.dir, first + index)} is missing; refusing to start with missing data`);
      }
    });
  }

  /** Returns the intact size of each journal. */
  private async replayJournals(journals: readonly number[], apply: (mutation: StoreMutation) => void): Promise<number[]> {
    const paths = journals.map((seq) => journalPath(this.dir, seq));
    const sizes = await Promise.all(paths.map(async (path) => (await stat(path)).size));
    for (let index = 0; index < paths.length; index++) {
      const path = paths[index]!;
      const result = await scanFrames(path, (payload, offset) => {
        let mutations: StoreMutation[];
        try {
          mutations = decodeDocuments(payload).map(asMutation);
        } catch (error) {
          throw new Error(`journal ${path} record at byte ${offset} passed its checksum but is unreadable: ${(error as Error).message}`, {
            cause: error,
          });
        }
        for (const mutation of mutations) apply(mutation);
      });
      const { damage } = result;
      if (damage) {
        // Flushes are sequential, so only the newest journal holding data can end in a cut-short write.
        const dataFollows = sizes.slice(index + 1).some((size) => size > 0);
        if (!damage.atTail || dataFollows) {
          throw new Error(
            `journal ${path} is corrupt at byte ${damage.offset} (${damage.reason}) and data follows it; ` +
              'refusing to start rather than drop acknowledged writes. Restore the data directory from a backup, ' +
              'or cut the file at that byte by hand to accept losing everything after it.',
          );
        }
        this.logger.warn(
          { file: path, offset: damage.offset, discardedBytes: result.size - damage.offset, reason: damage.reason },
          'discarding the unfinished last journal record',
        );
        await truncateDurably(path, damage.offset);
      }
      sizes[index] = result.goodBytes;
    }
    return sizes;
  }

  private async writeCompaction(seq: number, capture: () => Iterable<StoreMutation>, retired: Promise<void>): Promise<void> {
    const started = performance.now();
    let snapshotBytes = 0;
    try {
      // Runs before this function's first await, i.e. at the instant of rotation.
      const mutations = capture();
      snapshotBytes = await writeSnapshot(snapshotTempPath(this.dir, seq), snapshotPath(this.dir, seq), mutations);
    } finally {
      await retired;
    }
    const replacedSnapshot = this.snapshotSeq;
    this.snapshotSeq = seq;
    this.snapshotBytes = snapshotBytes;
    for (const journalSeq of [...this.retiredJournals.keys()]) {
      if (journalSeq >= seq) continue;
      await unlink(journalPath(this.dir, journalSeq)).catch(ignoreMissing);
      this.retiredJournals.delete(journalSeq);
    }
    if (replacedSnapshot !== undefined) await unlink(snapshotPath(this.dir, replacedSnapshot)).catch(ignoreMissing);
    await fsyncDirectory(this.dir);
    this.logger.info({ seq, snapshotBytes, ms: Math.round(performance.now() - started) }, 'compacted journal into snapshot');
  }
}

async function truncateDurably(path: string, size: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(size);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
