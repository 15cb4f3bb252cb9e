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

export interface IndexedEntry {
  seq: number;
  doc: Record<string, unknown>;
}

export interface TermIndexOptions {
  fields: string[];
  extract: (doc: Record<string, unknown>, field: string) => string | undefined;
  tokenize: (text: string, field: string) => string[];
}

/** Postings of one term: field id → (MiniSearch short id → term frequency). */
export type TermPostings = Map<number, Map<number, number>>;

export class TermIndex extends MiniSearch<IndexedEntry> {
  constructor(options: TermIndexOptions) {
    super({
      idField: 'seq',
      fields: options.fields,
      extractField: (entry, field) => (field === 'seq' ? entry.seq : options.extract(entry.doc, field)),
      tokenize: (text, field) => options.tokenize(text, field ?? ''),
      // Terms arrive normalised from the analyzer; MiniSearch's default would lower-case again.
      processTerm: (term) => term,
    });
  }

  fieldIdOf(field: string): number | undefined {
    return this._fieldIds[field];
  }

  /** Our sequence number for a MiniSearch short id, or undefined once removed. */
  seqOf(shortId: number): number | undefined {
    return this._documentIds.get(shortId) as number | undefined;
  }

  /** One more than the largest short id handed out so far, for arrays indexed by short id. */
  shortIdCapacity(): number {
    return this._nextId;
  }

  /** Number of tokens MiniSearch counted for a field of a document. */
  fieldLength(shortId: number, fieldId: number): number {
    return this._fieldLength.get(shortId)?.[fieldId] ?? 0;
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
