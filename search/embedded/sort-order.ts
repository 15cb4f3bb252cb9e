/**
 * `sort_by` parsing and comparison: schema fields, `_text_match` (optionally
 * bucketed), `_seq_id` and `_eval(...)` conditional boosts (a single filter,
 * or a weighted list where a document scores the weight of the first
 * expression it matches).
 */
import { ApiError, badRequest } from './api-error';
import { compileFilter, parseFilterBy, type FilterNode, type FilterSchema } from './filter/index';
import { isStringType, readPath, type CollectionSchema } from './schema';

export interface RankedHit {
  seq: number;
  /** The term index's short id, when the hit came through it (not for wildcard hits). */
  shortId?: number;
  doc: Record<string, unknown>;
  textMatch: number;
}

export interface SortKey {
  direction: 1 | -1;
  value: (hit: RankedHit) => number | string | undefined;
  /** `field(missing_values: first)`; by default documents without the value sort last. */
  missingFirst?: boolean;
  /** `_text_match(buckets: N)` or `_text_match(bucket_size: N)`; a 0 leaves the scores alone. */
  buckets?: { count: number } | { size: number };
  /** The key is `_text_match`. */
  textMatch?: true;
  /** Reading the value costs no more than looking it up (the text match, remembered `_eval` scores): `topHits` keeps no copy. */
  direct?: true;
  /** The value of every document of the term index by short id (NaN where it has none), when known at once: `ShortIdTop` ranks by it. */
  column?: () => Float64Array | undefined;
}

const MAX_SORT_FIELDS = 3;
const NUMERIC_SORT_TYPES = new Set(['int32', 'int64', 'float']);
/** Typesense buckets only the best 250 hits (its default topster size), so deep pages keep plain relevance order. */
export const MAX_BUCKETED_HITS = 250;

function parseTextMatchBuckets(expression: string): SortKey['buckets'] {
  const inner = /^_text_match\s*\((.*)\)$/s.exec(expression)?.[1];
  if (inner === undefined || inner.trim() === '') return undefined;
  const match = /^\s*(buckets|bucket_size)\s*:\s*(\S+)\s*$/.exec(inner);
  if (!match) throw badRequest(`Invalid sort format for \`_text_match\`: \`${expression}\`; expected \`buckets\` or \`bucket_size\`.`);
  const value = Number(match[2]);
  if (!Number.isInteger(value) || value < 0) throw badRequest(`Invalid value for \`${match[1]}\` in \`_text_match\`: it must be a non-negative integer.`);
  if (value === 0) return undefined;
  return match[1] === 'buckets' ? { count: value } : { size: value };
}

