/**
 * `sort_by` parsing and comparison: schema fields, `_text_match`, `_seq_id`
 * and `_eval(...)` conditional boosts (a single filter, or a weighted list
 * where a document scores the weight of the first expression it matches).
 */
import { ApiError, badRequest } from './api-error';
import { compileFilter, parseFilterBy, type FilterSchema } from './filter/index';
import { isStringType, readPath, type CollectionSchema } from './schema';

export interface RankedHit {
  seq: number;
  doc: Record<string, unknown>;
  textMatch: number;
}

export interface SortKey {
  direction: 1 | -1;
  value: (hit: RankedHit) => number | string | undefined;
  /** `field(missing_values: first)`; by default documents without the value sort last. */
  missingFirst?: boolean;
}

const MAX_SORT_FIELDS = 3;

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

function evalScorer(inner: string, schema: FilterSchema): (hit: RankedHit) => number {
  const trimmed = inner.trim();
  if (!trimmed.startsWith('[')) {
    const predicate = compileFilter(parseFilterBy(trimmed, schema));
    return (hit) => (predicate(hit.doc) ? 1 : 0);
  }
  if (!trimmed.endsWith(']')) throw badRequest('Error parsing eval expression in sort_by clause.');
  const branches = splitTopLevel(trimmed.slice(1, -1)).map((part) => {
    const match = /^\((.*)\)\s*:\s*(-?\d+(?:\.\d+)?)$/s.exec(part);
    if (!match) throw badRequest('Error parsing eval expression in sort_by clause.');
    return { predicate: compileFilter(parseFilterBy(match[1]!, schema)), weight: Number(match[2]) };
  });
  return (hit) => {
    for (const branch of branches) if (branch.predicate(hit.doc)) return branch.weight;
    return 0;
  };
}

export function parseSortBy(sortBy: string | undefined, schema: CollectionSchema, textQuery: boolean): SortKey[] {
  const clauses = sortBy && sortBy.trim() !== '' ? splitTopLevel(sortBy) : defaultClauses(schema, textQuery);
  if (clauses.length > MAX_SORT_FIELDS) throw badRequest('Only upto 3 sort_by fields can be specified.');
  const keys: SortKey[] = clauses.map((clause) => {
    const colon = clause.lastIndexOf(':');
    if (colon < 0) throw badRequest(`Bad syntax for sorting field \`${clause}\``);
    const expression = clause.slice(0, colon).trim();
    const direction = parseDirection(clause.slice(colon + 1), expression);
    if (expression.startsWith('_eval(') && expression.endsWith(')')) {
      return { direction, value: evalScorer(expression.slice('_eval('.length, -1), schema) };
    }
    const name = expression.replace(/\(.*\)$/s, '').trim();
    if (name === '_text_match') return { direction, value: (hit) => hit.textMatch };
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
 * Sorts hits by the keys, then by descending sequence id (newest first) as
 * Typesense breaks ties. Key values are computed once into columns and an
 * index permutation is sorted, which keeps allocation flat for large result sets.
 */
export function sortHits<T extends RankedHit>(hits: T[], keys: SortKey[]): T[] {
  const columns = keys.map((key) => hits.map((hit) => key.value(hit)));
  const order = Array.from({ length: hits.length }, (_, i) => i);
  order.sort((a, b) => {
    for (let k = 0; k < keys.length; k += 1) {
      const column = columns[k]!;
      const left = column[a];
      const right = column[b];
      if (left === right) continue;
      const key = keys[k]!;
      if (left === undefined) return key.missingFirst ? -1 : 1;
      if (right === undefined) return key.missingFirst ? 1 : -1;
      return (left < right ? -1 : 1) * key.direction;
    }
    return hits[b]!.seq - hits[a]!.seq;
  });
  return order.map((i) => hits[i]!);
}
