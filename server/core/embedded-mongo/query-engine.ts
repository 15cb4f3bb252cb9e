import type { Document } from 'bson';
import { Aggregator } from 'mingo/aggregator';
import { Context, ProcessingMode } from 'mingo/core';
import { Lazy, type Iterator } from 'mingo/lazy';
import * as accumulatorOps from 'mingo/operators/accumulator';
import * as expressionOps from 'mingo/operators/expression';
import * as pipelineOps from 'mingo/operators/pipeline';
import * as projectionOps from 'mingo/operators/projection';
import * as queryOps from 'mingo/operators/query';
import * as windowOps from 'mingo/operators/window';
import { Query } from 'mingo/query';
import { update as applyUpdateOperators } from 'mingo/updater';
import type { Options } from 'mingo/types';
import { resolve } from 'mingo/util';
import { canonicalKey, compareValues, matchesBsonType, sameTypeBracket, valuesEqual } from './bson-bridge';
import { MongoCommandError } from './mongo-error';

/**
 * mingo configured for MongoDB semantics on BSON values: comparison, `$in` and
 * `$type` use the BSON bridge (numeric equality across types, type bracketing),
 * `$sort` uses MongoDB's cross-type order, and hashing understands BSON values.
 */

/** Candidate values a path contributes to a match: the value itself and, for arrays, their elements. */
function candidates(value: unknown, nested: boolean): unknown[] {
  if (!Array.isArray(value)) return [value];
  const out: unknown[] = [value, ...value];
  if (nested) for (const v of value) if (Array.isArray(v)) out.push(...v);
  return out;
}

function pathOperator(makePredicate: (operand: unknown) => (value: unknown, nested: boolean) => boolean) {
  return (selector: string, operand: unknown) => {
    const test = makePredicate(operand);
    const nested = selector.includes('.');
    return (doc: unknown) => test(resolve(doc as Document, selector, { unwrapArray: true }), nested);
  };
}

function equalityPredicate(target: unknown): (value: unknown, nested: boolean) => boolean {
  if (target instanceof RegExp) {
    return (value, nested) =>
      candidates(value, nested).some((v) => (typeof v === 'string' && target.test(v)) || (v instanceof RegExp && valuesEqual(v, target)));
  }
  if (target === null || target === undefined) {
    return (value, nested) => value === undefined || candidates(value, nested).some((v) => v === null || v === undefined);
  }
  return (value, nested) => candidates(value, nested).some((v) => valuesEqual(v, target));
}

function rangePredicate(accept: (order: number) => boolean): (operand: unknown) => (value: unknown, nested: boolean) => boolean {
  return (operand) => (value, nested) => {
    if ((operand === null) && accept(0) && value === undefined) return true;
    return candidates(value, nested).some((v) => (v === undefined ? operand === null && accept(0) : sameTypeBracket(v, operand) && accept(compareValues(v, operand))));
  };
}

function inPredicate(operand: unknown): (value: unknown, nested: boolean) => boolean {
  if (!Array.isArray(operand)) throw new MongoCommandError('BadValue', '$in needs an array');
  const tests = operand.map(equalityPredicate);
  return (value, nested) => tests.some((t) => t(value, nested));
}

const bsonQueryOps = {
  $eq: pathOperator(equalityPredicate),
  $ne: pathOperator((operand) => {
    const eq = equalityPredicate(operand);
    return (value, nested) => !eq(value, nested);
  }),
  $gt: pathOperator(rangePredicate((c) => c > 0)),
  $gte: pathOperator(rangePredicate((c) => c >= 0)),
  $lt: pathOperator(rangePredicate((c) => c < 0)),
  $lte: pathOperator(rangePredicate((c) => c <= 0)),
  $in: pathOperator(inPredicate),
  $nin: pathOperator((operand) => {
    const test = inPredicate(operand);
    return (value, nested) => !test(value, nested);
  }),
  $type: pathOperator((operand) => {
    const specs = Array.isArray(operand) ? operand : [operand];
    return (value, nested) =>
      value !== undefined && candidates(value, nested).some((v) => specs.some((s) => matchesBsonType(v, s)));
  }),
};

/** Sort keys of one document for one field: arrays sort by their smallest (asc) or largest (desc) element. */
function sortKey(doc: Document, path: string, direction: number): unknown {
  const value = resolve(doc, path);
  if (!Array.isArray(value)) return value ?? null;
  const flat = value.flat();
  if (flat.length === 0) return undefined;
  return flat.reduce((best, v) => (compareValues(v, best) * direction < 0 ? v : best));
}

export type SortSpec = Record<string, number>;

