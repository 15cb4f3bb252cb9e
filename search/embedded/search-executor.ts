/**
 * Runs one Typesense search against a collection: query analysis per field
 * locale, synonym alternatives, candidate terms by cost (exact/prefix, then
 * one and two typos, capped like `max_candidates`), `typo_tokens_threshold`
 * and `drop_tokens_threshold` fallbacks, the text-match score, `filter_by`,
 * `sort_by`, facets, pagination and highlights.
 */
import { performance } from 'node:perf_hooks';
import { ApiError, badRequest } from './api-error';
import type { CollectionStore } from './collection-store';
import { countFacets, parseFacetRequest } from './facet-counter';
import { compileFilter, exactMatchConstraints, FilterError, filterBitset, parseFilterBy, type ExactConstraint, type FilterColumns as FilterColumnSource, type FilterNode, type FilterPredicate } from './filter/index';
import { highlightMarks, highlightTokens, highlightValue, type FieldHighlight, type HighlightOptions, type TermMatch, type TokenBounds } from './highlighter';
import { isStringType, readPath, type FieldDefinition } from './schema';
import { bucketTextMatch, evalBranches, MAX_BUCKETED_HITS, parseSortBy, topHits, ScoreMemo, ShortIdTop, type EvalScores, type RankedHit, type SortKey } from './sort-order';
import { expandWithSynonyms, type SynonymItem } from './synonym-store';
import type { IndexedEntry, KeptOffsets, TermIndex } from './term-index';
import { analyzeText, foldedTerm, foldedText, needsSegmentation, normalizeTerm, type AnalyzerOptions, type Token } from './text-analyzer';

export type SearchParams = Record<string, string | undefined>;
type Json = Record<string, unknown>;

const MAX_PER_PAGE = 250;
const MAX_QUERY_TOKENS = 24;
const WILDCARD_TEXT_MATCH = 100;
/**
 * Memory the highlighter may spend per analyzer on analyses of field values
 * (estimated: an entry, its folded text, 64 bytes a token). Word segmentation
 * of every hit's fields was half the time of a search; the probes of one match
 * highlight the same listings over and over, and short values (keywords,
 * taxonomy terms) recur across listings.
 */
const HIGHLIGHT_MEMO_BYTES = 32 * 1024 * 1024;
const ENTRY_BYTES = 64;
const TOKEN_BYTES = 64;

interface ValueAnalysis {
  /** `foldedText` of the value, for segmenting analyzers. */
  folded: string | undefined;
  /** Segmented only once some query's terms may be in it. */
  tokens: Token[] | undefined;
}

/**
 * Analyses of field values for one analyzer, in two generations: a value
 * used in the current generation stays; when it is full, the previous one is
 * dropped whole (a least-recently-used order kept in a Map made every
 * eviction a scan over deleted entries). Analysis is a pure function of the
 * value, so a result is reused as is; highlighting only reads it. Keyed by the
 * stored documents' own strings, whose hashes V8 keeps.
 */
class AnalysisMemo {
  private recent = new Map<string, ValueAnalysis>();
  private older = new Map<string, ValueAnalysis>();
  private recentBytes = 0;

  constructor(
    private readonly analyze: (text: string) => Token[],
    private readonly segmenting: boolean,
  ) {}

  /** The value's tokens, or undefined when it cannot hold any of `foldedTerms` (all terms may match when absent). */
  tokens(text: string, foldedTerms: string[] | undefined): Token[] | undefined {
    const entry = this.entry(text);
    if (foldedTerms && entry.folded !== undefined && !foldedTerms.some((term) => entry.folded!.includes(term))) return undefined;
    if (entry.tokens === undefined) {
      entry.tokens = this.analyze(text);
      this.spend(entry.tokens.length * TOKEN_BYTES);
    }
    return entry.tokens;
  }

  private entry(text: string): ValueAnalysis {
    let entry = this.recent.get(text);
    if (entry !== undefined) return entry;
    const kept = this.older.get(text);
    entry = kept ?? { folded: this.segmenting ? foldedText(text) : undefined, tokens: undefined };
    this.recent.set(text, entry);
    this.spend(ENTRY_BYTES + (entry.folded !== undefined && entry.folded !== text ? 2 * entry.folded.length : 0) + (kept?.tokens?.length ?? 0) * TOKEN_BYTES);
    return entry;
  }

  private spend(bytes: number): void {
    this.recentBytes += bytes;
    if (this.recentBytes > HIGHLIGHT_MEMO_BYTES / 2) {
      this.older = this.recent;
      this.recent = new Map();
      this.recentBytes = 0;
    }
  }
}

const analysisMemos = new Map<string, AnalysisMemo>();

function analysisMemo(locale: string | undefined, options: AnalyzerOptions): AnalysisMemo {
  const key = JSON.stringify([locale ?? '', options.symbolsToIndex ?? [], options.tokenSeparators ?? []]);
  let memo = analysisMemos.get(key);
  if (!memo) analysisMemos.set(key, (memo = new AnalysisMemo((text) => analyzeText(text, locale, options), needsSegmentation(locale))));
  return memo;
}

/** How one field of every hit is highlighted in a search. */
interface FieldHighlighter {
  field: FieldDefinition;
  match: (term: string) => TermMatch | undefined;
  memo: AnalysisMemo;
  /** The matcher's terms folded, when a value can be ruled out by them (segmenting analyzers). */
  foldedTerms: string[] | undefined;
  /** The term index keeps this field's token offsets, found by the same analyzer: no segmenting at highlight time. */
  indexed: boolean;
  /** The matcher's terms when all match whole tokens (no prefix matches). */
  exactTerms: string[] | undefined;
  /** Lengths of the matcher's terms. */
  termLengths: Set<number>;
  /** The field's place in `query_by` when it is searched with its own terms, for `Hit.fieldsHolding`. */
  position: number | undefined;
  options: HighlightOptions;
}

const ASCII_UPPER = /[A-Z]/;
const ASCII_UPPER_ALL = /[A-Z]/g;

/** The value with A–Z lowered and every other character where it was. */
function lowerAscii(value: string): string {
  // Lower-casing never shortens a character, so an unchanged length means every character kept its place.
  const lowered = value.toLowerCase();
  return lowered.length === value.length ? lowered : value.replace(ASCII_UPPER_ALL, (letter) => letter.toLowerCase());
}

/**
 * True when every token is made of characters `normalizeTerm` leaves alone
 * (CJK unified ideographs, a–z, 0–9) or only lower-cases (A–Z), so each
 * token is its own index term once ASCII letters are lowered, at the same
 * offsets.
 */
function plainTokens(value: string, bounds: TokenBounds): boolean {
  for (let i = 0; i < bounds.count; i += 1) if (!plainSpan(value, bounds.start(i), bounds.end(i))) return false;
  return true;
}

function plainSpan(value: string, start: number, end: number): boolean {
  for (let at = start; at < end; at += 1) {
    const code = value.charCodeAt(at);
    if (!((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a))) return false;
  }
  return true;
}

