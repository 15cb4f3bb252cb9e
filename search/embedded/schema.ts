/**
 * Collection schemas: validation of create/update requests, resolution of field
 * names (declared, nested `a.b`, and `auto`/regex-declared dynamic fields), and
 * validation/coercion of documents against the schema, with Typesense's wording
 * for every rejection.
 */
import { ApiError, badRequest } from './api-error';
import { analyzeText } from './text-analyzer';
import type { FilterFieldInfo, FilterSchema } from './filter/index';

export const FIELD_TYPES = new Set([
  'string', 'string[]', 'int32', 'int32[]', 'int64', 'int64[]', 'float', 'float[]', 'bool', 'bool[]',
  'geopoint', 'geopoint[]', 'object', 'object[]', 'auto', 'string*', 'image',
]);

export interface FieldDefinition {
  name: string;
  type: string;
  facet: boolean;
  optional: boolean;
  index: boolean;
  sort: boolean;
  infix: boolean;
  locale: string;
  stem: boolean;
  store: boolean;
  range_index: boolean;
  token_separators?: string[];
  symbols_to_index?: string[];
}

export interface CollectionOptions {
  name: string;
  default_sorting_field: string;
  enable_nested_fields: boolean;
  token_separators: string[];
  symbols_to_index: string[];
  synonym_sets: string[];
  curation_sets: string[];
  metadata?: Record<string, unknown>;
}

export type DirtyValues = 'coerce_or_reject' | 'coerce_or_drop' | 'drop' | 'reject';
export type WriteMode = 'full' | 'partial';

type Json = Record<string, unknown>;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export function isStringType(type: string): boolean {
  return type === 'string' || type === 'string[]' || type === 'string*';
}

export function isNumericType(type: string): boolean {
  return /^(int32|int64|float)(\[\])?$/.test(type);
}

export function isArrayType(type: string): boolean {
  return type.endsWith('[]');
}

function isWildcardName(name: string): boolean {
  return name === '.*' || /[.*+?^${}()|[\]\\]/.test(name.replace(/\./g, ''));
}

function defaultSortable(type: string): boolean {
  return /^(int32|int64|float|bool)$/.test(type) || type === 'geopoint';
}

/** Reads a value by field name, following `a.b` into nested objects (and arrays of them). */
export function readPath(doc: Json, path: string): unknown {
  // Sorting and faceting read a field of every hit: one property load for the common top-level case.
  const direct = doc[path];
  if (direct !== undefined || path in doc) return direct;
  if (!path.includes('.')) return undefined;
  let values: unknown[] = [doc];
  let spread = false;
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const value of values) {
      if (Array.isArray(value)) {
        spread = true;
        for (const item of value) if (item && typeof item === 'object' && part in item) next.push((item as Json)[part]);
      } else if (value && typeof value === 'object' && part in (value as Json)) next.push((value as Json)[part]);
    }
    if (next.length === 0) return undefined;
    values = next;
  }
  return spread ? values.flat() : values[0];
}

function parseField(raw: unknown, index: number, collection: Partial<CollectionOptions>): FieldDefinition {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('Wrong format for `fields`. It should be an array of objects containing `name`, `type`, `optional` and `facet` properties.');
  const field = raw as Json;
  if (typeof field.name !== 'string' || field.name === '') throw badRequest(`Parameter \`fields[${index}].name\` must be a non-empty string.`);
  if (typeof field.type !== 'string') throw badRequest(`Parameter \`fields[${index}].type\` must be a string.`);
  const name = field.name;
  const type = field.type;
  if (!FIELD_TYPES.has(type)) throw badRequest(`Field \`${name}\` has an invalid data type \`${type}\`, see docs for supported data types.`);
  for (const flag of ['facet', 'optional', 'index', 'sort', 'infix', 'stem', 'store', 'range_index'] as const) {
    if (field[flag] !== undefined && typeof field[flag] !== 'boolean') throw badRequest(`The \`${flag}\` property of the field \`${name}\` should be a boolean.`);
  }
  if (field.locale !== undefined && typeof field.locale !== 'string') throw badRequest(`The \`locale\` property of the field \`${name}\` should be a string.`);
  if ((type === 'object' || type === 'object[]') && !collection.enable_nested_fields) {
    throw badRequest('Type `object` or `object[]` can be used only when nested fields are enabled by setting` enable_nested_fields` to true.');
  }
  const wildcard = isWildcardName(name);
  if (type === 'auto' && !wildcard) throw badRequest(`Field \`${name}\` has an invalid type \`auto\`: only fields with a regex name can be of type \`auto\`.`);
  const sort = typeof field.sort === 'boolean' ? field.sort : defaultSortable(type);
  if (sort && (type === 'object' || type === 'object[]')) throw badRequest(`Field \`${name}\` cannot be a sortable field.`);
  const definition: FieldDefinition = {
    name,
    type,
    facet: field.facet === true,
    optional: field.optional === true || (wildcard && field.optional !== false),
    index: field.index !== false,
    sort,
    infix: field.infix === true,
    locale: typeof field.locale === 'string' ? field.locale : '',
    stem: field.stem === true,
    store: field.store !== false,
    range_index: field.range_index === true,
  };
  if (Array.isArray(field.token_separators)) definition.token_separators = field.token_separators.map(String);
  if (Array.isArray(field.symbols_to_index)) definition.symbols_to_index = field.symbols_to_index.map(String);
  return definition;
}