/** Splits on commas that are not inside parentheses, brackets or backticks. */
export function splitTopLevel(input: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const ch of input) {
    if (ch === '`') quoted = !quoted;
    else if (!quoted && (ch === '(' || ch === '[')) depth += 1;
    else if (!quoted && (ch === ')' || ch === ']')) depth -= 1;
    if (ch === ',' && depth === 0 && !quoted) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

function parseDirection(raw: string | undefined, expression: string): 1 | -1 {
  const direction = (raw ?? '').trim().toLowerCase();
  if (direction === 'asc') return 1;
  if (direction === 'desc') return -1;
  throw badRequest(`Order for field\` ${expression}\` should be either ASC or DESC.`);
}

/** The filters of an `_eval(...)` expression (what is inside the parentheses) with their weights: one filter weighs 1. */
export function evalBranches(inner: string, schema: FilterSchema): Array<{ node: FilterNode; weight: number }> {
  const trimmed = inner.trim();
  if (!trimmed.startsWith('[')) return [{ node: parseFilterBy(trimmed, schema), weight: 1 }];
  if (!trimmed.endsWith(']')) throw badRequest('Error parsing eval expression in sort_by clause.');
  return splitTopLevel(trimmed.slice(1, -1)).map((part) => {
    const match = /^\((.*)\)\s*:\s*(-?\d+(?:\.\d+)?)$/s.exec(part);
    if (!match) throw badRequest('Error parsing eval expression in sort_by clause.');
    return { node: parseFilterBy(match[1]!, schema), weight: Number(match[2]) };
  });
}

function evalScorer(inner: string, schema: FilterSchema): (hit: RankedHit) => number {
  const branches = evalBranches(inner, schema).map(({ node, weight }) => ({ predicate: compileFilter(node), weight }));
  return (hit) => {
    for (const branch of branches) if (branch.predicate(hit.doc)) return branch.weight;
    return 0;
  };
}

/**
 * `_eval` scores already computed, for one expression. Searches that run back
 * to back with no write in between (a multi_search) may share them: every
 * probe of a match sorts by the same boosts.
 */
export class ScoreMemo {
  private readonly byShortId: Float64Array;
  /** 1 where `byShortId` holds a score: arrays come zeroed, so a search that scores a few documents pays for no fill. Undefined when every score is settled. */
  private readonly known: Uint8Array | undefined;
  private readonly bySeq = new Map<number, number>();

  /**
   * `capacity`: one more than the largest short id of the collection's term
   * index. `settled`: every document's score at once, by short id
   * (`filterBitset` of each branch), read and never written.
   */
  constructor(capacity: number, settled?: Float64Array) {
    this.byShortId = settled ?? new Float64Array(capacity);
    this.known = settled ? undefined : new Uint8Array(capacity);
  }

  /** Every document's score by short id, once settled. */
  scores(): Float64Array | undefined {
    return this.known ? undefined : this.byShortId;
  }

  scoreOf(hit: RankedHit, score: (hit: RankedHit) => number): number {
    const shortId = hit.shortId ?? -1;
    if (shortId >= 0 && shortId < this.byShortId.length) {
      if (this.known?.[shortId] === 0) {
        this.byShortId[shortId] = score(hit);
        this.known[shortId] = 1;
      }
      return this.byShortId[shortId]!;
    }
    let value = this.bySeq.get(hit.seq);
    if (value === undefined) this.bySeq.set(hit.seq, (value = score(hit)));
    return value;
  }
}

export type EvalScores = (expression: string) => ScoreMemo;

function remembered(score: (hit: RankedHit) => number, scores: ScoreMemo): (hit: RankedHit) => number {
  return (hit) => scores.scoreOf(hit, score);
}

/**
 * `evalScores`: `_eval` scores shared by the searches of a batch;
 * `numberColumn`: a numeric field's values by short id (`FilterColumns.numbers`).
 */
export function parseSortBy(sortBy: string | undefined, schema: CollectionSchema, textQuery: boolean, evalScores?: EvalScores, numberColumn?: (field: string) => Float64Array | undefined): SortKey[] {
  const clauses = sortBy && sortBy.trim() !== '' ? splitTopLevel(sortBy) : defaultClauses(schema, textQuery);
  if (clauses.length > MAX_SORT_FIELDS) throw badRequest('Only upto 3 sort_by fields can be specified.');
  const keys: SortKey[] = clauses.map((clause) => {
    const colon = clause.lastIndexOf(':');
    if (colon < 0) throw badRequest(`Bad syntax for sorting field \`${clause}\``);
    const expression = clause.slice(0, colon).trim();
    const direction = parseDirection(clause.slice(colon + 1), expression);
    if (expression.startsWith('_eval(') && expression.endsWith(')')) {
      const score = evalScorer(expression.slice('_eval('.length, -1), schema);
      if (!evalScores) return { direction, value: score };
      const memo = evalScores(expression);
      return { direction, value: remembered(score, memo), direct: true, column: () => memo.scores() };
    }
    const name = expression.replace(/\(.*\)$/s, '').trim();
    if (name === '_text_match') {
      const buckets = parseTextMatchBuckets(expression);
      return { direction, value: (hit) => hit.textMatch, textMatch: true, direct: true, ...(buckets ? { buckets } : {}) };
    }
    if (name === '_seq_id') return { direction, value: (hit) => hit.seq };
    const field = schema.declared(name);
    if (!field || !field.sort || field.type.endsWith('[]') || field.type === 'object') {
      throw new ApiError(404, `Could not find a field named \`${name}\` in the schema for sorting.`);
    }
    const missingFirst = /missing_values\s*:\s*first/.test(expression);
    if (isStringType(field.type)) {
      return {
        direction,
        missingFirst,
        value: (hit) => {
          const v = readPath(hit.doc, name);
          return typeof v === 'string' ? v : undefined;
        },
      };
    }
    return {
      direction,
      value: (hit) => {
        const v = readPath(hit.doc, name);
        if (typeof v === 'number') return v;
        if (typeof v === 'boolean') return v ? 1 : 0;
        return undefined;
      },
      missingFirst,
      ...(numberColumn && NUMERIC_SORT_TYPES.has(field.type) ? { column: () => numberColumn(name) } : {}),
    };
  });
  return keys;
}

function defaultClauses(schema: CollectionSchema, textQuery: boolean): string[] {
  const clauses = textQuery ? ['_text_match:desc'] : [];
  if (schema.options.default_sorting_field) clauses.push(`${schema.options.default_sorting_field}:desc`);
  return clauses;
}

/**
 * How two values of one sort key order: negative when the left one sorts
 * first, 0 when the next key decides. A missing value (undefined, or NaN in a
 * column) sorts last unless the key says `missing_values: first`.
 */
function keyOrder(key: SortKey, left: number | string | undefined, right: number | string | undefined): number {
  if (left === right) return 0;
  const leftMissing = left === undefined || left !== left;
  const rightMissing = right === undefined || right !== right;
  if (leftMissing && rightMissing) return 0;
  if (leftMissing) return key.missingFirst ? -1 : 1;
  if (rightMissing) return key.missingFirst ? 1 : -1;
  return (left < right ? -1 : 1) * key.direction;
}

/**
 * The first `count` hits in sort order: by the keys, then by descending
 * sequence id (newest first) as Typesense breaks ties. That order is total, so
 * this equals sorting everything and slicing. A bounded heap keeps the best
 * `count` seen so far; a key's value is computed only when a comparison gets to
 * that key, so `_eval` filters and later keys mostly run on near-ties, and a
 * result set of tens of thousands of hits is never fully sorted.
 */
export function topHits<T extends RankedHit>(hits: T[], keys: SortKey[], count: number): T[] {
  const columns = keys.map((key) => (key.direct ? undefined : new Array<number | string | undefined>(hits.length)));
  const known = keys.map((key) => (key.direct ? undefined : new Uint8Array(hits.length)));
  const valueAt = (k: number, i: number): number | string | undefined => {
    const column = columns[k];
    if (column === undefined) return keys[k]!.value(hits[i]!);
    if (known[k]![i] === 0) {
      column[i] = keys[k]!.value(hits[i]!);
      known[k]![i] = 1;
    }
    return column[i];
  };
  /** Negative when hit a sorts before hit b. */
  const compare = (a: number, b: number): number => {
    for (let k = 0; k < keys.length; k += 1) {
      // The text match is read in place: through a key's function every comparison boxed a double.
      const left = keys[k]!.textMatch ? hits[a]!.textMatch : valueAt(k, a);
      const right = keys[k]!.textMatch ? hits[b]!.textMatch : valueAt(k, b);
      const order = keyOrder(keys[k]!, left, right);
      if (order !== 0) return order;
    }
    return hits[b]!.seq - hits[a]!.seq;
  };
  const limit = Math.min(count, hits.length);
  // Max-heap on sort position: the root is the last of the best `limit` so far.
  const heap: number[] = [];
  const siftDown = (from: number): void => {
    let at = from;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= heap.length) return;
      const right = left + 1;
      const later = right < heap.length && compare(heap[right]!, heap[left]!) > 0 ? right : left;
      if (compare(heap[later]!, heap[at]!) <= 0) return;
      [heap[at], heap[later]] = [heap[later]!, heap[at]!];
      at = later;
    }
  };
  for (let i = 0; i < hits.length && limit > 0; i += 1) {
    if (heap.length < limit) {
      heap.push(i);
      for (let at = heap.length - 1; at > 0; ) {
        const parent = (at - 1) >> 1;
        if (compare(heap[at]!, heap[parent]!) <= 0) break;
        [heap[at], heap[parent]] = [heap[parent]!, heap[at]!];
        at = parent;
      }
    } else if (compare(i, heap[0]!) < 0) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort(compare).map((i) => hits[i]!);
}

