/**
 * `facet_by` counts over every matching document (not just the page), with
 * `max_facet_values`, `facet_query` prefix narrowing and numeric `stats`.
 */
import { ApiError, badRequest } from './api-error';
import { isNumericType, readPath, type CollectionSchema, type FieldDefinition } from './schema';

export interface FacetRequest {
  fields: FieldDefinition[];
  maxValues: number;
  query?: { field: string; tokens: string[] };
  startTag: string;
  endTag: string;
}

interface FacetCount {
  count: number;
  highlighted: string;
  value: string;
}

export function parseFacetRequest(params: { facet_by?: string; max_facet_values?: string; facet_query?: string; startTag: string; endTag: string }, schema: CollectionSchema, analyze: (field: FieldDefinition, text: string) => string[]): FacetRequest | undefined {
  if (!params.facet_by || params.facet_by.trim() === '') return undefined;
  const fields = params.facet_by.split(',').map((raw) => {
    const name = raw.trim().replace(/\(.*\)$/s, '');
    const field = schema.declared(name);
    if (!field || !field.facet) throw new ApiError(404, `Could not find a facet field named \`${name}\` in the schema.`);
    return field;
  });
  const maxValues = params.max_facet_values === undefined ? 10 : Number(params.max_facet_values);
  if (!Number.isInteger(maxValues) || maxValues < 0) throw badRequest('Parameter `max_facet_values` must be an unsigned integer.');
  const request: FacetRequest = { fields, maxValues, startTag: params.startTag, endTag: params.endTag };
  if (params.facet_query && params.facet_query.trim() !== '') {
    const colon = params.facet_query.indexOf(':');
    if (colon < 0) throw badRequest('Facet query must be in the `facet_field: value` format.');
    const name = params.facet_query.slice(0, colon).trim();
    const field = fields.find((candidate) => candidate.name === name);
    if (!field) throw badRequest(`Facet query refers to a facet field \`${name}\` that is not part of \`facet_by\` parameter.`);
    request.query = { field: name, tokens: analyze(field, params.facet_query.slice(colon + 1).trim()) };
  }
  return request;
}

function facetString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function countFacets(request: FacetRequest, docs: Iterable<Record<string, unknown>>, analyze: (field: FieldDefinition, text: string) => string[]): unknown[] {
  const counters = request.fields.map(() => new Map<string, number>());
  const numeric = request.fields.map((field) => isNumericType(field.type));
  const stats = request.fields.map(() => ({ min: Infinity, max: -Infinity, sum: 0, count: 0 }));
  const tally = (index: number, value: unknown): void => {
    const key = facetString(value);
    if (key === undefined) return;
    const counter = counters[index]!;
    counter.set(key, (counter.get(key) ?? 0) + 1);
    if (numeric[index] && typeof value === 'number') {
      const stat = stats[index]!;
      if (value < stat.min) stat.min = value;
      if (value > stat.max) stat.max = value;
      stat.sum += value;
      stat.count += 1;
    }
  };
  // Runs over every matching document (tens of thousands for a common word), so no per-document closures or arrays.
  for (const doc of docs) {
    for (let index = 0; index < request.fields.length; index += 1) {
      const raw = readPath(doc, request.fields[index]!.name);
      if (raw === undefined || raw === null) continue;
      if (Array.isArray(raw)) for (const value of raw) tally(index, value);
      else tally(index, raw);
    }
  }
  return request.fields.map((field, index) => {
    let counts: FacetCount[] = [...counters[index]!].map(([value, count]) => ({ count, highlighted: value, value }));
    const query = request.query?.field === field.name ? request.query : undefined;
    if (query && query.tokens.length > 0) {
      counts = counts.filter((entry) => {
        const highlighted = highlightFacet(entry.value, query.tokens, field, analyze, request);
        if (highlighted === undefined) return false;
        entry.highlighted = highlighted;
        return true;
      });
    }
    counts.sort((a, b) => b.count - a.count);
    const totalValues = counts.length;
    const result: Record<string, unknown> = {
      counts: counts.slice(0, request.maxValues),
      field_name: field.name,
      sampled: false,
      stats: { total_values: totalValues },
    };
    const stat = stats[index]!;
    if (numeric[index] && stat.count > 0) {
      result.stats = { avg: stat.sum / stat.count, max: stat.max, min: stat.min, sum: stat.sum, total_values: totalValues };
    }
    return result;
  });
}

/** Every query token must prefix a distinct word of the value; returns the value with those prefixes marked. */
function highlightFacet(value: string, queryTokens: string[], field: FieldDefinition, analyze: (field: FieldDefinition, text: string) => string[], request: FacetRequest): string | undefined {
  const words = value.split(/(\s+)/);
  const used = new Set<number>();
  const marks = new Map<number, number>();
  for (const token of queryTokens) {
    const at = words.findIndex((word, index) => !used.has(index) && analyze(field, word)[0]?.startsWith(token));
    if (at < 0) return undefined;
    used.add(at);
    marks.set(at, token.length);
  }
  return words
    .map((word, index) => {
      const length = marks.get(index);
      return length === undefined ? word : `${request.startTag}${word.slice(0, length)}${request.endTag}${word.slice(length)}`;
    })
    .join('');
}
