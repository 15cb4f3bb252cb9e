/**
 * What filters read of documents, laid out by MiniSearch short id, built the
 * first time a filter needs a field and kept by the term index's writes: the
 * numbers of a numeric field in a typed array, and the documents holding each
 * exact-match key of a string or bool field. A filter built of such clauses
 * is decided for every document at once (`filterBitset`) instead of reading
 * the field from documents scattered over the heap: the eligibility filter of
 * a match reached a hundred thousand or more documents that way, most of them
 * to refuse, and the `_eval` boosts of its probes as many again.
 */
export type ExactKey = (value: unknown) => string | undefined;

export class FilterColumns {
  private readonly numeric = new Map<string, NumericColumn>();
  private readonly keyed = new Map<string, KeySets>();
  /** Clause bitsets by clause, dropped by any write; the oldest goes first past `KEPT_CLAUSES`. */
  private readonly clauses = new Map<string, Uint8Array | undefined>();
  /**
   * Bitsets the clause cache let go, for the next clause to fill: each match
   * brings clauses of its own (qualification fields, dates), and allocating
   * theirs anew made about a megabyte of array buffers a match for the
   * collector to count towards its next full collection.
   */
  private readonly spare: Uint8Array[] = [];

  constructor(
    private readonly documents: () => Iterable<[shortId: number, doc: Record<string, unknown>]>,
    /** The exact-match key of a field's values (as `:=` compares them), or undefined for fields of other types. */
    private readonly keyOf: (field: string) => ExactKey | undefined,
    /** The collection's declared single-number fields. */
    private readonly numericFields: () => string[] = () => [],
  ) {}

  /**
   * The field's values by short id (NaN where a document holds no number), or
   * undefined when some document holds an array there. The first use of a
   * declared number field builds the columns of all of them in one pass: a
   * match filters on one of some thirty qualification fields, and the first
   * match to use each paid a pass over every document for it.
   */
  numbers(field: string): Float64Array | undefined {
    if (field.includes('.')) return undefined;
    let column = this.numeric.get(field);
    if (!column) {
      const declared = this.numericFields();
      const fields = declared.includes(field) ? declared.filter((name) => !this.numeric.has(name)) : [field];
      const columns = fields.map(() => new NumericColumn());
      for (const [shortId, doc] of this.documents()) for (let i = 0; i < fields.length; i += 1) columns[i]!.set(shortId, doc[fields[i]!]);
      fields.forEach((name, i) => this.numeric.set(name, columns[i]!));
      column = this.numeric.get(field)!;
    }
    return column.usable ? column.values : undefined;
  }

  /** Short ids of the documents holding each key (any element, for arrays), or undefined for a field without exact-match keys. */
  keys(field: string): Map<string, Set<number>> | undefined {
    if (field.includes('.')) return undefined;
    let sets = this.keyed.get(field);
    if (!sets) {
      const key = this.keyOf(field);
      if (!key) return undefined;
      // Building analyses every value; codes, provinces and flags repeat across the collection, so each distinct value is analysed once.
      const seen = new Map<unknown, string | undefined>();
      const building = new KeySets((value) => {
        if (!seen.has(value)) seen.set(value, key(value));
        return seen.get(value);
      });
      for (const [shortId, doc] of this.documents()) building.add(shortId, doc[field]);
      sets = new KeySets(key, building.byKey);
      this.keyed.set(field, sets);
    }
    return sets.byKey;
  }

  /** The clause's bitset as `build` made it since the last write (see `FilterColumns` in filter-bitset.ts). */
  kept(key: string, build: () => Uint8Array | undefined): Uint8Array | undefined {
    if (this.clauses.has(key)) return this.clauses.get(key);
    const built = build();
    if (this.clauses.size >= KEPT_CLAUSES) {
      const oldest = this.clauses.keys().next().value!;
      this.letGo(this.clauses.get(oldest));
      this.clauses.delete(oldest);
    }
    this.clauses.set(key, built);
    return built;
  }

  /** A bitset of `capacity` bytes, all 0: one the clause cache let go when there is one of that size. */
  blank(capacity: number): Uint8Array {
    let bitset = this.spare.pop();
    while (bitset && bitset.length !== capacity) bitset = this.spare.pop();
    return bitset ? bitset.fill(0) : new Uint8Array(capacity);
  }

  private letGo(bitset: Uint8Array | undefined): void {
    if (bitset && this.spare.length < SPARE_BITSETS) this.spare.push(bitset);
  }

  private dropClauses(): void {
    for (const bitset of this.clauses.values()) this.letGo(bitset);
    this.clauses.clear();
  }

  add(shortId: number, doc: Record<string, unknown>): void {
    this.dropClauses();
    for (const [field, column] of this.numeric) column.set(shortId, doc[field]);
    for (const [field, sets] of this.keyed) sets.add(shortId, doc[field]);
  }

  remove(shortId: number, doc: Record<string, unknown>): void {
    this.dropClauses();
    for (const column of this.numeric.values()) column.set(shortId, undefined);
    for (const [field, sets] of this.keyed) sets.remove(shortId, doc[field]);
  }
}

/** A bitset is a byte per document: 64 of them are 6.4 MB at 100 000 documents. */
const KEPT_CLAUSES = 64;
/** A match builds a handful of clauses of its own. */
const SPARE_BITSETS = 16;

class NumericColumn {
  values = new Float64Array(1024).fill(NaN);
  /** False once any document held an array: then "any element" semantics need the documents themselves. */
  usable = true;

  set(shortId: number, value: unknown): void {
    if (Array.isArray(value)) this.usable = false;
    if (shortId >= this.values.length) {
      const grown = new Float64Array(Math.max(shortId + 1, this.values.length * 2)).fill(NaN);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[shortId] = typeof value === 'number' ? value : NaN;
  }
}

class KeySets {
  constructor(
    private readonly keyOf: ExactKey,
    readonly byKey = new Map<string, Set<number>>(),
  ) {}

  add(shortId: number, value: unknown): void {
    for (const element of Array.isArray(value) ? value : [value]) {
      const key = this.keyOf(element);
      if (key === undefined) continue;
      let ids = this.byKey.get(key);
      if (!ids) this.byKey.set(key, (ids = new Set()));
      ids.add(shortId);
    }
  }

  remove(shortId: number, value: unknown): void {
    for (const element of Array.isArray(value) ? value : [value]) {
      const key = this.keyOf(element);
      const ids = key === undefined ? undefined : this.byKey.get(key);
      ids?.delete(shortId);
      if (ids?.size === 0) this.byKey.delete(key!);
    }
  }
}
