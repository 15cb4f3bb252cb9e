/**
 * Numbers of top-level fields laid out by MiniSearch short id, built the first
 * time a filter needs a field and kept by the term index's writes. A filter on
 * them runs over a typed array instead of reading the field from documents
 * scattered over the heap: the eligibility filter of a match reached a
 * hundred thousand or more documents that way, most of them to refuse.
 */
export class NumericColumns {
  private readonly columns = new Map<string, NumericColumn>();

  constructor(private readonly documents: () => Iterable<[shortId: number, doc: Record<string, unknown>]>) {}

  /** The field's values by short id (NaN where a document holds no number), or undefined when some document holds an array there. */
  column(field: string): Float64Array | undefined {
    if (field.includes('.')) return undefined;
    let column = this.columns.get(field);
    if (!column) {
      column = new NumericColumn();
      for (const [shortId, doc] of this.documents()) column.set(shortId, doc[field]);
      this.columns.set(field, column);
    }
    return column.usable ? column.values : undefined;
  }

  add(shortId: number, doc: Record<string, unknown>): void {
    for (const [field, column] of this.columns) column.set(shortId, doc[field]);
  }

  remove(shortId: number): void {
    for (const column of this.columns.values()) column.set(shortId, undefined);
  }
}

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
