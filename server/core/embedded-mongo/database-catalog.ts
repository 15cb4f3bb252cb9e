import type { Document } from 'bson';
import { canonicalKey } from './bson-bridge';
import { CollectionStore, ID_INDEX_NAME, type IndexSpec } from './collection-store';
import type { StoreMutation } from './storage/storage.types';

/**
 * All databases and collections in memory. Every change goes through
 * `record`, which applies a storage mutation and queues it for commit, so the
 * live path and journal replay share one implementation.
 */
export class DatabaseCatalog {
  private readonly databases = new Map<string, Map<string, CollectionStore>>();

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  collections(db: string): CollectionStore[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  get(db: string, coll: string): CollectionStore | undefined {
    return this.databases.get(db)?.get(coll);
  }

  /** Returns the collection, creating it (and queuing the mutation) if needed. */
  ensure(db: string, coll: string, pending: StoreMutation[]): CollectionStore {
    return this.get(db, coll) ?? this.record({ op: 'createCollection', db, coll, options: {} }, pending) as CollectionStore;
  }

  /** Applies a mutation in memory and queues it for the commit that acknowledges the command. */
  record(mutation: StoreMutation, pending: StoreMutation[]): CollectionStore | undefined {
    const result = this.apply(mutation);
    pending.push(mutation);
    return result;
  }

  /** Applies one mutation; tolerant of repeats so replay over an overlapping snapshot is safe. */
  apply(mutation: StoreMutation): CollectionStore | undefined {
    switch (mutation.op) {
      case 'createCollection': {
        const existing = this.get(mutation.db, mutation.coll);
        if (existing !== undefined) {
          existing.options = mutation.options;
          return existing;
        }
        let db = this.databases.get(mutation.db);
        if (db === undefined) {
          db = new Map();
          this.databases.set(mutation.db, db);
        }
        const created = new CollectionStore(mutation.db, mutation.coll, mutation.options);
        db.set(mutation.coll, created);
        return created;
      }
      case 'dropCollection': {
        const db = this.databases.get(mutation.db);
        db?.delete(mutation.coll);
        if (db !== undefined && db.size === 0) this.databases.delete(mutation.db);
        return undefined;
      }
      case 'dropDatabase':
        this.databases.delete(mutation.db);
        return undefined;
      case 'createIndex': {
        const coll = this.apply({ op: 'createCollection', db: mutation.db, coll: mutation.coll, options: this.get(mutation.db, mutation.coll)?.options ?? {} });
        const spec = mutation.spec as IndexSpec;
        if (spec.name === ID_INDEX_NAME) return coll;
        if (coll!.findIndex(spec.name) !== undefined) coll!.dropIndex(spec.name);
        coll!.addIndex(spec);
        return coll;
      }
      case 'dropIndex':
        this.get(mutation.db, mutation.coll)?.dropIndex(mutation.name);
        return this.get(mutation.db, mutation.coll);
      case 'put': {
        const coll = this.get(mutation.db, mutation.coll) ?? this.apply({ op: 'createCollection', db: mutation.db, coll: mutation.coll, options: {} });
        coll!.put(mutation.doc);
        return coll;
      }
      case 'delete': {
        const coll = this.get(mutation.db, mutation.coll);
        coll?.remove(canonicalKey(mutation.id));
        return coll;
      }
    }
  }

  /** Called once replay has finished. */
  finishReplay(): void {
    for (const db of this.databases.values()) for (const coll of db.values()) coll.rebuildUniqueIndexes();
  }

  /**
   * The whole state as mutations, materialised now: storage serialises it in
   * the background, and stored documents are immutable so references suffice.
   */
  capture(): StoreMutation[] {
    const out: StoreMutation[] = [];
    for (const [db, colls] of this.databases) {
      for (const [name, coll] of colls) {
        out.push({ op: 'createCollection', db, coll: name, options: coll.options });
        for (const spec of coll.indexes) {
          if (spec.name !== ID_INDEX_NAME) out.push({ op: 'createIndex', db, coll: name, spec: spec as Document });
        }
        for (const doc of coll.docs.values()) out.push({ op: 'put', db, coll: name, doc });
      }
    }
    return out;
  }
}
