import type { Document } from 'bson';

/**
 * The logical changes the in-memory engine makes. Storage persists them and
 * replays them on start-up; it never interprets documents beyond BSON.
 * Documents handed to storage are never mutated afterwards (the engine
 * replaces a document object instead of editing it), so a snapshot can be
 * serialised in the background from references captured at one instant.
 */
export type StoreMutation =
  | { op: 'createCollection'; db: string; coll: string; options: Document }
  | { op: 'dropCollection'; db: string; coll: string }
  | { op: 'dropDatabase'; db: string }
  | { op: 'createIndex'; db: string; coll: string; spec: Document }
  | { op: 'dropIndex'; db: string; coll: string; name: string }
  /** Insert or whole-document replace, keyed by `doc._id`. */
  | { op: 'put'; db: string; coll: string; doc: Document }
  | { op: 'delete'; db: string; coll: string; id: unknown };

export interface StorageStats {
  journalBytes: number;
  snapshotBytes: number;
  commits: number;
  fsyncs: number;
}

export interface Storage {
  /**
   * Loads the latest snapshot, replays the journal after it (discarding a torn
   * or corrupt tail) and hands every mutation to `apply` in order.
   */
  open(apply: (mutation: StoreMutation) => void): Promise<void>;
  /** Resolves once every mutation is durably on disk (fsync, group commit). */
  commit(mutations: StoreMutation[]): Promise<void>;
  /**
   * Writes a snapshot of the state `capture` describes (called synchronously,
   * at the instant the journal is rotated) and drops the journal it replaces.
   */
  compact(capture: () => Iterable<StoreMutation>): Promise<void>;
  /** Whether the journal has grown enough that compaction is worthwhile. */
  wantsCompaction(): boolean;
  stats(): StorageStats;
  /** Finishes pending commits and closes files. */
  close(): Promise<void>;
}
