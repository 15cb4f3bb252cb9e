/**
 * JSONL import/export and filter-driven delete/update. Long loops yield to the
 * event loop every few tens of milliseconds so searches keep being served
 * while a large import is indexed.
 */
import { ApiError, badRequest } from './api-error';
import type { CollectionStore, WriteAction } from './collection-store';
import { Slicer } from './event-loop-slicer';
import { compileFilter, FilterError, parseFilterBy, type FilterPredicate } from './filter/index';
import type { DirtyValues } from './schema';
import { projectDocument } from './search-executor';

type Json = Record<string, unknown>;

export interface ImportOptions {
  action: WriteAction;
  dirty: DirtyValues;
  returnId: boolean;
  returnDoc: boolean;
}

export function parseAction(value: string | undefined): WriteAction {
  const action = value ?? 'create';
  if (action === 'create' || action === 'upsert' || action === 'update' || action === 'emplace') return action;
  throw badRequest('The `action` can be either `create`, `update`, `upsert` or `emplace`.');
}

export function parseDirtyValues(value: string | undefined): DirtyValues {
  const dirty = value ?? 'coerce_or_reject';
  if (dirty === 'coerce_or_reject' || dirty === 'coerce_or_drop' || dirty === 'drop' || dirty === 'reject') return dirty;
  throw badRequest('Parameter `dirty_values` must be one of `coerce_or_reject`, `coerce_or_drop`, `drop` or `reject`.');
}

export function compileFilterParam(expression: string | undefined, store: CollectionStore): FilterPredicate {
  if (expression === undefined || expression.trim() === '') throw badRequest('Parameter `filter_by` must be provided.');
  try {
    return compileFilter(parseFilterBy(expression, store.schema));
  } catch (error) {
    if (error instanceof FilterError) throw new ApiError(error.status, error.message);
    throw error;
  }
}

export async function importDocuments(store: CollectionStore, body: string, options: ImportOptions): Promise<string> {
  const results: string[] = [];
  const slicer = new Slicer();
  for (const line of body.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    let result: Json;
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(trimmed);
      } catch {
        throw badRequest('Bad JSON.');
      }
      const stored = store.write(parsed, options.action, options.dirty);
      result = { success: true };
      if (options.returnId) result.id = stored.id;
      if (options.returnDoc) result.document = stored;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      result = { code: error.status, document: trimmed, error: error.message, success: false };
    }
    results.push(JSON.stringify(result));
    await slicer.maybeYield();
  }
  return results.join('\n');
}

export async function exportDocuments(store: CollectionStore, params: Record<string, string | undefined>): Promise<string> {
  const predicate = params.filter_by ? compileFilterParam(params.filter_by, store) : undefined;
  const include = params.include_fields ? params.include_fields.split(',').map((f) => f.trim()).filter(Boolean) : [];
  const exclude = params.exclude_fields ? params.exclude_fields.split(',').map((f) => f.trim()).filter(Boolean) : [];
  const lines: string[] = [];
  const slicer = new Slicer();
  for (const entry of [...store.entries.values()].sort((a, b) => a.seq - b.seq)) {
    if (predicate && !predicate(entry.doc)) continue;
    lines.push(JSON.stringify(projectDocument(entry.doc, include, exclude)));
    await slicer.maybeYield();
  }
  return lines.join('\n');
}

export async function deleteByFilter(store: CollectionStore, params: Record<string, string | undefined>): Promise<{ num_deleted: number }> {
  const predicate: FilterPredicate = params.truncate === 'true' ? () => true : compileFilterParam(params.filter_by, store);
  const ids = [...store.entries.values()].filter((entry) => predicate(entry.doc)).map((entry) => entry.doc.id as string);
  const slicer = new Slicer();
  for (const id of ids) {
    store.remove(id);
    await slicer.maybeYield();
  }
  return { num_deleted: ids.length };
}

export async function updateByFilter(store: CollectionStore, params: Record<string, string | undefined>, patch: unknown): Promise<{ num_updated: number }> {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw badRequest('Bad JSON.');
  if ('id' in patch) throw badRequest('The `id` field cannot be updated.');
  const predicate = compileFilterParam(params.filter_by, store);
  const ids = [...store.entries.values()].filter((entry) => predicate(entry.doc)).map((entry) => entry.doc.id as string);
  const dirty = parseDirtyValues(params.dirty_values);
  const slicer = new Slicer();
  for (const id of ids) {
    store.write({ ...(patch as Json), id }, 'update', dirty);
    await slicer.maybeYield();
  }
  return { num_updated: ids.length };
}
