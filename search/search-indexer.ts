import { Types, type Connection } from 'mongoose';
import type { Client } from 'typesense';
import type { Logger } from '../server/core/logger';
import {
  collectionSchema,
  physicalName,
  type SearchBinding,
  type SearchDocument,
} from './search-collection';
import { searchOutboxModel } from './search-outbox.model';

export interface IndexerDeps {
  connection: Connection;
  client: Client;
  bindings: SearchBinding[];
  logger: Logger;
  /**
   * Settings kept per physical collection (synonyms) must be put on each newly
   * built one; called with its physical name before the alias switches to it.
   */
  onCollectionBuilt?: (physicalCollection: string) => Promise<void>;
}

export interface DrainResult {
  applied: number;
  failed: number;
}

export interface ReconcileResult {
  collection: string;
  upserted: number;
  deleted: number;
}

export type ProgressListener = (event: { collection: string; done: number; total: number }) => void;

const SCAN_BATCH = 500;
const MAX_BACKOFF_MS = 5 * 60_000;

function httpStatus(error: unknown): number | undefined {
  const status = (error as { httpStatus?: unknown }).httpStatus;
  return typeof status === 'number' ? status : undefined;
}

function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts, 16));
}

/** Typesense filter values in backticks may contain anything but a backtick. */
function idFilter(ids: string[]): string {
  return `id:[${ids.map((id) => `\`${id.replace(/`/g, '')}\``).join(',')}]`;
}

/**
 * Keeps Typesense in step with MongoDB. Services call `changed()` after their
 * writes; the change is first recorded in a durable outbox, then applied at
 * once when search is up. Whatever could not be applied is retried by the
 * drain job, and `reconcile()` repairs any drift that slipped past both.
 */
export function createSearchIndexer(deps: IndexerDeps) {
  const outbox = searchOutboxModel(deps.connection);
  const bindings = new Map(deps.bindings.map((binding) => [binding.definition.name, binding]));
  const log = deps.logger.child({ component: 'search-indexer' });

  function bindingFor(name: string): SearchBinding {
    const binding = bindings.get(name);
    if (!binding) throw new Error(`No search collection named ${name}`);
    return binding;
  }

  async function aliasTarget(name: string): Promise<string | undefined> {
    try {
      return (await deps.client.aliases(name).retrieve()).collection_name;
    } catch (error) {
      if (httpStatus(error) === 404) return undefined;
      throw error;
    }
  }

  async function collectionExists(name: string): Promise<boolean> {
    try {
      await deps.client.collections(name).retrieve();
      return true;
    } catch (error) {
      if (httpStatus(error) === 404) return false;
      throw error;
    }
  }

  async function dropCollection(name: string): Promise<void> {
    try {
      await deps.client.collections(name).delete();
    } catch (error) {
      if (httpStatus(error) !== 404) throw error;
    }
  }

  async function importDocuments(collection: string, documents: SearchDocument[]): Promise<void> {
    if (!documents.length) return;
    const results = await deps.client.collections<SearchDocument>(collection).documents().import(documents, { action: 'upsert' });
    const failures = results.filter((result) => !result.success);
    if (failures.length) throw new Error(`search import failed for ${failures.length} document(s): ${failures[0]?.error}`);
  }

  /**
   * Builds the collection for the current definition beside whatever the alias
   * points to, fills it from MongoDB, switches the alias, drops the old one and
   * reconciles the changes made while it was filling: readers never see an
   * empty or half-built collection.
   */
  async function rebuild(binding: SearchBinding, onProgress?: ProgressListener): Promise<{ collection: string; documents: number }> {
    const { definition, source } = binding;
    const target = `${physicalName(definition)}_${Date.now().toString(36)}`;
    const previous = await aliasTarget(definition.name);
    await dropCollection(target);
    await deps.client.collections().create(collectionSchema(definition, target));
    const total = await source.count();
    let done = 0;
    onProgress?.({ collection: definition.name, done, total });
    for await (const batch of source.scan(SCAN_BATCH)) {
      await importDocuments(target, batch);
      done += batch.length;
      onProgress?.({ collection: definition.name, done, total: Math.max(total, done) });
    }
    await deps.onCollectionBuilt?.(target);
    await deps.client.aliases().upsert(definition.name, { collection_name: target });
    if (previous && previous !== target) await dropCollection(previous);
    await reconcileBinding(binding);
    log.info({ collection: definition.name, physical: target, documents: done }, 'search collection built');
    return { collection: target, documents: done };
  }

  // False until every collection is known to exist, so that a platform started
  // while search was down builds its collections as soon as search returns.
  let collectionsReady = false;

  /** Start-up: make sure every alias points at a live collection of the current version. */
  async function ensureCollections(onProgress?: ProgressListener): Promise<void> {
    for (const binding of bindings.values()) {
      const current = await aliasTarget(binding.definition.name);
      const upToDate = current?.startsWith(`${physicalName(binding.definition)}_`) && (await collectionExists(current));
      if (!upToDate) await rebuild(binding, onProgress);
    }
    collectionsReady = true;
  }

  async function apply(binding: SearchBinding, ids: string[]): Promise<void> {
    const documents = await binding.source.load(ids);
    const present = new Set(documents.map((document) => document.id));
    const absent = ids.filter((id) => !present.has(id));
    const collection = deps.client.collections<SearchDocument>(binding.definition.name);
    try {
      await importDocuments(binding.definition.name, documents);
      if (absent.length) await collection.documents().delete({ filter_by: idFilter(absent) });
    } catch (error) {
      // The engine lost the collection (a restarted in-memory engine, an operator's
      // mistake): rebuilding it from MongoDB also covers these ids.
      if (httpStatus(error) === 404) {
        await rebuild(binding);
        return;
      }
      throw error;
    }
  }

  async function drain(options: { limit?: number; collectionName?: string; ids?: string[] } = {}): Promise<DrainResult> {
    if (!collectionsReady) {
      try {
        await ensureCollections();
      } catch (error) {
        log.warn({ err: (error as Error).message }, 'search collections not ready');
      }
    }
    const filter: Record<string, unknown> = { nextAttemptAt: { $lte: new Date() } };
    if (options.collectionName) filter.collectionName = options.collectionName;
    if (options.ids) filter.docId = { $in: options.ids };
    const rows = await outbox.find(filter).sort({ nextAttemptAt: 1 }).limit(options.limit ?? 500).lean();
    const groups = new Map<string, typeof rows>();
    for (const row of rows) {
      const group = groups.get(row.collectionName) ?? [];
      group.push(row);
      groups.set(row.collectionName, group);
    }
    const result: DrainResult = { applied: 0, failed: 0 };
    for (const [collectionName, group] of groups) {
      const binding = bindings.get(collectionName);
      try {
        if (!binding) throw new Error(`no search collection named ${collectionName}`);
        await apply(binding, group.map((row) => row.docId));
        await outbox.bulkWrite(group.map((row) => ({ deleteOne: { filter: { _id: row._id, token: row.token } } })));
        result.applied += group.length;
      } catch (error) {
        const message = (error as Error).message;
        await outbox.bulkWrite(
          group.map((row) => ({
            updateOne: {
              filter: { _id: row._id },
              update: {
                $inc: { attempts: 1 },
                $set: { lastError: message.slice(0, 500), nextAttemptAt: new Date(Date.now() + backoffMs(row.attempts)) },
              },
            },
          })),
        );
        result.failed += group.length;
        log.warn({ collection: collectionName, count: group.length, err: message }, 'search index update deferred');
      }
    }
    return result;
  }

  async function reconcileBinding(binding: SearchBinding): Promise<ReconcileResult> {
    const name = binding.definition.name;
    const exported = await deps.client.collections(name).documents().export({ include_fields: 'id,revision' });
    const indexed = new Map<string, number>();
    for (const line of exported.split('\n')) {
      if (!line.trim()) continue;
      const document = JSON.parse(line) as { id: string; revision?: number };
      indexed.set(document.id, document.revision ?? -1);
    }
    let upserted = 0;
    for await (const batch of binding.source.scan(SCAN_BATCH)) {
      const stale = batch.filter((document) => indexed.get(document.id) !== document.revision);
      for (const document of batch) indexed.delete(document.id);
      await importDocuments(name, stale);
      upserted += stale.length;
    }
    const extra = [...indexed.keys()];
    for (let start = 0; start < extra.length; start += SCAN_BATCH) {
      await deps.client.collections(name).documents().delete({ filter_by: idFilter(extra.slice(start, start + SCAN_BATCH)) });
    }
    if (upserted || extra.length) log.warn({ collection: name, upserted, deleted: extra.length }, 'search drift repaired');
    return { collection: name, upserted, deleted: extra.length };
  }

  return {
    ensureCollections,

    /** Records that these documents changed, then tries to index them at once. */
    async changed(collectionName: string, ids: string[]): Promise<void> {
      bindingFor(collectionName);
      if (!ids.length) return;
      const now = new Date();
      await outbox.bulkWrite(
        ids.map((docId) => ({
          updateOne: {
            filter: { collectionName, docId },
            update: { $set: { token: new Types.ObjectId(), nextAttemptAt: now }, $setOnInsert: { attempts: 0 } },
            upsert: true,
          },
        })),
        { ordered: false },
      );
      await drain({ collectionName, ids });
    },

    drain,

    async reconcile(): Promise<ReconcileResult[]> {
      const results: ReconcileResult[] = [];
      for (const binding of bindings.values()) {
        try {
          results.push(await reconcileBinding(binding));
        } catch (error) {
          if (httpStatus(error) !== 404) throw error;
          await rebuild(binding);
          results.push({ collection: binding.definition.name, upserted: await binding.source.count(), deleted: 0 });
        }
      }
      return results;
    },

    /** Rebuilds every collection from MongoDB with no downtime (npm run search:reindex). */
    async reindex(onProgress?: ProgressListener): Promise<Array<{ collection: string; documents: number }>> {
      const results = [];
      for (const binding of bindings.values()) results.push(await rebuild(binding, onProgress));
      return results;
    },

    async pending(): Promise<number> {
      return outbox.countDocuments();
    },
  };
}

export type SearchIndexer = ReturnType<typeof createSearchIndexer>;
