/**
 * One collection: its schema, stored documents (in memory only — MongoDB is
 * the source of truth and the app re-imports at start) and the term index over
 * its searchable string fields.
 */
import { ApiError, badRequest, conflict, notFound } from './api-error';
import { Slicer } from './event-loop-slicer';
import { tokenizeText, type ExactConstraint } from './filter/index';
import { CollectionSchema, readPath, type DirtyValues, type FieldDefinition } from './schema';
import type { ExactKey } from './filter-columns';
import { TermIndex, type IndexedEntry } from './term-index';
import { analyzeText, needsSegmentation } from './text-analyzer';

export type WriteAction = 'create' | 'upsert' | 'update' | 'emplace';
type Json = Record<string, unknown>;

export class CollectionStore {
  readonly schema: CollectionSchema;
  readonly createdAt = Math.floor(Date.now() / 1000);
  readonly entries = new Map<number, IndexedEntry>();
  private seqById = new Map<string, number>();
  private nextSeq = 0;
  index: TermIndex;
  /** Searchable fields the current index was built with. */
  private indexedFields: FieldDefinition[] = [];
  /** Set while a rebuild runs: sequence numbers written or removed since it started. */
  private changedDuringRebuild: Set<number> | undefined;
  private rebuildRequested = false;
  private rebuilding: Promise<void> | undefined;

  constructor(schema: CollectionSchema) {
    this.schema = schema;
    this.indexedFields = schema.searchableFields();
    this.index = this.emptyIndex(this.indexedFields);
  }

  get name(): string {
    return this.schema.options.name;
  }

  get size(): number {
    return this.entries.size;
  }

  summary(): Json {
    return { ...this.schema.toJSON(), created_at: this.createdAt, num_documents: this.size, num_memory_shards: 4 };
  }

  indexedField(name: string): FieldDefinition | undefined {
    return this.indexedFields.find((field) => field.name === name);
  }

  private emptyIndex(fields: FieldDefinition[]): TermIndex {
    const byName = new Map(fields.map((field) => [field.name, field]));
    return new TermIndex({
      fields: fields.map((field) => field.name),
      extract: (doc, field) => flattenText(readPath(doc, field)),
      analyze: (text, field) => {
        const definition = byName.get(field);
        return definition ? analyzeText(text, definition.locale, this.schema.analyzerOptions(definition)) : [];
      },
      keepsOffsets: (field) => needsSegmentation(byName.get(field)?.locale),
      exactKey: (field) => valueKeyOf(this.schema, field),
      numericFields: () => this.schema.concreteFields().flatMap((field) => (NUMBER_TYPES.has(field.type) && !field.name.includes('.') ? [field.name] : [])),
    });
  }

  /**
   * Called after the schema gained or lost searchable fields (a schema update,
   * or the first document with a new `auto`/regex string field). The term
   * index is rebuilt beside the current one in event-loop slices — on 100 000
   * documents a synchronous rebuild blocked the process for many seconds —
   * and searches use the current index until the new one takes over.
   */
  reindex(): void {
    this.rebuildRequested = true;
    this.rebuilding ??= this.rebuildUntilCurrent().finally(() => {
      this.rebuilding = undefined;
    });
  }

  /** Resolves once no index rebuild is pending, so a write's reply means its fields are searchable. */
  indexReady(): Promise<void> {
    return this.rebuilding ?? Promise.resolve();
  }

  private async rebuildUntilCurrent(): Promise<void> {
    while (this.rebuildRequested) {
      this.rebuildRequested = false;
      await this.rebuildIndex();
    }
  }

  private async rebuildIndex(): Promise<void> {
    const fields = this.schema.searchableFields();
    const index = this.emptyIndex(fields);
    const added = new Map<number, IndexedEntry>();
    const changed = new Set<number>();
    this.changedDuringRebuild = changed;
    const slicer = new Slicer();
    try {
      for (const entry of [...this.entries.values()]) {
        index.add(entry);
        added.set(entry.seq, entry);
        await slicer.maybeYield();
      }
    } finally {
      this.changedDuringRebuild = undefined;
    }
    // Writes that landed between slices went to the current index; bring the new one level with them.
    for (const seq of changed) {
      const stale = added.get(seq);
      if (stale) index.remove(stale);
      const current = this.entries.get(seq);
      if (current) index.add(current);
    }
    this.index = index;
    this.indexedFields = fields;
  }

  /**
   * The documents a filter can match, narrowed by its exact-match constraints
   * (`exactMatchConstraints`) on string, bool and id fields: the smallest set
   * one of them allows, from the term index's key sets. Every candidate must
   * still pass the compiled filter. Undefined when no constraint can be looked
   * up: then every document is.
   */
  filterCandidates(constraints: ExactConstraint[]): IndexedEntry[] | undefined {
    let best: IndexedEntry[] | undefined;
    for (const constraint of constraints) {
      const allowed = this.entriesAllowedBy(constraint);
      if (allowed && (!best || allowed.length < best.length)) best = allowed;
    }
    return best;
  }