/**
 * Applies `_text_match(buckets: N)` / `_text_match(bucket_size: N)` to hits
 * already in sort order, as Typesense does: the best 250 are cut into blocks
 * (N equal blocks, or blocks of N), every hit in a block takes the text-match
 * score of the block's first hit, and those 250 are sorted again, so the next
 * sort keys (popularity, `_eval` boosts) decide within a block. The scores in
 * the response stay the real ones. `buckets` larger than the hit count leaves
 * the order unchanged.
 */
export function bucketTextMatch<T extends RankedHit>(ordered: T[], keys: SortKey[]): T[] {
  const at = keys.findIndex((key) => key.buckets !== undefined);
  if (at < 0) return ordered;
  const buckets = keys[at]!.buckets!;
  const bucketed = Math.min(MAX_BUCKETED_HITS, ordered.length);
  if ('count' in buckets && bucketed < buckets.count) return ordered;
  const blockLength = 'count' in buckets ? Math.floor(bucketed / buckets.count) : buckets.size;
  const anchors = new Map<RankedHit, number>();
  for (let start = 0; start < bucketed; start += blockLength) {
    const anchor = ordered[start]!.textMatch;
    for (let i = start; i < Math.min(start + blockLength, bucketed); i += 1) anchors.set(ordered[i]!, anchor);
  }
  const bucketedKeys = keys.map((key, k): SortKey => (k === at ? { direction: key.direction, value: (hit: RankedHit) => anchors.get(hit) } : key));
  return [...topHits(ordered.slice(0, bucketed), bucketedKeys, bucketed), ...ordered.slice(bucketed)];
}