function stringList(value: unknown, parameter: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw badRequest(`Parameter \`${parameter}\` must be an array of strings.`);
  return value as string[];
}

export function parseCollectionCreate(body: unknown): { options: CollectionOptions; fields: FieldDefinition[] } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Bad JSON.');
  const raw = body as Json;
  if (typeof raw.name !== 'string' || raw.name === '') throw badRequest('Parameter `name` is required.');
  if (raw.fields === undefined) throw badRequest('Parameter `fields` is required.');
  if (!Array.isArray(raw.fields)) throw badRequest('Wrong format for `fields`. It should be an array of objects containing `name`, `type`, `optional` and `facet` properties.');
  if (raw.default_sorting_field !== undefined && typeof raw.default_sorting_field !== 'string') throw badRequest('`default_sorting_field` should be a string.');
  if (raw.enable_nested_fields !== undefined && typeof raw.enable_nested_fields !== 'boolean') throw badRequest('Parameter `enable_nested_fields` must be a boolean.');
  const options: CollectionOptions = {
    name: raw.name,
    default_sorting_field: (raw.default_sorting_field as string | undefined) ?? '',
    enable_nested_fields: raw.enable_nested_fields === true,
    token_separators: stringList(raw.token_separators, 'token_separators'),
    symbols_to_index: stringList(raw.symbols_to_index, 'symbols_to_index'),
    synonym_sets: stringList(raw.synonym_sets, 'synonym_sets'),
    curation_sets: stringList(raw.curation_sets, 'curation_sets'),
  };
  if (raw.metadata !== undefined) {
    if (!raw.metadata || typeof raw.metadata !== 'object' || Array.isArray(raw.metadata)) throw badRequest('The `metadata` value should be an object.');
    options.metadata = raw.metadata as Record<string, unknown>;
  }
  const fields = raw.fields.map((field, index) => parseField(field, index, options));
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.name)) throw badRequest('There are duplicate field names in the schema.');
    seen.add(field.name);
  }
  validateDefaultSortingField(options.default_sorting_field, fields);
  return { options, fields };
}

function validateDefaultSortingField(name: string, fields: FieldDefinition[]): void {
  if (!name) return;
  const field = fields.find((candidate) => candidate.name === name);
  if (!field) throw badRequest(`Default sorting field is defined as \`${name}\` but is not found in the schema.`);
  if (!/^(int32|int64|float|bool|string)$/.test(field.type)) throw badRequest(`Default sorting field \`${name}\` is not a sortable type.`);
  if (field.optional) throw badRequest(`Default sorting field \`${name}\` cannot be an optional field.`);
}

export class CollectionSchema implements FilterSchema {
  options: CollectionOptions;
  fields: FieldDefinition[];
  private byName = new Map<string, FieldDefinition>();
  private patterns: Array<{ regex: RegExp; field: FieldDefinition }> = [];

  constructor(options: CollectionOptions, fields: FieldDefinition[]) {
    this.options = options;
    this.fields = [];
    for (const field of fields) this.addField(field);
  }

  addField(field: FieldDefinition): void {
    this.fields.push(field);
    if (isWildcardName(field.name)) this.patterns.push({ regex: new RegExp(`^(?:${field.name})$`), field });
    else this.byName.set(field.name, field);
  }