  private entriesAllowedBy(constraint: ExactConstraint): IndexedEntry[] | undefined {
    if (constraint.kind === 'id') {
      const seqs = new Set(constraint.values.map((id) => this.seqById.get(String(id))).filter((seq): seq is number => seq !== undefined));
      return [...seqs].map((seq) => this.entries.get(seq)!);
    }
    if (constraint.kind !== 'string' && constraint.kind !== 'bool') return undefined;
    const sets = this.index.filterColumns.keys(constraint.field);
    if (!sets) return undefined;
    const shortIds = new Set<number>();
    for (const value of constraint.values) for (const shortId of sets.get(String(value)) ?? []) shortIds.add(shortId);
    return [...shortIds].map((shortId) => this.index.entryOf(shortId)).filter((entry): entry is IndexedEntry => entry !== undefined);
  }

  getDocument(id: string): Json {
    const seq = this.seqById.get(id);
    if (seq === undefined) throw notFound(`Could not find a document with id: ${id}`);
    return this.entries.get(seq)!.doc;
  }

  hasDocument(id: string): boolean {
    return this.seqById.has(id);
  }

  write(input: unknown, action: WriteAction, dirty: DirtyValues): Json {
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw badRequest('Bad JSON.');
    const doc = input as Json;
    if (doc.id !== undefined && typeof doc.id !== 'string') throw badRequest("Document's `id` field should be a string.");
    let id = doc.id as string | undefined;
    if (id === '') throw badRequest("The `id` field of the document cannot be empty.");
    const existingSeq = id === undefined ? undefined : this.seqById.get(id);
    let merged: Json;
    switch (action) {
      case 'create':
        if (existingSeq !== undefined) throw conflict(`A document with id ${id} already exists.`);
        merged = doc;
        break;
      case 'upsert':
        merged = doc;
        break;
      case 'update':
        if (id === undefined) throw badRequest('For update, the `id` key must be provided.');
        if (existingSeq === undefined) throw notFound(`Could not find a document with id: ${id}`);
        merged = mergeUpdate(this.entries.get(existingSeq)!.doc, doc);
        break;
      case 'emplace':
        merged = existingSeq === undefined ? doc : mergeUpdate(this.entries.get(existingSeq)!.doc, doc);
        break;
    }
    const { doc: validated, newFields } = this.schema.validate(merged, 'full', dirty);
    if (id === undefined) {
      do id = String(this.nextSeq++);
      while (this.seqById.has(id));
    }
    const stored: Json = { id, ...validated };
    stored.id = id;
    const added = this.materialise(newFields);
    const seq = existingSeq ?? this.nextSeq++;
    const previous = this.entries.get(seq);
    const entry: IndexedEntry = { seq, doc: stored };
    if (previous) {
      this.index.remove(previous);
    }
    this.entries.set(seq, entry);
    this.seqById.set(id, seq);
    this.index.add(entry);
    this.changedDuringRebuild?.add(seq);
    if (added) this.reindex();
    return stored;
  }

  /** Adds dynamic fields first seen in a document; true when the index must be rebuilt. */
  private materialise(fields: FieldDefinition[]): boolean {
    let searchable = false;
    for (const field of fields) {
      const existing = this.schema.declared(field.name);
      if (existing) {
        if (existing.type !== field.type) throw new ApiError(400, `Field \`${field.name}\` must be ${existing.type.startsWith('int') ? 'an' : 'a'} ${existing.type}.`);
        continue;
      }
      this.schema.addField(field);
      if (field.index && field.type.startsWith('string')) searchable = true;
    }
    return searchable;
  }

  remove(id: string): Json {
    const seq = this.seqById.get(id);
    if (seq === undefined) throw notFound(`Could not find a document with id: ${id}`);
    const entry = this.entries.get(seq)!;
    this.index.remove(entry);
    this.entries.delete(seq);
    this.seqById.delete(id);
    this.changedDuringRebuild?.add(seq);
    return entry.doc;
  }
}

/** The key a `:=` / `[...]` clause on the field compares values by, or undefined when values of its type are not indexed. */
const NUMBER_TYPES = new Set(['int32', 'int64', 'float']);

function valueKeyOf(schema: CollectionSchema, field: string): ExactKey | undefined {
  const info = field.includes('.') ? undefined : schema.field(field);
  if (!info) return undefined;
  if (info.type === 'string' || info.type === 'string[]') {
    const tokenize = info.tokenize ?? tokenizeText;
    return (value) => (typeof value === 'string' ? tokenize(value).join(' ') : undefined);
  }
  if (info.type === 'bool' || info.type === 'bool[]') return (value) => (typeof value === 'boolean' ? String(value) : undefined);
  return undefined;
}

function mergeUpdate(existing: Json, patch: Json): Json {
  const merged: Json = { ...existing };
  for (const [key, value] of Object.entries(patch)) {
    // Typesense removes an optional field when an update sets it to null.
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

export function flattenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((item) => typeof item === 'string').join('\n');
  return undefined;
}