/**
 * Highlights a value from the token offsets the index kept (`from`: where the
 * value starts in the indexed text). When every token is its own index term
 * (`plainTokens`), a query term marks the tokens that start and end where the
 * term is found in the text: no token is built.
 * Otherwise the tokens are rebuilt from the offsets and matched one by one.
 */
function highlightKept(value: string, from: number, kept: KeptOffsets, highlighter: FieldHighlighter): FieldHighlight | undefined {
  const { offsets, at, count } = kept;
  // The value's tokens are [first, last) of the field's, in text order.
  let first = 0;
  for (let high = count; first < high; ) {
    const middle = (first + high) >> 1;
    if (offsets[at + 2 * middle]! < from) first = middle + 1;
    else high = middle;
  }
  let last = first;
  const to = from + value.length;
  while (last < count && offsets[at + 2 * last + 1]! <= to) last += 1;
  const bounds = { count: last - first, start: (i: number) => offsets[at + 2 * (first + i)]! - from, end: (i: number) => offsets[at + 2 * (first + i) + 1]! - from };
  const plain = plainTokens(value, bounds);
  // Plain tokens are found by the terms themselves below; other values are first ruled out cheaply when they cannot hold a term.
  if (!plain && !mayHold(value, highlighter.foldedTerms)) return undefined;
  if (highlighter.exactTerms && plain) {
    const marks: Array<{ start: number; end: number; index: number }> = [];
    // Lowering ASCII letters keeps every offset (titles such as "光电吊舱 (EO/IR Pod)").
    const text = ASCII_UPPER.test(value) ? lowerAscii(value) : value;
    for (const term of highlighter.exactTerms) {
      for (let found = text.indexOf(term); found >= 0; found = text.indexOf(term, found + 1)) {
        let low = 0;
        for (let high = bounds.count; low < high; ) {
          const middle = (low + high) >> 1;
          if (bounds.start(middle) < found) low = middle + 1;
          else high = middle;
        }
        if (low < bounds.count && bounds.start(low) === found && bounds.end(low) === found + term.length) marks.push({ start: found, end: found + term.length, index: low });
      }
    }
    if (marks.length > 1) marks.sort((a, b) => a.start - b.start);
    return highlightMarks(value, marks, bounds, highlighter.options);
  }
  const textAt = (i: number): string | undefined => {
    const start = bounds.start(i);
    const end = bounds.end(i);
    // A plain token as long as none of the terms is its own index term and cannot match: no string is made for it.
    if (!highlighter.termLengths.has(end - start) && plainSpan(value, start, end)) return undefined;
    return normalizeTerm(value.slice(start, end));
  };
  return highlightTokens(value, bounds, textAt, highlighter.match, highlighter.options);
}

/** False when a value cannot hold any of the folded terms (see `foldedText`). */
function mayHold(text: string, foldedTerms: string[] | undefined): boolean {
  if (!foldedTerms) return true;
  const folded = foldedText(text);
  return folded === undefined || foldedTerms.some((term) => folded.includes(term));
}

interface FieldPlan {
  field: FieldDefinition;
  fieldId: number;
  weight: number;
  prefix: boolean;
  numTypos: number;
  position: number;
}

/** A candidate index term for one query token. */
interface Candidate {
  term: string;
  token: number;
  cost: number;
  /** Matched as a prefix expansion (only searched in fields with `prefix` on). */
  prefix: boolean;
}

type ScratchKind = 'int8' | 'uint8' | 'int32';

/**
 * Arrays indexed by short id, lent to one search at a time and handed back
 * all zeros (the borrower clears only the slots it touched). A match probe
 * needs several megabytes of them on 100 000 documents; allocating them per
 * search made page faults and garbage collection the largest cost of a
 * multi_search of many small searches. Searches run synchronously, so an
 * array is never shared by two of them.
 */
const scratch = {
  free: { int8: [] as Int8Array[], uint8: [] as Uint8Array[], int32: [] as Int32Array[] },
  take<K extends ScratchKind>(kind: K, length: number): ScratchArrayOf<K> {
    const list = this.free[kind] as Array<ScratchArrayOf<K>>;
    const at = list.findIndex((array) => array.length >= length);
    if (at >= 0) return list.splice(at, 1)[0]!;
    // Headroom so a growing collection does not reallocate on every new document.
    const size = Math.ceil(length * 1.25) + 64;
    return (kind === 'int8' ? new Int8Array(size) : kind === 'uint8' ? new Uint8Array(size) : new Int32Array(size)) as ScratchArrayOf<K>;
  },
  give<K extends ScratchKind>(kind: K, array: ScratchArrayOf<K>): void {
    (this.free[kind] as Array<ScratchArrayOf<K>>).push(array);
  },
};
type ScratchArrayOf<K extends ScratchKind> = K extends 'int8' ? Int8Array : K extends 'uint8' ? Uint8Array : Int32Array;

/**
 * Per-document match state for one query variant, in flat typed arrays indexed
 * by MiniSearch short id: a common term touches tens of thousands of documents
 * and per-document objects made the garbage collector the hottest path.
 * `release()` clears what was touched and returns the arrays to the pool.
 */
class MatchState {
  readonly capacity: number;
  /** Short ids recorded, in first-recorded order: `touched[0 .. touchedCount)`. */
  readonly touched: Int32Array;
  touchedCount = 0;
  /** cost + 1 per (document, token); 0 = token not matched. */
  private readonly costs: Int8Array;
  /** Bit i set when token i matched through a prefix expansion rather than the whole term. */
  readonly prefixMasks: Int32Array;
  /** Tokens matched per (document, query_by field). */
  readonly fieldMasks: Int32Array;
  private readonly seen: Uint8Array;

  constructor(capacity: number, private readonly tokenCount: number, private readonly fieldCount: number) {
    this.capacity = capacity;
    this.costs = scratch.take('int8', capacity * tokenCount);
    this.prefixMasks = scratch.take('int32', capacity);
    this.fieldMasks = scratch.take('int32', capacity * fieldCount);
    this.seen = scratch.take('uint8', capacity);
    this.touched = scratch.take('int32', capacity);
  }

  release(): void {
    const { tokenCount, fieldCount } = this;
    for (let i = 0; i < this.touchedCount; i += 1) {
      const shortId = this.touched[i]!;
      this.seen[shortId] = 0;
      this.prefixMasks[shortId] = 0;
      // Plain loops: a query has a few tokens and fields, and fill() per document cost more than the clearing.
      for (let slot = shortId * tokenCount, end = slot + tokenCount; slot < end; slot += 1) this.costs[slot] = 0;
      for (let slot = shortId * fieldCount, end = slot + fieldCount; slot < end; slot += 1) this.fieldMasks[slot] = 0;
    }
    this.touched.fill(0, 0, this.touchedCount);
    this.touchedCount = 0;
    scratch.give('int32', this.touched);
    scratch.give('int8', this.costs);
    scratch.give('int32', this.prefixMasks);
    scratch.give('int32', this.fieldMasks);
    scratch.give('uint8', this.seen);
  }