export function validateSortSpec(spec: unknown): SortSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new MongoCommandError('BadValue', 'sort must be an object');
  }
  const out: SortSpec = {};
  for (const [key, dir] of Object.entries(spec as Document)) {
    const n = Number(typeof dir === 'object' && dir !== null ? Number.NaN : dir);
    if (n !== 1 && n !== -1) {
      throw new MongoCommandError('BadValue', `$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
    }
    out[key] = n;
  }
  return out;
}

interface Keyed<T> {
  doc: T;
  index: number;
  keys: unknown[];
}

/**
 * Stable sort in MongoDB order; returns a new array. With `keep`, only the
 * first `keep` documents of that order are returned, selected through a bounded
 * heap so a limited sort costs O(n log keep) instead of sorting every match.
 */
export function sortDocuments<T extends Document>(docs: T[], spec: SortSpec, keep = Number.POSITIVE_INFINITY): T[] {
  const fields = Object.entries(spec);
  if (fields.length === 0) return docs.slice(0, keep);
  const compare = (a: Keyed<T>, b: Keyed<T>): number => {
    for (let i = 0; i < fields.length; i++) {
      const c = compareValues(a.keys[i], b.keys[i]) * fields[i][1];
      if (c !== 0) return c;
    }
    return a.index - b.index;
  };
  const keyed = (doc: T, index: number): Keyed<T> => ({ doc, index, keys: fields.map(([path, dir]) => sortKey(doc, path, dir)) });
  if (keep >= docs.length) return docs.map(keyed).sort(compare).map((k) => k.doc);
  if (keep <= 0) return [];
  // A max-heap of the best `keep` so far: its root is the one to evict next.
  const heap: Keyed<T>[] = [];
  const siftDown = (from: number): void => {
    for (let at = from; ; ) {
      const left = 2 * at + 1;
      const right = left + 1;
      let largest = at;
      if (left < heap.length && compare(heap[left], heap[largest]) > 0) largest = left;
      if (right < heap.length && compare(heap[right], heap[largest]) > 0) largest = right;
      if (largest === at) return;
      [heap[at], heap[largest]] = [heap[largest], heap[at]];
      at = largest;
    }
  };
  for (let index = 0; index < docs.length; index++) {
    const entry = keyed(docs[index], index);
    if (heap.length < keep) {
      heap.push(entry);
      for (let at = heap.length - 1; at > 0; ) {
        const parent = (at - 1) >> 1;
        if (compare(heap[at], heap[parent]) <= 0) break;
        [heap[at], heap[parent]] = [heap[parent], heap[at]];
        at = parent;
      }
    } else if (compare(entry, heap[0]) < 0) {
      heap[0] = entry;
      siftDown(0);
    }
  }
  return heap.sort(compare).map((k) => k.doc);
}

const bsonPipelineOps = {
  $sort: (coll: Iterator, spec: unknown) => coll.transform((docs: Document[]) => Lazy(sortDocuments(docs, validateSortSpec(spec)))),
};

type ContextOperators = NonNullable<Parameters<typeof Context.init>[0]>;

const context = Context.init({
  query: { ...queryOps, ...bsonQueryOps },
  expression: expressionOps,
  accumulator: accumulatorOps,
  pipeline: { ...pipelineOps, ...bsonPipelineOps },
  projection: projectionOps,
  window: windowOps,
} as unknown as ContextOperators);

function hashValue(value: unknown): number {
  const key = canonicalKey(value);
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return h >>> 0;
}

const baseOptions: Partial<Options> = {
  context,
  idKey: '_id',
  useStrictMode: true,
  scriptEnabled: false,
  hashFunction: hashValue,
} as Partial<Options>;

export type CollectionResolver = (name: string) => Document[];

export function compileFilter(filter: Document | undefined): (doc: Document) => boolean {
  if (filter === undefined || filter === null || Object.keys(filter).length === 0) return () => true;
  if (typeof filter !== 'object' || Array.isArray(filter)) {
    throw new MongoCommandError('BadValue', 'filter must be an object');
  }
  const query = new Query(filter, baseOptions);
  return (doc) => query.test(doc);
}

export function projectDocuments(docs: Document[], projection: Document | undefined): Document[] {
  if (projection === undefined || projection === null || Object.keys(projection).length === 0) return docs;
  return new Query({}, baseOptions).find(docs, projection).all() as Document[];
}

export function runPipeline(docs: Document[], pipeline: Document[], resolveCollection: CollectionResolver): Document[] {
  const aggregator = new Aggregator(pipeline, {
    ...baseOptions,
    // Stages such as $addFields would otherwise edit stored documents in place.
    processingMode: ProcessingMode.CLONE_INPUT,
    collectionResolver: resolveCollection,
  } as Partial<Options>);
  return aggregator.run(docs) as Document[];
}

/**
 * Applies update operators to `doc` in place (the caller passes a private copy).
 * `condition` lets the positional `$` operator find the matched array element.
 * Returns the modified paths; empty means the update was a no-op.
 */
export function applyOperators(doc: Document, modifier: Document, arrayFilters: Document[] | undefined, condition: Document): string[] {
  return applyUpdateOperators(doc, modifier, arrayFilters, condition, { cloneMode: 'deep', queryOptions: baseOptions });
}
