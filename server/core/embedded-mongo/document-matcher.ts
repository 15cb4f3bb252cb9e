import type { Document } from 'bson';
import { canonicalKey } from './bson-bridge';
import type { CollectionStore } from './collection-store';
import { assertNoProtoKeys } from './field-path-guard';
import { MongoCommandError } from './mongo-error';
import { compileFilter, sortDocuments, validateSortSpec } from './query-engine';

export interface MatchOptions {
  sort?: unknown;
  skip?: number;
  /** 0 or undefined: no limit. */
  limit?: number;
}

function isPlainValue(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value) || value instanceof RegExp) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return true;
  return !Object.keys(value).some((k) => k.startsWith('$'));
}

/** `_id` values a filter pins down, so the lookup is a map read instead of a scan. */
function idCandidates(filter: Document): unknown[] | undefined {
  if (!Object.prototype.hasOwnProperty.call(filter, '_id')) return undefined;
  const id = filter._id;
  if (isPlainValue(id)) return [id];
  if (typeof id === 'object' && id !== null && Object.getPrototypeOf(id) === Object.prototype) {
    const keys = Object.keys(id);
    if (keys.length === 1 && keys[0] === '$eq' && isPlainValue(id.$eq)) return [id.$eq];
    if (keys.length === 1 && keys[0] === '$in' && Array.isArray(id.$in) && id.$in.every(isPlainValue)) return id.$in;
  }
  return undefined;
}

/** The `_id` value when `filter` is exactly one `_id` equality, which a map read answers completely. */
export function soleIdEquality(filter: Document): { id: unknown } | undefined {
  if (Object.keys(filter).length !== 1) return undefined;
  const ids = idCandidates(filter);
  return ids?.length === 1 ? { id: ids[0] } : undefined;
}

/** Documents of `coll` matching `filter`, sorted, skipped and limited like a find. */
export function findMatches(coll: CollectionStore | undefined, filter: Document | undefined, options: MatchOptions = {}): Document[] {
  if (filter !== undefined && filter !== null && (typeof filter !== 'object' || Array.isArray(filter))) {
    throw new MongoCommandError('TypeMismatch', "BSON field 'filter' is the wrong type, expected type 'object'");
  }
  assertNoProtoKeys(filter, 'A query filter');
  assertNoProtoKeys(options.sort, 'A sort specification');
  const sort = options.sort === undefined || options.sort === null ? undefined : validateSortSpec(options.sort);
  if (coll === undefined) return [];
  const ids = filter ? idCandidates(filter) : undefined;
  // A lone `_id` equality is fully answered by the canonical-key lookup.
  const test = ids !== undefined && Object.keys(filter!).length === 1 ? () => true : compileFilter(filter ?? undefined);
  const skip = options.skip ?? 0;
  const limit = options.limit ?? 0;
  if (skip < 0) throw new MongoCommandError('BadValue', 'skip value must be non-negative');

  let source: Iterable<Document> = coll.docs.values();
  if (ids !== undefined) {
    const seen = new Set<string>();
    const found: Document[] = [];
    for (const id of ids) {
      const key = canonicalKey(id);
      if (seen.has(key)) continue;
      seen.add(key);
      const doc = coll.get(key);
      if (doc !== undefined) found.push(doc);
    }
    source = found;
  }

  const hasSort = sort !== undefined && Object.keys(sort).length > 0;
  const out: Document[] = [];
  let skipped = 0;
  for (const doc of source) {
    if (!test(doc)) continue;
    if (!hasSort) {
      if (skipped < skip) {
        skipped += 1;
        continue;
      }
      out.push(doc);
      if (limit > 0 && out.length >= limit) break;
    } else {
      out.push(doc);
    }
  }
  if (!hasSort) return out;
  const sorted = sortDocuments(out, sort, limit > 0 ? skip + limit : undefined);
  return sorted.slice(skip);
}