  dropField(name: string): void {
    this.fields = this.fields.filter((field) => field.name !== name);
    this.byName.delete(name);
    this.patterns = this.patterns.filter((pattern) => pattern.field.name !== name);
  }

  /** Declared (or already materialised dynamic) field by exact name. */
  declared(name: string): FieldDefinition | undefined {
    return this.byName.get(name);
  }

  /** Concrete fields that hold values: everything except regex declarations. */
  concreteFields(): FieldDefinition[] {
    return [...this.byName.values()];
  }

  searchableFields(): FieldDefinition[] {
    return this.concreteFields().filter((field) => field.index && isStringType(field.type));
  }

  field(name: string): FilterFieldInfo | undefined {
    const field = this.byName.get(name);
    if (!field) return undefined;
    const info: FilterFieldInfo = { name: field.name, type: field.type, facet: field.facet, optional: field.optional, index: field.index };
    if (isStringType(field.type)) info.tokenize = (text) => this.tokens(field, text);
    return info;
  }

  tokens(field: FieldDefinition, text: string): string[] {
    return analyzeText(text, field.locale, this.analyzerOptions(field)).map((token) => token.text);
  }

  analyzerOptions(field: FieldDefinition): { symbolsToIndex: string[]; tokenSeparators: string[] } {
    return {
      symbolsToIndex: field.symbols_to_index ?? this.options.symbols_to_index,
      tokenSeparators: field.token_separators ?? this.options.token_separators,
    };
  }

  toJSON(): Json {
    const { metadata, ...rest } = this.options;
    return {
      ...rest,
      ...(metadata ? { metadata } : {}),
      fields: this.fields.map((field) => ({ ...field })),
    };
  }

  /**
   * Validates one document and returns the stored form plus dynamic fields it
   * introduced. `partial` skips the required-field check (PATCH/update).
   */
  validate(doc: Json, mode: WriteMode, dirty: DirtyValues): { doc: Json; newFields: FieldDefinition[] } {
    const out: Json = { ...doc };
    const newFields: FieldDefinition[] = [];
    for (const field of this.concreteFields()) {
      const present = readPath(doc, field.name);
      if (present === undefined || present === null) {
        if (mode === 'full' && !field.optional) throw badRequest(`Field \`${field.name}\` has been declared in the schema, but is not found in the document.`);
        continue;
      }
      if (field.type === 'object' || field.type === 'object[]') continue;
      const checked = coerceValue(field, present, dirty);
      if (checked === DROP) {
        if (field.name in out) delete out[field.name];
        if (mode === 'full' && !field.optional) throw badRequest(`Field \`${field.name}\` has been declared in the schema, but is not found in the document.`);
        continue;
      }
      if (field.name in doc) out[field.name] = checked;
    }
    if (this.patterns.length > 0) {
      for (const [key, value] of Object.entries(doc)) {
        if (key === 'id' || this.byName.has(key) || value === null || value === undefined) continue;
        const pattern = this.patterns.find((candidate) => candidate.regex.test(key));
        if (!pattern) continue;
        const type = pattern.field.type === 'auto' || pattern.field.type === 'string*' ? inferType(value, pattern.field.type) : pattern.field.type;
        if (!type) continue;
        const field: FieldDefinition = { ...pattern.field, name: key, type, optional: true, sort: pattern.field.sort && !isArrayType(type) };
        const checked = coerceValue(field, value, dirty);
        if (checked === DROP) {
          delete out[key];
          continue;
        }
        out[key] = checked;
        newFields.push(field);
      }
    }
    return { doc: out, newFields };
  }
}

const DROP = Symbol('drop');

function inferType(value: unknown, declared: string): string | undefined {
  if (declared === 'string*') return Array.isArray(value) ? 'string[]' : 'string';
  const scalar = (item: unknown): string | undefined => {
    if (typeof item === 'string') return 'string';
    if (typeof item === 'boolean') return 'bool';
    if (typeof item === 'number') return Number.isInteger(item) ? 'int64' : 'float';
    return undefined;
  };
  if (Array.isArray(value)) {
    const inner = value.length > 0 ? scalar(value[0]) : undefined;
    return inner ? `${inner}[]` : undefined;
  }
  if (value && typeof value === 'object') return undefined;
  return scalar(value);
}

