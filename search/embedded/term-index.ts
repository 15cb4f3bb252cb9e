/**
 * MiniSearch's radix-tree index used as the term dictionary and postings store.
 *
 * MiniSearch's own `search()` scores every matching document with BM25 and
 * sorts the whole result list; on 100 000 documents a common term makes that
 * cost 300+ ms (see bench/search-libraries.ts). Typesense ranks by tokens
 * matched, typos and field priority instead, and needs per-token match detail
 * for highlighting and `drop_tokens`. So this subclass exposes the pieces the
 * search executor needs — exact/prefix/fuzzy term lookups and per-field
 * postings — and leaves indexing, removal and edit-distance search to MiniSearch.
 */
import MiniSearch from 'minisearch';
import SearchableMap from 'minisearch/SearchableMap';
import { FilterColumns, type ExactKey } from './filter-columns';
import type { Token } from './text-analyzer';

export interface IndexedEntry {
  seq: number;
  doc: Record<string, unknown>;
}

export interface TermIndexOptions {
  fields: string[];
  extract: (doc: Record<string, unknown>, field: string) => string | undefined;
  analyze: (text: string, field: string) => Token[];
  /**
   * Fields whose token offsets are kept (segmenting locales, where a token is
   * `normalizeTerm` of its source text): highlighting a hit then reads where
   * its words are instead of segmenting the value again, which made
   * highlights half the cost of a search that returns many hits.
   */
  keepsOffsets: (field: string) => boolean;
  /** How `:=` compares a field's values, for `filterColumns` (undefined: not a string or bool field). */
  exactKey: (field: string) => ExactKey | undefined;
  /** The collection's declared single-number fields, whose filter columns are built together. */
  numericFields: () => string[];
}

/** See `TermIndex.fieldOffsets`. */
export interface KeptOffsets {
  offsets: Uint16Array | Uint32Array;
  at: number;
  count: number;
}

/** Postings of one term: field id → (MiniSearch short id → term frequency). */
export type TermPostings = Map<number, Map<number, number>>;

/**
 * MiniSearch's radix tree with a hash map in front for whole-term access.
 * The tree scans a node's children one by one, and Chinese text gives the root
 * node hundreds of children (one per leading character), so every term
 * insertion while indexing and every exact lookup at query time paid for that
 * scan. Prefix and fuzzy walks still go through the tree.
 */
class HashedTermMap extends SearchableMap<TermPostings> {
  private readonly exact = new Map<string, TermPostings>();

  override get(key: string): TermPostings | undefined {
    return this.exact.get(key);
  }

  override has(key: string): boolean {
    return this.exact.has(key);
  }

  override fetch(key: string, initial: () => TermPostings): TermPostings {
    let value = this.exact.get(key);
    if (value === undefined) {
      value = super.fetch(key, initial);
      this.exact.set(key, value);
    }
    return value;
  }

  override set(key: string, value: TermPostings): this {
    super.set(key, value);
    this.exact.set(key, value);
    return this;
  }

  override update(key: string, fn: (value: TermPostings | undefined) => TermPostings): this {
    super.update(key, fn);
    this.exact.set(key, super.get(key)!);
    return this;
  }

  override delete(key: string): void {
    super.delete(key);
    this.exact.delete(key);
  }

  override clear(): void {
    super.clear();
    this.exact.clear();
  }
}

export class TermIndex extends MiniSearch<IndexedEntry> {
  constructor(options: TermIndexOptions) {
    super({
      idField: 'seq',
      fields: options.fields,
      extractField: (entry, field) => (field === 'seq' ? entry.seq : options.extract(entry.doc, field)),
      tokenize: (text, field) => {
        const tokens = options.analyze(text, field ?? '');
        if (this.capturing && field && options.keepsOffsets(field)) this.captured.set(field, tokens);
        return tokens.map((token) => token.text);
      },
      // Terms arrive normalised from the analyzer; MiniSearch's default would lower-case again.
      processTerm: (term) => term,
    });
    // MiniSearch types its tree with its own (identical) class declaration, whose private members make the two nominally distinct.
    this._index = new HashedTermMap() as unknown as MiniSearch['_index'];
    this.fieldCount = options.fields.length;
    this.keptField = options.keepsOffsets;
    this.keptFields = options.fields.filter((field) => options.keepsOffsets(field));
    this.filterColumns = new FilterColumns(() => this.documentsByShortId(), options.exactKey, options.numericFields);
  }

  readonly filterColumns: FilterColumns;

  private readonly keptField: (field: string) => boolean;
  private readonly keptFields: string[];
  /** Set while `add` runs: the tokens MiniSearch asked for, by field, to keep their offsets. */
  private capturing = false;
  private readonly captured = new Map<string, Token[]>();
  /**
   * Per short id, the kept fields' token offsets in field order, each field
   * as its token count and then start/end pairs into the indexed text (array
   * elements joined by newlines, as `extract` gives them).
   */
  private readonly offsetsByShortId: Array<Uint16Array | Uint32Array | undefined> = [];

  /**
   * Entries by MiniSearch short id. Search resolves every matching short id to
   * its document; going through MiniSearch's id map and then the store's map
   * meant two large-map lookups per match.
   */
  private readonly byShortId: Array<IndexedEntry | undefined> = [];
  /**
   * MiniSearch's per-field token counts, flat by short id × field and capped
   * at 255 (queries have at most a few dozen tokens): the exact-match check
   * reads one for every document a query matches, and MiniSearch's array per
   * document cost a cache miss each time.
   */
  private lengths = new Uint8Array(0);
  private readonly fieldCount: number;