  record(shortId: number, token: number, cost: number, prefix: boolean, field: number): void {
    if (!this.seen[shortId]) {
      this.seen[shortId] = 1;
      this.touched[this.touchedCount++] = shortId;
    }
    const slot = shortId * this.tokenCount + token;
    const previous = this.costs[slot]! - 1;
    const bit = 1 << token;
    if (previous < 0 || previous > cost || (previous === cost && !prefix && (this.prefixMasks[shortId]! & bit) !== 0)) {
      this.costs[slot] = cost + 1;
      this.prefixMasks[shortId] = prefix ? this.prefixMasks[shortId]! | bit : this.prefixMasks[shortId]! & ~bit;
    }
    this.fieldMasks[shortId * this.fieldCount + field]! |= bit;
  }

  /** A token found as written in a field, for a document already recorded or (`first`) to be recorded now. */
  recordExact(shortId: number, bit: number, field: number, first: boolean): void {
    if (!this.seen[shortId]) {
      if (!first) return;
      this.seen[shortId] = 1;
      this.touched[this.touchedCount++] = shortId;
    }
    this.fieldMasks[shortId * this.fieldCount + field]! |= bit;
  }

  /** Tokens found in any field, from the field masks (what `recordExact` keeps). */
  fieldsMask(shortId: number): number {
    let mask = 0;
    for (let slot = shortId * this.fieldCount, end = slot + this.fieldCount; slot < end; slot += 1) mask |= this.fieldMasks[slot]!;
    return mask;
  }

  /** Fields holding any token, bit p for the p-th query_by field (what `recordExact` keeps). */
  fieldsHolding(shortId: number): number {
    let mask = 0;
    for (let p = 0, slot = shortId * this.fieldCount; p < this.fieldCount; p += 1, slot += 1) if (this.fieldMasks[slot] !== 0) mask |= 1 << p;
    return mask;
  }

  matchedMask(shortId: number): number {
    let mask = 0;
    const base = shortId * this.tokenCount;
    for (let i = 0; i < this.tokenCount; i += 1) if (this.costs[base + i]! > 0) mask |= 1 << i;
    return mask;
  }

  typos(shortId: number): number {
    let total = 0;
    const base = shortId * this.tokenCount;
    for (let i = 0; i < this.tokenCount; i += 1) if (this.costs[base + i]! > 1) total += this.costs[base + i]! - 1;
    return total;
  }
}

/** The parts of the last text-match score `measure()` computed. */
const measured = { tokensMatched: 0, tokenCount: 0, typoPrefix: 0, bestWeight: 0, fieldsMatched: 0, exact: 0, exactField: -1 };

/**
 * The best `count` documents are all a search will show and the first sort
 * key is `_text_match:desc`: documents below the `count`-th best text match
 * can be counted without becoming hits.
 */
interface TopByTextMatch {
  count: number;
  keys: SortKey[];
}

interface Variant {
  plans: FieldPlan[];
  tokens: string[];
  candidates: Candidate[];
}

/** A ranked document with the numbers `text_match_info` is built from for the returned page. */
interface Hit extends RankedHit {
  /** MiniSearch short id; -1 for wildcard hits, which do not go through the term index. */
  shortId: number;
  tokensMatched: number;
  tokenCount: number;
  typoPrefix: number;
  bestWeight: number;
  fieldsMatched: number;
  exact: number;
  /** Bit p set when the query_by field at position p holds a query token, for hits of an exact-word search: its other fields have nothing to highlight. */
  fieldsHolding?: number;
}

function textMatchInfo(hit: Hit): Json {
  if (hit.tokenCount === 0) {
    return { best_field_score: '0', best_field_weight: 0, fields_matched: 0, num_tokens_dropped: 0, score: String(hit.textMatch), tokens_matched: 0, typo_prefix_score: 255 };
  }
  return {
    best_field_score: String(hit.tokensMatched * 2 ** 24 + (127 - hit.typoPrefix) * 2 ** 16 + hit.exact * 2 ** 8),
    best_field_weight: hit.bestWeight,
    fields_matched: hit.fieldsMatched,
    num_tokens_dropped: hit.tokenCount - hit.tokensMatched,
    score: String(hit.textMatch),
    tokens_matched: hit.tokensMatched,
    typo_prefix_score: hit.typoPrefix,
  };
}

function toInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw badRequest(`Parameter \`${name}\` must be an unsigned integer.`);
  return number;
}

function toBoolList(value: string | undefined, count: number, fallback: boolean): boolean[] {
  if (value === undefined || value === '') return new Array<boolean>(count).fill(fallback);
  const parts = value.split(',').map((part) => part.trim() === 'true');
  return Array.from({ length: count }, (_, i) => parts[i] ?? parts[parts.length - 1]!);
}

function toIntList(value: string | undefined, count: number, fallback: number, name: string): number[] {
  if (value === undefined || value === '') return new Array<number>(count).fill(fallback);
  const parts = value.split(',').map((part) => toInt(part.trim(), fallback, name));
  return Array.from({ length: count }, (_, i) => parts[i] ?? parts[parts.length - 1]!);
}

/** The highest score that at least `count` of `scores` reach (every score when there are fewer). */
function textMatchFloor(scores: number[], count: number): number {
  if (scores.length <= count) return -Infinity;
  const tally = new Map<number, number>();
  for (const score of scores) tally.set(score, (tally.get(score) ?? 0) + 1);
  let reached = 0;
  for (const score of [...tally.keys()].sort((a, b) => b - a)) {
    reached += tally.get(score)!;
    if (reached >= count) return score;
  }
  return -Infinity;
}

function popcount(mask: number): number {
  let count = 0;
  for (let bits = mask; bits !== 0; bits &= bits - 1) count += 1;
  return count;
}

function listParam(value: string | undefined): string[] {
  return value ? value.split(',').map((part) => part.trim()).filter(Boolean) : [];
}