function typeMessage(field: FieldDefinition, base: string): string {
  const article = base === 'int32' || base === 'int64' ? 'an' : 'a';
  return isArrayType(field.type) ? `Field \`${field.name}\` must be an array of ${base}.` : `Field \`${field.name}\` must be ${article} ${base}.`;
}

function coerceValue(field: FieldDefinition, value: unknown, dirty: DirtyValues): unknown {
  const base = field.type.replace('[]', '').replace('*', '');
  if (field.type === 'string*') return Array.isArray(value) ? value.map((item) => coerceScalar(field, 'string', item, dirty)) : coerceScalar(field, 'string', value, dirty);
  if (isArrayType(field.type)) {
    if (!Array.isArray(value)) {
      if (dirty === 'drop' || dirty === 'coerce_or_drop') return DROP;
      throw badRequest(`Field \`${field.name}\` must be an array.`);
    }
    if (base === 'geopoint' && value.length === 2 && value.every((item) => typeof item === 'number')) {
      throw badRequest(`Field \`${field.name}\` must contain 2 element arrays: [ [lat, lng],... ].`);
    }
    const out: unknown[] = [];
    for (const item of value) {
      const coerced = coerceScalar(field, base, item, dirty);
      if (coerced === DROP) return DROP;
      out.push(coerced);
    }
    return out;
  }
  return coerceScalar(field, base, value, dirty);
}

function coerceScalar(field: FieldDefinition, base: string, value: unknown, dirty: DirtyValues): unknown {
  const valid = validScalar(base, value);
  if (valid) return value;
  const coerced = dirty === 'coerce_or_reject' || dirty === 'coerce_or_drop' ? coerceTo(base, value) : undefined;
  if (coerced !== undefined) return coerced;
  if (dirty === 'drop' || dirty === 'coerce_or_drop') return DROP;
  if (base === 'geopoint') throw badRequest(`Field \`${field.name}\` must be a 2 element array: [lat, lng].`);
  throw new ApiError(400, typeMessage(field, base));
}

function validScalar(base: string, value: unknown): boolean {
  switch (base) {
    case 'string':
    case 'image':
      return typeof value === 'string';
    case 'int32':
      return typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
    case 'int64':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'geopoint':
      return Array.isArray(value) && value.length === 2 && value.every((item) => typeof item === 'number' && Number.isFinite(item));
    default:
      return true;
  }
}

function coerceTo(base: string, value: unknown): unknown {
  switch (base) {
    case 'string':
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    case 'int32':
    case 'int64': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'boolean' ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isFinite(number)) return undefined;
      const truncated = Math.trunc(number);
      if (base === 'int32' && (truncated < INT32_MIN || truncated > INT32_MAX)) return undefined;
      return truncated;
    }
    case 'float': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'boolean' ? Number(value) : undefined;
      return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
    }
    case 'bool':
      if (value === 'true' || value === 1) return true;
      if (value === 'false' || value === 0) return false;
      return undefined;
    default:
      return undefined;
  }
}

/** Applies a PATCH /collections/:name `fields` list: additions and `{name, drop: true}` removals. */
export function parseSchemaUpdate(body: unknown, schema: CollectionSchema): { add: FieldDefinition[]; drop: string[] } {
  if (!body || typeof body !== 'object' || !Array.isArray((body as Json).fields)) throw badRequest('The `fields` value should be an array of objects containing the field `name` and other properties.');
  const add: FieldDefinition[] = [];
  const drop: string[] = [];
  ((body as Json).fields as unknown[]).forEach((raw, index) => {
    const entry = raw as Json;
    if (entry && entry.drop === true) {
      if (typeof entry.name !== 'string' || !schema.fields.some((field) => field.name === entry.name)) {
        throw badRequest(`Field \`${String(entry.name)}\` is not part of collection schema.`);
      }
      drop.push(entry.name);
      return;
    }
    const field = parseField(raw, index, schema.options);
    if (schema.fields.some((existing) => existing.name === field.name) && !drop.includes(field.name)) {
      throw badRequest(`Field \`${field.name}\` is already part of the schema: To change this field, drop it first before adding it back to the schema.`);
    }
    add.push(field);
  });
  return { add, drop };
}