  override add(entry: IndexedEntry): void {
    this.capturing = true;
    try {
      super.add(entry);
    } finally {
      this.capturing = false;
    }
    const shortId = this._idToShortId.get(entry.seq)!;
    this.offsetsByShortId[shortId] = this.encodeOffsets();
    this.captured.clear();
    this.byShortId[shortId] = entry;
    this.recordSeq(shortId, entry.seq);
    this.recordLengths(shortId, this._fieldLength.get(shortId));
    this.filterColumns.add(shortId, entry.doc);
  }

  override remove(entry: IndexedEntry): void {
    const shortId = this._idToShortId.get(entry.seq);
    super.remove(entry);
    if (shortId === undefined) return;
    this.byShortId[shortId] = undefined;
    this.recordLengths(shortId, undefined);
    this.offsetsByShortId[shortId] = undefined;
    this.filterColumns.remove(shortId, entry.doc);
  }

  private encodeOffsets(): Uint16Array | Uint32Array | undefined {
    if (this.captured.size === 0) return undefined;
    const kept = this.keptFields;
    let length = kept.length;
    let largest = 0;
    for (const tokens of this.captured.values()) {
      length += 2 * tokens.length;
      largest = Math.max(largest, tokens.length, tokens[tokens.length - 1]?.end ?? 0);
    }
    const encoded = largest > 0xffff ? new Uint32Array(length) : new Uint16Array(length);
    let at = 0;
    for (const field of kept) {
      const tokens = this.captured.get(field) ?? [];
      encoded[at++] = tokens.length;
      for (const token of tokens) {
        encoded[at++] = token.start;
        encoded[at++] = token.end;
      }
    }
    return encoded;
  }

  /**
   * Where the tokens of a kept field of a document are: `count` of them, the
   * i-th from `offsets[at + 2i]` to `offsets[at + 2i + 1]` in the indexed text
   * (array elements joined by newlines, as `extract` gives them), in text
   * order. Undefined when the field's offsets are not kept.
   */
  fieldOffsets(shortId: number, field: string): KeptOffsets | undefined {
    const offsets = this.offsetsByShortId[shortId];
    if (!offsets || !this.keptField(field)) return undefined;
    let at = 0;
    for (const name of this.keptFields) {
      const count = offsets[at]!;
      if (name === field) return { offsets, at: at + 1, count };
      at += 1 + 2 * count;
    }
    return undefined;
  }

  /**
   * Sequence ids by short id: ties in sort order go by them, and a common
   * word ties thousands of documents on every other key; reading them from
   * the entries cost a cache miss each.
   */
  private seqs = new Float64Array(0);

  private recordSeq(shortId: number, seq: number): void {
    if (shortId >= this.seqs.length) {
      const grown = new Float64Array(Math.max(shortId + 1, 2 * this.seqs.length, 1024));
      grown.set(this.seqs);
      this.seqs = grown;
    }
    this.seqs[shortId] = seq;
  }

  /** The sequence id of the live document under a short id. */
  seqOf(shortId: number): number {
    return this.seqs[shortId]!;
  }

  private recordLengths(shortId: number, lengths: number[] | undefined): void {
    const start = shortId * this.fieldCount;
    if (start + this.fieldCount > this.lengths.length) {
      const grown = new Uint8Array(Math.max(start + this.fieldCount, 2 * this.lengths.length, 1024));
      grown.set(this.lengths);
      this.lengths = grown;
    }
    for (let field = 0; field < this.fieldCount; field += 1) this.lengths[start + field] = Math.min(lengths?.[field] ?? 0, 255);
  }

  private *documentsByShortId(): Iterable<[number, Record<string, unknown>]> {
    for (let shortId = 0; shortId < this.byShortId.length; shortId += 1) {
      const entry = this.byShortId[shortId];
      if (entry) yield [shortId, entry.doc];
    }
  }

  fieldIdOf(field: string): number | undefined {
    return this._fieldIds[field];
  }

  /** The entry indexed under a MiniSearch short id, or undefined once removed. */
  entryOf(shortId: number): IndexedEntry | undefined {
    return this.byShortId[shortId];
  }

  /** One more than the largest short id handed out so far, for arrays indexed by short id. */
  shortIdCapacity(): number {
    return this._nextId;
  }

  /** Number of tokens MiniSearch counted for a field of a document, up to 255. */
  fieldLength(shortId: number, fieldId: number): number {
    return this.lengths[shortId * this.fieldCount + fieldId] ?? 0;
  }

  postings(term: string): TermPostings | undefined {
    return this._index.get(term);
  }

  /** Indexed terms starting with `prefix`, with their document frequency. */
  termsWithPrefix(prefix: string, limit: number): Array<{ term: string; frequency: number }> {
    const found: Array<{ term: string; frequency: number }> = [];
    for (const [term, data] of this._index.atPrefix(prefix)) {
      if (term === prefix) continue;
      found.push({ term, frequency: documentFrequency(data) });
    }
    found.sort((a, b) => b.frequency - a.frequency || a.term.length - b.term.length);
    return found.slice(0, limit);
  }

  /** Indexed terms within `distance` edits of `term` (Levenshtein), excluding the term itself. */
  termsWithin(term: string, distance: number): Array<{ term: string; distance: number; frequency: number }> {
    const found: Array<{ term: string; distance: number; frequency: number }> = [];
    for (const [candidate, [data, edits]] of this._index.fuzzyGet(term, distance)) {
      if (edits === 0) continue;
      found.push({ term: candidate, distance: edits, frequency: documentFrequency(data) });
    }
    found.sort((a, b) => a.distance - b.distance || b.frequency - a.frequency);
    return found;
  }
}

function documentFrequency(data: TermPostings): number {
  let total = 0;
  for (const docs of data.values()) total += docs.size;
  return total;
}
