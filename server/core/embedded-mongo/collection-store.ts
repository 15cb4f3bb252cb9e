import { Binary, UUID, type Document } from 'bson';
import { resolve } from 'mingo/util';
import { canonicalKey, formatValue } from './bson-bridge';
import { MongoCommandError } from './mongo-error';
import { compileFilter } from './query-engine';

export const ID_INDEX_NAME = '_id_';

/** An index as listIndexes reports it (`{ v, key, name, ...options }`). */
export type IndexSpec = Document & { key: Document; name: string };

interface UniqueIndex {
  spec: IndexSpec;
  fields: string[];
  matches: (doc: Document) => boolean;
  /** index key → canonical `_id` key of the owning document */
  entries: Map<string, string>;
}

/** Index key values of one document; arrays expand into one entry per element (multikey). */
function indexKeyTuples(doc: Document, fields: string[]): unknown[][] {
  let tuples: unknown[][] = [[]];
  for (const field of fields) {
    const raw = resolve(doc, field);
    const values = Array.isArray(raw) ? (raw.length === 0 ? [undefined] : raw.flat()) : [raw];
    const distinct = new Map(values.map((v) => [canonicalKey(v), v]));
    tuples = tuples.flatMap((t) => [...distinct.values()].map((v) => [...t, v]));
  }
  return tuples;
}

function tupleKey(tuple: unknown[]): string {
  return tuple.map(canonicalKey).join('\u0000');
}

export function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([field, dir]) => `${field}_${String(dir)}`)
    .join('_');
}

/**
 * One collection: documents by canonical `_id` (O(1) point reads, insertion
 * order preserved for natural order) plus unique-index maps. Stored documents
 * are never mutated; writers replace them.
 */
export class CollectionStore {
  readonly docs = new Map<string, Document>();
  readonly indexes: IndexSpec[] = [{ v: 2, key: { _id: 1 }, name: ID_INDEX_NAME }];
  readonly uuid: Binary = new UUID();
  private readonly unique: UniqueIndex[] = [];

  constructor(
    readonly db: string,
    readonly name: string,
    public options: Document,
  ) {}

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get(idKey: string): Document | undefined {
    return this.docs.get(idKey);
  }

  /** Throws E11000 if `doc` would violate the `_id` or a unique index (ignoring `replacing` itself). */
  checkUnique(doc: Document, replacing?: Document): void {
    const idKey = canonicalKey(doc._id);
    const ownerKey = replacing === undefined ? undefined : canonicalKey(replacing._id);
    if (this.docs.has(idKey) && idKey !== ownerKey) {
      throw this.duplicateKeyError(this.indexes[0], { _id: doc._id });
    }
    for (const index of this.unique) {
      if (!index.matches(doc)) continue;
      for (const tuple of indexKeyTuples(doc, index.fields)) {
        const owner = index.entries.get(tupleKey(tuple));
        if (owner !== undefined && owner !== ownerKey) {
          throw this.duplicateKeyError(index.spec, Object.fromEntries(index.fields.map((f, i) => [f, tuple[i] ?? null])));
        }
      }
    }
  }

  /** Stores a new or replacement document; callers run `checkUnique` first. */
  put(doc: Document): void {
    const idKey = canonicalKey(doc._id);
    const previous = this.docs.get(idKey);
    if (previous !== undefined) this.unindex(previous);
    this.docs.set(idKey, doc);
    this.indexDoc(doc);
  }

  remove(idKey: string): Document | undefined {
    const doc = this.docs.get(idKey);
    if (doc === undefined) return undefined;
    this.unindex(doc);
    this.docs.delete(idKey);
    return doc;
  }

  findIndex(name: string): IndexSpec | undefined {
    return this.indexes.find((i) => i.name === name);
  }

  /** Throws E11000 if existing documents already violate a unique `spec`. */
  checkIndexBuild(spec: IndexSpec): void {
    if (spec.unique !== true) return;
    const index = this.buildUnique(spec);
    for (const doc of this.docs.values()) this.addEntries(index, doc, true);
  }

  addIndex(spec: IndexSpec): void {
    if (spec.unique === true && spec.name !== ID_INDEX_NAME) {
      const index = this.buildUnique(spec);
      for (const doc of this.docs.values()) this.addEntries(index, doc, false);
      this.unique.push(index);
    }
    this.indexes.push(spec);
  }

  dropIndex(name: string): void {
    const at = this.indexes.findIndex((i) => i.name === name);
    if (at >= 0) this.indexes.splice(at, 1);
    const u = this.unique.findIndex((i) => i.spec.name === name);
    if (u >= 0) this.unique.splice(u, 1);
  }

  /** Replaces an index's options in place (collMod), keeping its entries. */
  updateIndex(spec: IndexSpec): void {
    const at = this.indexes.findIndex((i) => i.name === spec.name);
    if (at >= 0) this.indexes[at] = spec;
    const u = this.unique.find((i) => i.spec.name === spec.name);
    if (u !== undefined) u.spec = spec;
  }

  /**
   * Rebuilds unique-index entries from the documents. Replaying a snapshot plus
   * the journal that overlaps it can transiently index two owners of one key.
   */
  rebuildUniqueIndexes(): void {
    for (const index of this.unique) {
      index.entries.clear();
      for (const doc of this.docs.values()) this.addEntries(index, doc, false);
    }
  }

  private buildUnique(spec: IndexSpec): UniqueIndex {
    const fields = Object.keys(spec.key);
    const partial = spec.partialFilterExpression === undefined ? () => true : compileFilter(spec.partialFilterExpression as Document);
    const sparse = spec.sparse === true;
    const matches = (doc: Document): boolean => {
      if (sparse && fields.every((f) => resolve(doc, f) === undefined)) return false;
      return partial(doc);
    };
    return { spec, fields, matches, entries: new Map() };
  }

  /** `strict` refuses duplicates (index builds); puts are pre-checked by `checkUnique`. */
  private addEntries(index: UniqueIndex, doc: Document, strict: boolean): void {
    if (!index.matches(doc)) return;
    const idKey = canonicalKey(doc._id);
    for (const tuple of indexKeyTuples(doc, index.fields)) {
      const key = tupleKey(tuple);
      const owner = index.entries.get(key);
      if (strict && owner !== undefined && owner !== idKey) {
        throw this.duplicateKeyError(index.spec, Object.fromEntries(index.fields.map((f, i) => [f, tuple[i] ?? null])));
      }
      index.entries.set(key, idKey);
    }
  }

  private indexDoc(doc: Document): void {
    for (const index of this.unique) this.addEntries(index, doc, false);
  }

  private unindex(doc: Document): void {
    const idKey = canonicalKey(doc._id);
    for (const index of this.unique) {
      if (!index.matches(doc)) continue;
      for (const tuple of indexKeyTuples(doc, index.fields)) {
        const key = tupleKey(tuple);
        if (index.entries.get(key) === idKey) index.entries.delete(key);
      }
    }
  }

  private duplicateKeyError(spec: IndexSpec, keyValue: Document): MongoCommandError {
    const rendered = Object.entries(keyValue)
      .map(([k, v]) => `${k}: ${formatValue(v)}`)
      .join(', ');
    return new MongoCommandError('DuplicateKey', `E11000 duplicate key error collection: ${this.ns} index: ${spec.name} dup key: { ${rendered} }`, {
      keyPattern: { ...spec.key },
      keyValue,
    });
  }
}