/** Splits `q` into plain text and `-excluded` words; quotes are dropped (phrases match as their words). */
function parseQuery(q: string): { text: string; excluded: string[] } {
  const excluded: string[] = [];
  const kept: string[] = [];
  for (const word of q.replace(/"/g, ' ').split(/\s+/)) {
    if (word.length > 1 && word.startsWith('-')) excluded.push(word.slice(1));
    else if (word !== '') kept.push(word);
  }
  return { text: kept.join(' '), excluded };
}

/**
 * An `_eval` expression's score for every document, when each of its filters
 * can be decided at once (`filterBitset`): the probes of a match sort the same
 * tens of thousands of documents by the same boosts, read from documents one
 * by one otherwise. Undefined when a filter needs the documents themselves.
 */
function evalScoresAtOnce(expression: string, store: CollectionStore): Float64Array | undefined {
  const columns = filterColumnsOf(store.index);
  const branches = evalBranches(expression.slice('_eval('.length, -1), store.schema);
  const bitsets: Uint8Array[] = [];
  for (const branch of branches) {
    const passes = filterBitset(branch.node, columns);
    if (!passes) return undefined;
    bitsets.push(passes);
  }
  const scores = new Float64Array(columns.capacity);
  // A document scores the weight of the first branch it matches: fill from the last branch back.
  for (let b = branches.length - 1; b >= 0; b -= 1) {
    const passes = bitsets[b]!;
    const weight = branches[b]!.weight;
    for (let i = 0; i < scores.length; i += 1) if (passes[i] === 1) scores[i] = weight;
  }
  return scores;
}

function filterColumnsOf(index: TermIndex): FilterColumnSource {
  const columns = index.filterColumns;
  const capacity = index.shortIdCapacity();
  return { capacity, numbers: (field) => columns.numbers(field), keys: (field) => columns.keys(field), kept: (key, build) => columns.kept(key, build), blank: () => columns.blank(capacity) };
}

/** A compiled filter and its outcome by short id (0 not yet evaluated, 1 passes, 2 fails). */
interface FilterMemo {
  node: FilterNode;
  predicate: FilterPredicate;
  /** What a matching document must hold, for narrowing a wildcard search by the store's value indexes. */
  constraints: ExactConstraint[];
  outcomes: Uint8Array | undefined;
  /** Every outcome is known (`filterBitset`): documents failing it are passed over before any matching work. */
  settled: boolean;
}

/**
 * What the searches of one multi_search share. They run back to back with no
 * write in between, so a filter's outcome or an `_eval` score for a document
 * holds for all of them: the probes of a match all carry the same eligibility
 * filter and sort by the same boosts.
 */
export class SearchBatch {
  private readonly filters = new Map<CollectionStore, Map<string, FilterMemo>>();
  private readonly evalScores = new Map<CollectionStore, Map<string, ScoreMemo>>();

  private readonly parsedSorts = new Map<CollectionStore, Map<string, SortKey[]>>();

  /** The parsed `sort_by` of a search; the probes of a match all sort alike, and parsing compiled every `_eval` filter again. */
  sortKeys(store: CollectionStore, sortBy: string | undefined, textQuery: boolean, parse: () => SortKey[]): SortKey[] {
    let byText = this.parsedSorts.get(store);
    if (!byText) this.parsedSorts.set(store, (byText = new Map()));
    const key = `${textQuery ? 'text' : 'wildcard'}|${sortBy ?? ''}`;
    let keys = byText.get(key);
    if (!keys) byText.set(key, (keys = parse()));
    return keys;
  }

  /** `_eval` scores of a sort expression, for `parseSortBy`. */
  sortScores(store: CollectionStore): EvalScores {
    let byExpression = this.evalScores.get(store);
    if (!byExpression) this.evalScores.set(store, (byExpression = new Map()));
    const scores = byExpression;
    return (expression) => {
      let found = scores.get(expression);
      if (!found) {
        // Not kept across batches: a score array per expression is 800 kB at 100 000 documents, and keeping sixteen of them doubled the major collections of the match loop.
        const settled = evalScoresAtOnce(expression, store);
        scores.set(expression, (found = new ScoreMemo(store.index.shortIdCapacity(), settled)));
      }
      return found;
    };
  }

  filter(store: CollectionStore, filterBy: string): FilterMemo {
    let byText = this.filters.get(store);
    if (!byText) this.filters.set(store, (byText = new Map()));
    let memo = byText.get(filterBy);
    if (!memo) {
      const node = parseFilterBy(filterBy, store.schema);
      memo = { node, predicate: compileFilter(node), constraints: exactMatchConstraints(node), outcomes: undefined, settled: false };
      const index = store.index;
      const passes = filterBitset(node, filterColumnsOf(index));
      if (passes) {
        for (let i = 0; i < passes.length; i += 1) passes[i] = passes[i] === 1 ? 1 : 2;
        memo.outcomes = passes;
        memo.settled = true;
      }
      byText.set(filterBy, memo);
    }
    return memo;
  }
}

/**
 * Offers every live document a settled filter passes to `ranking` and counts
 * them. A function of its own: inside `run` the loop over every slot of the
 * collection ran several times slower (the industry probe of a match, ~2 ms
 * against ~0.6 ms at 100 000 documents). Found through the term index's
 * slots, so `_eval` scores and columns kept by short id apply.
 */
function offerSettled(settled: Uint8Array, index: TermIndex, ranking: ShortIdTop): number {
  let found = 0;
  for (let shortId = 0; shortId < settled.length; shortId += 1) {
    if (settled[shortId] !== 1 || index.entryOf(shortId) === undefined) continue;
    found += 1;
    ranking.offer(shortId, WILDCARD_TEXT_MATCH);
  }
  return found;
}

export class SearchExecutor {
  private readonly store: CollectionStore;
  private readonly params: SearchParams;
  private readonly synonyms: SynonymItem[];
  private readonly batch: SearchBatch;
  private filter: FilterPredicate | undefined;
  /** Variants and typo levels revisit the same documents, and so do the other searches of a batch. */
  private filterMemo: FilterMemo | undefined;

  constructor(store: CollectionStore, params: SearchParams, synonyms: SynonymItem[], batch: SearchBatch = new SearchBatch()) {
    this.store = store;
    this.params = params;
    this.synonyms = synonyms;
    this.batch = batch;
  }

  private readonly seqOf = (shortId: number): number => this.store.index.seqOf(shortId);

  private passes(shortId: number, doc: Json): boolean {
    if (!this.filter) return true;
    const memo = this.filterMemo!;
    const outcomes = (memo.outcomes ??= new Uint8Array(this.store.index.shortIdCapacity()));
    let outcome = outcomes[shortId]!;
    if (outcome === 0) {
      outcome = this.filter(doc) ? 1 : 2;
      outcomes[shortId] = outcome;
    }
    return outcome === 1;
  }

  run(requestedName: string): Json {
    const started = performance.now();
    const params = this.params;
    const schema = this.store.schema;
    if (params.q === undefined) throw badRequest('Parameter `q` is required.');
    const q = params.q;
    const wildcard = q.trim() === '*' || q.trim() === '';
    const perPage = params.limit !== undefined ? toInt(params.limit, 10, 'limit') : toInt(params.per_page, 10, 'per_page');
    if (perPage > MAX_PER_PAGE) throw new ApiError(422, `Only upto ${MAX_PER_PAGE} hits can be fetched per page.`);
    const page = toInt(params.page, 1, 'page');
    const offset = params.offset !== undefined ? toInt(params.offset, 0, 'offset') : (Math.max(page, 1) - 1) * perPage;

    if (params.filter_by && params.filter_by.trim() !== '') {
      try {
        this.filterMemo = this.batch.filter(this.store, params.filter_by);
        this.filter = this.filterMemo.predicate;
      } catch (error) {
        if (error instanceof FilterError) throw new ApiError(error.status, error.message);
        throw error;
      }
    }

    const plans = this.planFields(wildcard);
    const sortKeys = this.batch.sortKeys(this.store, params.sort_by, !wildcard, () => wrapFilterErrors(() => parseSortBy(params.sort_by, schema, !wildcard, this.batch.sortScores(this.store), (field) => this.store.index.filterColumns.numbers(field))));
    const startTag = params.highlight_start_tag ?? '<mark>';
    const endTag = params.highlight_end_tag ?? '</mark>';
    const analyze = (field: FieldDefinition, text: string): string[] => schema.tokens(field, text);
    const facetRequest = parseFacetRequest({ facet_by: params.facet_by, max_facet_values: params.max_facet_values, facet_query: params.facet_query, startTag, endTag }, schema, analyze);
    const bucketing = sortKeys.some((key) => key.buckets !== undefined);
    // Facets count every hit and buckets regroup the best 250; otherwise only the page's worth of best text matches can be shown.
    const first = sortKeys[0];
    const top = !facetRequest && !bucketing && first?.textMatch && first.direction === -1 ? { count: offset + perPage, keys: sortKeys } : undefined;
    let hits: Hit[];
    let found: number;
    let matchers = new Map<string, Map<string, TermMatch>>();
    if (wildcard) {
      hits = [];
      const wildcardHit = (entry: IndexedEntry, shortId = -1): Hit => ({ seq: entry.seq, shortId, doc: entry.doc, textMatch: WILDCARD_TEXT_MATCH, tokensMatched: 0, tokenCount: 0, typoPrefix: 0, bestWeight: 0, fieldsMatched: 0, exact: 0 });
      const settled = this.filterMemo?.settled ? this.filterMemo.outcomes! : undefined;
      const ranking = settled && !facetRequest && !bucketing ? ShortIdTop.of(offset + perPage, sortKeys, this.seqOf) : undefined;
      found = 0;
      if (ranking) {
        found = offerSettled(settled!, this.store.index, ranking);
        hits = ranking.ordered().map(({ shortId }) => wildcardHit(this.store.index.entryOf(shortId)!, shortId));
      } else if (settled) {
        // Every stored document is in the term index, so its slots name them all; the order of hits does not matter, ties go by sequence id.
        for (let shortId = 0; shortId < settled.length; shortId += 1) {
          const entry = settled[shortId] === 1 ? this.store.index.entryOf(shortId) : undefined;
          if (!entry) continue;
          found += 1;
          hits.push(wildcardHit(entry, shortId));
        }
      } else {
        const candidates = this.filterMemo ? this.store.filterCandidates(this.filterMemo.constraints) : undefined;
        for (const entry of candidates ?? this.store.entries.values()) if (!this.filter || this.filter(entry.doc)) hits.push(wildcardHit(entry));
        found = hits.length;
      }
    } else {
      ({ hits, found, matchers } = this.textSearch(q, plans, top));
    }
    const facetCounts = facetRequest ? countFacets(facetRequest, hits.map((hit) => hit.doc), analyze) : [];

    const ranked = topHits(hits, sortKeys, bucketing ? Math.max(offset + perPage, MAX_BUCKETED_HITS) : offset + perPage);
    const pageHits = (bucketing ? bucketTextMatch(ranked, sortKeys) : ranked).slice(offset, offset + perPage);
    const highlighters = this.highlighters(plans, matchers, startTag, endTag);
    const include = listParam(params.include_fields);
    const exclude = listParam(params.exclude_fields);
    // Typesense's switch for the older `highlights` array; the `highlight` object is always sent.
    const highlightV1 = params.enable_highlight_v1 !== 'false';

    const response: Json = {
      facet_counts: facetCounts,
      found,
      hits: pageHits.map((hit) => {
        const { highlight, highlights } = this.highlight(hit, highlighters, highlightV1);
        return {
          document: projectDocument(hit.doc, include, exclude),
          highlight,
          ...(highlightV1 ? { highlights } : {}),
          text_match: hit.textMatch,
          text_match_info: textMatchInfo(hit),
        };
      }),
      out_of: this.store.size,
      page: params.offset !== undefined ? Math.floor(offset / Math.max(perPage, 1)) + 1 : Math.max(page, 1),
      request_params: { collection_name: requestedName, first_q: q, per_page: perPage, q },
      search_cutoff: false,
      search_time_ms: Math.round(performance.now() - started),
    };
    return response;
  }

  private planFields(wildcard: boolean): FieldPlan[] {
    const names = listParam(this.params.query_by);
    if (names.length === 0) {
      if (wildcard) return [];
      throw badRequest('No search fields specified for the query.');
    }
    const weights = this.params.query_by_weights ? this.params.query_by_weights.split(',').map((w) => Number(w.trim())) : undefined;
    if (weights && (weights.length !== names.length || weights.some((w) => !Number.isFinite(w) || w < 0))) {
      throw badRequest('Number of weights in `query_by_weights` does not match number of `query_by` fields.');
    }
    const prefixes = toBoolList(this.params.prefix, names.length, true);
    const typos = toIntList(this.params.num_typos, names.length, 2, 'num_typos');
    return names.map((name, position) => {
      const declared = this.store.schema.declared(name);
      if (!declared) throw new ApiError(404, `Could not find a field named \`${name}\` in the schema.`);
      if (!isStringType(declared.type)) throw badRequest(`Field \`${name}\` should be a string or a string array.`);
      if (!declared.index) throw badRequest(`Field \`${name}\` is marked as a non-indexed field in the schema.`);
      const fieldId = this.store.index.fieldIdOf(name);
      return {
        field: declared,
        fieldId: fieldId ?? -1,
        // Without explicit weights earlier fields win, as Typesense orders query_by by priority.
        weight: Math.min(127, Math.round(weights ? weights[position]! : Math.max(15 - position, 1))),
        prefix: prefixes[position]!,
        numTypos: Math.min(2, typos[position]!),
        position,
      };
    });
  }

  private textSearch(q: string, plans: FieldPlan[], top: TopByTextMatch | undefined): { hits: Hit[]; found: number; matchers: Map<string, Map<string, TermMatch>> } {
    const { text, excluded: excludedWords } = parseQuery(q);
    const groups = new Map<string, FieldPlan[]>();
    for (const plan of plans) {
      const key = `${plan.field.locale}|${JSON.stringify(this.store.schema.analyzerOptions(plan.field))}`;
      groups.set(key, [...(groups.get(key) ?? []), plan]);
    }
    const capacity = this.store.index.shortIdCapacity();
    // Each document's best hit over all field groups and synonym alternatives, in first-match order.
    const hits: Hit[] = [];
    /** Index in `hits` + 1 by short id; 0 = not yet a hit. */
    const position = scratch.take('int32', capacity);
    const matchers = new Map<string, Map<string, TermMatch>>();
    const excluded = scratch.take('uint8', capacity);
    const excludedIds: number[] = [];
    let found: number | undefined;
    try {
      for (const group of groups.values()) {
        const field = group[0]!.field;
        const analyze = (value: string): string[] => this.store.schema.tokens(field, value).slice(0, MAX_QUERY_TOKENS);
        const base = analyze(text);
        for (const word of excludedWords) {
          for (const term of analyze(word)) {
            const postings = this.store.index.postings(term);
            if (!postings) continue;
            for (const plan of group) {
              for (const shortId of postings.get(plan.fieldId)?.keys() ?? []) {
                if (excluded[shortId] === 0) excludedIds.push(shortId);
                excluded[shortId] = 1;
              }
            }
          }
        }
        if (base.length === 0) continue;
        const alternatives = [base, ...expandWithSynonyms(base, this.synonyms, analyze)];
        // Hits merge across groups and alternatives by their best score, so only a lone variant may leave low scorers uncounted as hits.
        const lone = groups.size === 1 && alternatives.length === 1 && excludedWords.length === 0;
        const matcher = new Map<string, TermMatch>();
        for (const tokens of alternatives) {
          const variant: Variant = { plans: group, tokens, candidates: [] };
          const matched = this.matchVariant(variant, lone ? top : undefined);
          if (lone) found = matched.found;
          for (const hit of matched.hits) {
            const at = position[hit.shortId]! - 1;
            if (at < 0) {
              hits.push(hit);
              position[hit.shortId] = hits.length;
            } else if (hits[at]!.textMatch < hit.textMatch) hits[at] = hit;
          }
          for (const candidate of variant.candidates) {
            if (!matcher.has(candidate.term) || !candidate.prefix) {
              matcher.set(candidate.term, candidate.prefix ? { prefixLength: tokens[candidate.token]!.length } : {});
            }
          }
        }
        for (const plan of group) matchers.set(plan.field.name, matcher);
      }
      const kept = excludedIds.length ? hits.filter((hit) => excluded[hit.shortId] === 0) : hits;
      return { hits: kept, found: found ?? kept.length, matchers };
    } finally {
      for (const hit of hits) position[hit.shortId] = 0;
      for (const shortId of excludedIds) excluded[shortId] = 0;
      scratch.give('int32', position);
      scratch.give('uint8', excluded);
    }
  }

  /** Candidate terms for a token at one cost level, capped like Typesense's `max_candidates`. */
  private candidatesAt(token: string, index: number, last: boolean, cost: number, variant: Variant): Candidate[] {
    const termIndex = this.store.index;
    const maxCandidates = this.params.exhaustive_search === 'true' ? Infinity : toInt(this.params.max_candidates, 4, 'max_candidates');
    if (cost === 0) {
      const out: Candidate[] = [];
      if (termIndex.postings(token)) out.push({ term: token, token: index, cost: 0, prefix: false });
      if (last && variant.plans.some((plan) => plan.prefix)) {
        for (const { term } of termIndex.termsWithPrefix(token, maxCandidates)) out.push({ term, token: index, cost: 0, prefix: true });
      }
      return out;
    }
    const minLen1 = toInt(this.params.min_len_1typo, 4, 'min_len_1typo');
    const minLen2 = toInt(this.params.min_len_2typo, 7, 'min_len_2typo');
    const allowed = Math.max(...variant.plans.map((plan) => plan.numTypos));
    const length = [...token].length;
    if (cost > allowed || length < (cost === 1 ? minLen1 : minLen2)) return [];
    return termIndex
      .termsWithin(token, cost)
      .filter((found) => found.distance === cost)
      .slice(0, maxCandidates)
      .map((found) => ({ term: found.term, token: index, cost, prefix: false }));
  }

  private matchVariant(variant: Variant, top: TopByTextMatch | undefined): { hits: Hit[]; found: number } {
    const { tokens, plans } = variant;
    const n = tokens.length;
    const index = this.store.index;
    const state = new MatchState(index.shortIdCapacity(), n, plans.length);
    const ranking = top && this.exactOnly(variant) ? ShortIdTop.of(top.count, top.keys, this.seqOf) : undefined;
    if (ranking) {
      try {
        return this.collectExact(variant, state, ranking);
      } finally {
        state.release();
      }
    }
    const taken = scratch.take('uint8', state.capacity);
    try {
      return this.collectHits(variant, state, taken, top);
    } finally {
      for (let i = 0; i < state.touchedCount; i += 1) taken[state.touched[i]!] = 0;
      scratch.give('uint8', taken);
      state.release();
    }
  }

  /**
   * Every token must be found as written: no typos, no prefix completions and
   * no dropping of tokens (or only one token). That is the form of a match
   * probe, a quarter of whose work went into bookkeeping for typo levels,
   * prefixes and dropped tokens it cannot have.
   */
  private exactOnly(variant: Variant): boolean {
    const { plans, tokens } = variant;
    if (tokens.length > 30 || plans.length >= 15 || plans.some((plan) => plan.numTypos > 0 || plan.prefix)) return false;
    return tokens.length === 1 || toInt(this.params.drop_tokens_threshold, 1, 'drop_tokens_threshold') === 0;
  }

  /** `collectHits` for `exactOnly` variants, keeping the best `ranking` can hold. */
  private collectExact(variant: Variant, state: MatchState, ranking: ShortIdTop): { hits: Hit[]; found: number } {
    const { tokens, plans } = variant;
    const index = this.store.index;
    const settled = this.filterMemo?.settled ? this.filterMemo.outcomes : undefined;
    const fullMask = (1 << tokens.length) - 1;
    const postingsOf = tokens.map((token) => index.postings(token));
    const sizeOf = (t: number): number => plans.reduce((sum, plan) => sum + (postingsOf[t]?.get(plan.fieldId)?.size ?? 0), 0);
    // Rarest token first: a document without it cannot match, so the other tokens only mark documents already recorded.
    const order = tokens.map((_, t) => t).sort((a, b) => sizeOf(a) - sizeOf(b));
    order.forEach((t, k) => {
      const postings = postingsOf[t];
      if (!postings) return;
      variant.candidates.push({ term: tokens[t]!, token: t, cost: 0, prefix: false });
      const bit = 1 << t;
      const first = k === 0;
      plans.forEach((plan, planIndex) => {
        const docs = plan.fieldId < 0 ? undefined : postings.get(plan.fieldId);
        if (!docs) return;
        if (first && settled) {
          for (const shortId of docs.keys()) if (settled[shortId] === 1) state.recordExact(shortId, bit, planIndex, true);
        } else for (const shortId of docs.keys()) state.recordExact(shortId, bit, planIndex, first);
      });
    });
    // Without typos or prefixes a text match depends only on which fields hold which tokens, and on whether the best field holds nothing else:
    // measured once per pattern of field masks, when there are few enough patterns to keep.
    const fieldCount = plans.length;
    const patternBits = tokens.length * fieldCount;
    const patternScores = patternBits <= 12 ? new Float64Array(1 << patternBits).fill(-1) : undefined;
    const patternExactFields = patternScores ? new Int32Array(1 << patternBits) : undefined;
    const exactBonus = 2 ** 35;
    let found = 0;
    for (let i = 0; i < state.touchedCount; i += 1) {
      const shortId = state.touched[i]!;
      const matchedMask = state.fieldsMask(shortId);
      if (matchedMask !== fullMask) continue;
      if (!settled && this.filter) {
        const entry = index.entryOf(shortId);
        if (!entry || !this.passes(shortId, entry.doc)) continue;
      }
      found += 1;
      if (!patternScores) {
        ranking.offer(shortId, this.measure(shortId, state, matchedMask, variant));
        continue;
      }
      let pattern = 0;
      for (let p = 0, slot = shortId * fieldCount; p < fieldCount; p += 1, slot += 1) pattern |= state.fieldMasks[slot]! << (p * tokens.length);
      let base = patternScores[pattern]!;
      if (base < 0) {
        const score = this.measure(shortId, state, matchedMask, variant);
        base = patternScores[pattern] = score - measured.exact * exactBonus;
        patternExactFields![pattern] = measured.exactField;
      }
      const exactField = patternExactFields![pattern]!;
      ranking.offer(shortId, exactField >= 0 && index.fieldLength(shortId, exactField) === tokens.length ? base + exactBonus : base);
    }
    const hits = ranking.ordered().map(({ shortId, score }) => {
      const hit = this.scored(shortId, score, state, variant);
      hit.fieldsHolding = state.fieldsHolding(shortId);
      return hit;
    });
    return { hits, found };
  }

  private collectHits(variant: Variant, state: MatchState, taken: Uint8Array, top: TopByTextMatch | undefined): { hits: Hit[]; found: number } {
    const { tokens, plans } = variant;
    const n = tokens.length;
    const index = this.store.index;
    const typoThreshold = this.params.exhaustive_search === 'true' ? Infinity : toInt(this.params.typo_tokens_threshold, 1, 'typo_tokens_threshold');
    const dropThreshold = toInt(this.params.drop_tokens_threshold, 1, 'drop_tokens_threshold');
    const fullMask = n >= 31 ? -1 : (1 << n) - 1;
    const maxCost = Math.max(0, ...plans.map((plan) => plan.numTypos));
    const settled = this.filterMemo?.settled ? this.filterMemo.outcomes : undefined;
    // Postings hold live documents only; a document is read only when a filter must look at it.
    const passesShort = (shortId: number): boolean => {
      if (settled) return settled[shortId] === 1;
      if (!this.filter) return true;
      const entry = index.entryOf(shortId);
      return entry !== undefined && this.passes(shortId, entry.doc);
    };
    const enough = Math.max(typoThreshold, dropThreshold);
    let fullCount = 0;
    for (let cost = 0; cost <= maxCost; cost += 1) {
      if (cost > 0 && fullCount >= typoThreshold) break;
      for (let t = 0; t < n; t += 1) {
        for (const candidate of this.candidatesAt(tokens[t]!, t, t === n - 1, cost, variant)) {
          variant.candidates.push(candidate);
          const postings = index.postings(candidate.term);
          if (!postings) continue;
          plans.forEach((plan, planIndex) => {
            if (plan.fieldId < 0 || (candidate.prefix && !plan.prefix) || cost > plan.numTypos) return;
            const docs = postings.get(plan.fieldId);
            if (!docs) return;
            // Thresholds and `found` count filtered documents only, so one the filter refuses needs no match state.
            if (settled) {
              for (const shortId of docs.keys()) if (settled[shortId] === 1) state.record(shortId, t, cost, candidate.prefix, planIndex);
            } else for (const shortId of docs.keys()) state.record(shortId, t, cost, candidate.prefix, planIndex);
          });
        }
      }
      // Only compared with the two thresholds, so counting can stop once both are reached.
      fullCount = 0;
      for (let i = 0; i < state.touchedCount; i += 1) {
        const shortId = state.touched[i]!;
        if (fullCount >= enough) break;
        if (state.matchedMask(shortId) === fullMask && passesShort(shortId)) fullCount += 1;
      }
    }

    // Accepted token subsets: all tokens, then progressively dropping from the right, then from the left.
    const accepted: number[] = [fullMask];
    if (fullCount < dropThreshold && n > 1) {
      for (let keep = n - 1; keep >= 1; keep -= 1) accepted.push((1 << keep) - 1);
      for (let skip = 1; skip < n; skip += 1) accepted.push(fullMask & ~((1 << skip) - 1));
    }
    // With every sort key read by short id, the best `top.count` are kept as they come; else the text-match floor decides which become hits.
    const ranking = top ? ShortIdTop.of(top.count, top.keys, this.seqOf) : undefined;
    const found: number[] = [];
    let foundCount = 0;
    const scores: number[] = [];
    const hits: Hit[] = [];
    for (const required of accepted) {
      if (required !== fullMask && foundCount >= dropThreshold) break;
      for (let i = 0; i < state.touchedCount; i += 1) {
        const shortId = state.touched[i]!;
        if (taken[shortId]) continue;
        const matchedMask = state.matchedMask(shortId);
        if ((matchedMask & required) !== required || !passesShort(shortId)) continue;
        taken[shortId] = 1;
        foundCount += 1;
        if (ranking) ranking.offer(shortId, this.measure(shortId, state, matchedMask, variant));
        else if (top) {
          found.push(shortId);
          scores.push(this.measure(shortId, state, matchedMask, variant));
        } else hits.push(this.score(shortId, state, matchedMask, variant));
      }
    }
    if (ranking) return { hits: ranking.ordered().map(({ shortId, score }) => this.scored(shortId, score, state, variant)), found: foundCount };
    if (!top) return { hits, found: foundCount };
    const floor = textMatchFloor(scores, top.count);
    found.forEach((shortId, i) => {
      if (scores[i]! >= floor) hits.push(this.scored(shortId, scores[i]!, state, variant));
    });
    return { hits, found: foundCount };
  }

  /**
   * The hit of a document whose text match is known: its parts are read back
   * from the score's bit fields, measuring again only when the count of
   * fields matched reached the field's cap (15).
   */
  private scored(shortId: number, textMatch: number, state: MatchState, variant: Variant): Hit {
    const fieldsMatched = Math.floor(textMatch / 2 ** 24) % 16;
    if (fieldsMatched === 15) return this.score(shortId, state, state.matchedMask(shortId), variant);
    const { seq, doc } = this.store.index.entryOf(shortId)!;
    return {
      seq,
      shortId,
      doc,
      textMatch,
      tokensMatched: Math.floor(textMatch / 2 ** 48),
      tokenCount: variant.tokens.length,
      typoPrefix: 127 - (Math.floor(textMatch / 2 ** 41) % 128),
      bestWeight: Math.floor(textMatch / 2 ** 28) % 128,
      fieldsMatched,
      exact: Math.floor(textMatch / 2 ** 35) % 2,
    };
  }

  private score(shortId: number, state: MatchState, matchedMask: number, variant: Variant): Hit {
    const { seq, doc } = this.store.index.entryOf(shortId)!;
    const textMatch = this.measure(shortId, state, matchedMask, variant);
    const { tokensMatched, tokenCount, typoPrefix, bestWeight, fieldsMatched, exact } = measured;
    return { seq, shortId, doc, textMatch, tokensMatched, tokenCount, typoPrefix, bestWeight, fieldsMatched, exact };
  }

  /** The text-match score of a document, its parts left in `measured`: no object per document. */
  private measure(shortId: number, state: MatchState, matchedMask: number, variant: Variant): number {
    const { plans, tokens } = variant;
    const n = tokens.length;
    const tokensMatched = popcount(matchedMask);
    const typos = state.typos(shortId);
    const prefixCount = popcount(state.prefixMasks[shortId]! & matchedMask);
    // Typos weigh twice a prefix completion, so "lap" ranks "lap" > "laptop" > "lep".
    const typoPrefix = Math.min(127, typos * 2 + prefixCount);
    let bestTokens = 0;
    let bestWeight = 0;
    let bestPlan: FieldPlan | undefined;
    let fieldsMatched = 0;
    for (let planIndex = 0; planIndex < plans.length; planIndex += 1) {
      const mask = state.fieldMasks[shortId * plans.length + planIndex]!;
      if (mask === 0) continue;
      const plan = plans[planIndex]!;
      fieldsMatched += 1;
      const count = popcount(mask);
      if (count > bestTokens || (count === bestTokens && plan.weight > bestWeight)) {
        bestTokens = count;
        bestWeight = plan.weight;
        bestPlan = plan;
      }
    }
    let exact = 0;
    measured.exactField = -1;
    if (bestPlan && typos === 0 && prefixCount === 0 && bestTokens === n && this.params.prioritize_exact_match !== 'false') {
      measured.exactField = bestPlan.fieldId;
      if (this.store.index.fieldLength(shortId, bestPlan.fieldId) === n) exact = 1;
    }
    const typoScore = 127 - typoPrefix;
    const textMatch =
      tokensMatched * 2 ** 48 +
      typoScore * 2 ** 41 +
      Math.min(bestTokens, 31) * 2 ** 36 +
      exact * 2 ** 35 +
      bestWeight * 2 ** 28 +
      Math.min(fieldsMatched, 15) * 2 ** 24;
    measured.tokensMatched = tokensMatched;
    measured.tokenCount = n;
    measured.typoPrefix = typoPrefix;
    measured.bestWeight = bestWeight;
    measured.fieldsMatched = fieldsMatched;
    measured.exact = exact;
    return textMatch;
  }

  private highlighters(plans: FieldPlan[], matchers: Map<string, Map<string, TermMatch>>, startTag: string, endTag: string): FieldHighlighter[] {
    if (matchers.size === 0) return [];
    const requested = this.params.highlight_fields !== undefined ? listParam(this.params.highlight_fields) : plans.map((plan) => plan.field.name);
    const fields = requested
      .map((name) => this.store.schema.declared(name))
      .filter((field): field is FieldDefinition => field !== undefined && isStringType(field.type));
    const full = new Set(listParam(this.params.highlight_full_fields));
    const snippetThreshold = toInt(this.params.snippet_threshold, 30, 'snippet_threshold');
    const affixTokens = toInt(this.params.highlight_affix_num_tokens, 4, 'highlight_affix_num_tokens');
    // A field outside every query_by group is highlighted with the terms of all groups.
    const fallback = new Map<string, TermMatch>();
    for (const matcher of matchers.values()) for (const [term, match] of matcher) if (!fallback.has(term)) fallback.set(term, match);
    return fields.map((field) => {
      const matcher = matchers.get(field.name) ?? fallback;
      const analyzer = this.store.schema.analyzerOptions(field);
      const memo = analysisMemo(field.locale, analyzer);
      const inIndex = this.store.indexedField(field.name);
      return {
        field,
        match: (term: string) => matcher.get(term),
        memo,
        foldedTerms: needsSegmentation(field.locale) ? [...matcher.keys()].map(foldedTerm) : undefined,
        termLengths: new Set([...matcher.keys()].map((term) => term.length)),
        exactTerms: [...matcher.values()].every((found) => found.prefixLength === undefined) ? [...matcher.keys()] : undefined,
        indexed: inIndex !== undefined && inIndex.locale === field.locale && JSON.stringify(this.store.schema.analyzerOptions(inIndex)) === JSON.stringify(analyzer),
        position: matchers.has(field.name) ? plans.find((plan) => plan.field.name === field.name)?.position : undefined,
        options: { startTag, endTag, snippetThreshold, affixTokens, full: full.has(field.name) },
      };
    });
  }

  /** The hit's `shortId` is its place in the term index (-1 for wildcard hits); `withV1`: also the older `highlights` array. */
  private highlight(hit: Hit, highlighters: FieldHighlighter[], withV1: boolean): { highlight: Json; highlights: Json[] } {
    const { doc, shortId, fieldsHolding } = hit;
    const highlight: Json = {};
    const highlights: Json[] = [];
    for (const highlighter of highlighters) {
      const { field, match, memo, foldedTerms, indexed, options, position } = highlighter;
      // Analysed as the index analysed it, a field without any of the query's words has nothing to mark.
      if (indexed && fieldsHolding !== undefined && position !== undefined && (fieldsHolding & (1 << position)) === 0) continue;
      const value = readPath(doc, field.name);
      /** `from`: where the value starts in the text the index analysed (array elements joined by newlines). */
      const kept = indexed && shortId >= 0 ? this.store.index.fieldOffsets(shortId, field.name) : undefined;
      const highlightOf = (text: string, from: number): FieldHighlight | undefined => {
        if (!kept) {
          const tokens = memo.tokens(text, foldedTerms);
          return tokens && highlightValue(text, tokens, match, options);
        }
        return highlightKept(text, from, kept, highlighter);
      };
      if (typeof value === 'string') {
        const result = highlightOf(value, 0);
        if (!result) continue;
        highlight[field.name] = result;
        if (withV1) highlights.push({ field: field.name, ...result });
      } else if (Array.isArray(value)) {
        let from = 0;
        const perElement: Array<FieldHighlight | undefined> = value.map((item) => {
          if (typeof item !== 'string') return undefined;
          const result = highlightOf(item, from);
          from += item.length + 1;
          return result;
        });
        if (!perElement.some(Boolean)) continue;
        highlight[field.name] = perElement.map((result, i) => result ?? { matched_tokens: [], snippet: String(value[i]) });
        if (!withV1) continue;
        const indices = perElement.flatMap((result, i) => (result ? [i] : []));
        highlights.push({
          field: field.name,
          indices,
          matched_tokens: indices.map((i) => perElement[i]!.matched_tokens),
          snippets: indices.map((i) => perElement[i]!.snippet),
          ...(options.full ? { values: indices.map((i) => perElement[i]!.value) } : {}),
        });
      }
    }
    return { highlight, highlights };
  }
}

function wrapFilterErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof FilterError) throw new ApiError(error.status, error.message);
    throw error;
  }
}

/** Applies `include_fields`/`exclude_fields` (top-level names or `a.b` paths). */
export function projectDocument(doc: Json, include: string[], exclude: string[]): Json {
  let out: Json;
  if (include.length > 0) {
    out = {};
    for (const name of include) {
      if (name in doc) out[name] = doc[name];
      else {
        const value = readPath(doc, name);
        if (value !== undefined) out[name] = value;
      }
    }
  } else out = { ...doc };
  for (const name of exclude) delete out[name];
  return out;
}

export function runSearch(store: CollectionStore, params: SearchParams, synonyms: SynonymItem[], requestedName: string, batch?: SearchBatch): Json {
  return new SearchExecutor(store, params, synonyms, batch).run(requestedName);
}