/**
 * The first `count` documents named by short id in `topHits` order, kept in a
 * bounded heap of short ids and scores: when every sort key reads a column
 * by short id or is the text match, tens of thousands of documents reached by
 * a common word need no hit object each, and the many tied on the text match
 * are told apart without a call per comparison.
 */
export class ShortIdTop {
  private readonly ids: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  private constructor(
    private readonly count: number,
    private readonly keys: SortKey[],
    /** `columns[k]` for key k; undefined for text-match keys. */
    private readonly columns: Array<Float64Array | undefined>,
    private readonly seqOf: (shortId: number) => number,
  ) {
    this.ids = new Int32Array(count);
    this.scores = new Float64Array(count);
    this.textFirst = keys[0]?.textMatch === true && keys[0].direction === -1;
  }

  /** The first key is `_text_match:desc`. */
  private readonly textFirst: boolean;

  /** Undefined when a key has no column (string fields, `_eval` filters that need the documents, `_seq_id`). */
  static of(count: number, keys: SortKey[], seqOf: (shortId: number) => number): ShortIdTop | undefined {
    const columns: Array<Float64Array | undefined> = [];
    for (const key of keys) {
      if (key.textMatch) {
        if (key.buckets) return undefined;
        columns.push(undefined);
        continue;
      }
      const column = key.column?.();
      if (!column) return undefined;
      columns.push(column);
    }
    return new ShortIdTop(count, keys, columns, seqOf);
  }

  /** Negative when (a, its score) sorts before (b, its score). */
  private compare(a: number, aScore: number, b: number, bScore: number): number {
    const { keys, columns } = this;
    for (let k = 0; k < keys.length; k += 1) {
      const column = columns[k];
      const order = keyOrder(keys[k]!, column ? column[a] : aScore, column ? column[b] : bScore);
      if (order !== 0) return order;
    }
    return this.seqOf(b) - this.seqOf(a);
  }

  private swap(i: number, j: number): void {
    const id = this.ids[i]!;
    const score = this.scores[i]!;
    this.ids[i] = this.ids[j]!;
    this.scores[i] = this.scores[j]!;
    this.ids[j] = id;
    this.scores[j] = score;
  }

  /** The root holds the kept document that sorts last. */
  private later(i: number, j: number): boolean {
    return this.compare(this.ids[i]!, this.scores[i]!, this.ids[j]!, this.scores[j]!) > 0;
  }

  offer(shortId: number, score: number): void {
    if (this.count === 0) return;
    // Most documents a common word reaches fall below the kept text matches at once.
    if (this.size === this.count && this.textFirst && score < this.scores[0]!) return;
    if (this.size < this.count) {
      let at = this.size;
      this.ids[at] = shortId;
      this.scores[at] = score;
      this.size += 1;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!this.later(at, parent)) break;
        this.swap(at, parent);
        at = parent;
      }
      return;
    }
    if (this.compare(shortId, score, this.ids[0]!, this.scores[0]!) >= 0) return;
    this.ids[0] = shortId;
    this.scores[0] = score;
    for (let at = 0; ; ) {
      const left = 2 * at + 1;
      if (left >= this.size) return;
      const right = left + 1;
      const child = right < this.size && this.later(right, left) ? right : left;
      if (!this.later(child, at)) return;
      this.swap(child, at);
      at = child;
    }
  }

  /** The kept documents, first in sort order first. */
  ordered(): Array<{ shortId: number; score: number }> {
    const kept = Array.from({ length: this.size }, (_, i) => ({ shortId: this.ids[i]!, score: this.scores[i]! }));
    return kept.sort((a, b) => this.compare(a.shortId, a.score, b.shortId, b.score));
  }
}
