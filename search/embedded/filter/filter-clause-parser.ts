import { FilterError, PARSE_ERROR, fieldError } from './filter-error';
import { tokenizeText } from './filter-text-tokenizer';
import type {
  BoolFilter,
  FilterClause,
  FilterFieldInfo,
  FilterSchema,
  GeoFilter,
  GeoShape,
  IdFilter,
  NumericCondition,
  NumericFilter,
  StringFilter,
  StringPattern,
} from './filter.types';

const EMPTY_VALUE = 'Filter value cannot be empty.';
const INVALID_COMPARATOR = 'Numerical field has an invalid comparator.';
const INTEGER = /^-?\d+$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Parses one `field:value` clause against the schema, validating the value for the field's type. */
export function parseClause(text: string, schema: FilterSchema): FilterClause {
  const colon = text.indexOf(':');
  if (colon === -1) throw new FilterError(400, PARSE_ERROR);
  const name = text.slice(0, colon).trim();
  if (name === '') throw new FilterError(400, PARSE_ERROR);
  const raw = text.slice(colon + 1).trim();

  // Typesense resolves `id` before the schema: it is always filterable, declared or not.
  if (name === 'id') return parseIdClause(raw);

  const field = schema.field(name);
  // Typesense keeps `index: false` fields out of its search schema, so they answer like unknown ones.
  if (field === undefined || field.index === false) {
    throw new FilterError(404, `Could not find a filter field named \`${name}\` in the schema.`);
  }
  const baseType = field.type.endsWith('[]') ? field.type.slice(0, -2) : field.type;
  switch (baseType) {
    case 'int32':
    case 'int64':
    case 'float':
      return parseNumericClause(field, baseType, raw);
    case 'bool':
      return parseBoolClause(field, raw);
    case 'geopoint':
      return parseGeoClause(field, raw);
    case 'string':
    case 'string*':
      return parseStringClause(field, raw);
    default:
      throw fieldError(field.name, 'Unidentified field data type, see docs for supported data types.');
  }
}

function isList(value: string): boolean {
  return value.length >= 2 && value.startsWith('[') && value.endsWith(']');
}

/** Splits a list body on commas that are not inside backticks, dropping the backticks. */
function splitListValues(body: string): string[] {
  const values: string[] = [];
  let current = '';
  let inBacktick = false;
  for (const c of body) {
    if (c === '`') {
      inBacktick = !inBacktick;
      current += c;
    } else if (c === ',' && !inBacktick) {
      values.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  values.push(current);
  return values.map((v) => v.trim()).filter((v) => v !== '');
}

function isBacktickQuoted(value: string): boolean {
  return value.length >= 2 && value.startsWith('`') && value.endsWith('`');
}

function unquote(value: string): string {
  return isBacktickQuoted(value) ? value.slice(1, -1) : value;
}

function stripOperator(value: string, operator: string): string {
  return value.slice(operator.length).trimStart();
}

function parseIdClause(raw: string): IdFilter {
  let value = raw;
  let negate = false;
  if (value.startsWith('!=')) {
    negate = true;
    value = stripOperator(value, '!=');
  } else if (value.startsWith('=')) {
    value = stripOperator(value, '=');
  }
  if (value === '') throw fieldError('id', EMPTY_VALUE);
  const ids = isList(value) ? splitListValues(value.slice(1, -1)).map(unquote) : [unquote(value)];
  if (ids.length === 0) throw fieldError('id', EMPTY_VALUE);
  return { kind: 'id', negate, ids: ids.includes('*') ? '*' : ids };
}

function parseStringClause(field: FilterFieldInfo, raw: string): StringFilter {
  let value = raw;
  let mode: StringFilter['mode'] = 'contains';
  let negate = false;
  if (value.startsWith('=')) {
    mode = 'equals';
    value = stripOperator(value, '=');
  } else if (value.startsWith('!=')) {
    mode = 'equals';
    negate = true;
    value = stripOperator(value, '!=');
  } else if (value.startsWith('!') && value.length >= 2) {
    negate = true;
    value = stripOperator(value, '!');
  }
  if (value === '') throw fieldError(field.name, EMPTY_VALUE);
  const values = isList(value) ? splitListValues(value.slice(1, -1)) : [value];
  if (values.length === 0) throw fieldError(field.name, EMPTY_VALUE);
  const tokenize = field.tokenize ?? tokenizeText;
  const patterns = values.map((v) => stringPattern(v, tokenize));
  const node: StringFilter = { kind: 'string', field: field.name, mode, negate, patterns };
  if (field.tokenize) node.tokenize = field.tokenize;
  return node;
}

function stringPattern(value: string, tokenize: (text: string) => string[]): StringPattern {
  if (isBacktickQuoted(value)) {
    const raw = value.slice(1, -1);
    return { raw, tokens: tokenize(raw), prefix: false };
  }
  const prefix = value.length > 1 && value.endsWith('*');
  return { raw: value, tokens: tokenize(prefix ? value.slice(0, -1) : value), prefix };
}

function parseBoolClause(field: FilterFieldInfo, raw: string): BoolFilter {
  let value = raw;
  let negate = false;
  if (value.startsWith('=')) {
    value = stripOperator(value, '=');
  } else if (value.startsWith('!=')) {
    negate = true;
    value = stripOperator(value, '!=');
  } else if (value.startsWith('!')) {
    negate = true;
    value = stripOperator(value, '!');
  }
  if (value === '') throw fieldError(field.name, EMPTY_VALUE);
  if (isList(value)) {
    const items = splitListValues(value.slice(1, -1));
    if (items.length === 0) throw fieldError(field.name, EMPTY_VALUE);
    if (items.some((item) => item !== 'true' && item !== 'false')) {
      throw new FilterError(400, `Values of filter field \`${field.name}\`: must be \`true\` or \`false\`.`);
    }
    return { kind: 'bool', field: field.name, negate, values: items.map((item) => item === 'true') };
  }
  if (value !== 'true' && value !== 'false') {
    throw new FilterError(400, `Value of filter field \`${field.name}\` must be \`true\` or \`false\`.`);
  }
  return { kind: 'bool', field: field.name, negate, values: [value === 'true'] };
}

type NumericType = 'int32' | 'int64' | 'float';

function parseNumericClause(field: FilterFieldInfo, type: NumericType, raw: string): NumericFilter {
  let value = raw;
  // `:=` means nothing more than `:` for numbers.
  if (value.startsWith('=')) value = stripOperator(value, '=');
  let negate = false;
  if (value.startsWith('!') && !value.startsWith('!=')) {
    negate = true;
    value = stripOperator(value, '!');
  } else if (value.startsWith('!=') && isList(stripOperator(value, '!='))) {
    negate = true;
    value = stripOperator(value, '!=');
  }
  if (value === '') throw fieldError(field.name, EMPTY_VALUE);

  if (isList(value)) {
    const items = splitListValues(value.slice(1, -1));
    if (items.length === 0) throw fieldError(field.name, EMPTY_VALUE);
    return { kind: 'numeric', field: field.name, negate, conditions: items.map((i) => numericCondition(field, type, i)) };
  }
  const condition = numericCondition(field, type, value);
  // A lone `!=` excludes every document holding the value, arrays included, and keeps those
  // without the field: the complement of `=`, which is how Typesense evaluates it.
  if (condition.op === 'ne') {
    return { kind: 'numeric', field: field.name, negate: !negate, conditions: [{ op: 'eq', value: condition.value }] };
  }
  return { kind: 'numeric', field: field.name, negate, conditions: [condition] };
}

const COMPARATORS = [
  ['<=', 'le'],
  ['>=', 'ge'],
  ['!=', 'ne'],
  ['<', 'lt'],
  ['>', 'gt'],
] as const;

function numericCondition(field: FilterFieldInfo, type: NumericType, text: string): NumericCondition {
  const value = text.trim();
  if (FLOAT.test(value)) return { op: 'eq', value: numericValue(field, type, value) };
  for (const [symbol, op] of COMPARATORS) {
    if (value.startsWith(symbol)) return { op, value: numericValue(field, type, value.slice(symbol.length)) };
  }
  if (value.includes('..')) {
    const bounds = value.split('..');
    if (bounds.length !== 2) throw fieldError(field.name, INVALID_COMPARATOR);
    return { op: 'range', min: numericValue(field, type, bounds[0]!), max: numericValue(field, type, bounds[1]!) };
  }
  throw fieldError(field.name, INVALID_COMPARATOR);
}

function numericValue(field: FilterFieldInfo, type: NumericType, text: string): number {
  const value = text.trim();
  if (type === 'int32') {
    if (!INTEGER.test(value)) throw fieldError(field.name, 'Not an int32.');
    const n = Number(value);
    if (n < INT32_MIN || n > INT32_MAX) throw fieldError(field.name, `\`${value}\` exceeds the range of an int32.`);
    return n;
  }
  if (type === 'int64') {
    if (!INTEGER.test(value)) throw fieldError(field.name, 'Not an int64.');
    const big = BigInt(value);
    if (big < INT64_MIN || big > INT64_MAX) throw fieldError(field.name, 'Not an int64.');
    return Number(value);
  }
  if (!FLOAT.test(value)) throw fieldError(field.name, 'Not a float.');
  return Number(value);
}

function parseGeoClause(field: FilterFieldInfo, raw: string): GeoFilter {
  const value = raw.startsWith('=') ? stripOperator(raw, '=') : raw;
  if (value === '') throw fieldError(field.name, EMPTY_VALUE);
  const bracketCount = value.split('[').length - 1;
  // Typesense's newer syntax puts the points in brackets and names the options.
  const named = (value.startsWith('(') && bracketCount > 0) || bracketCount > 1 || value.includes(':');
  const groups = value.startsWith('[') && value.endsWith(']') ? parenGroups(value.slice(1, -1)) : [value.trim()];
  const formatError = new FilterError(
    400,
    named
      ? `Value of filter field \`${field.name}\`: must be in the \`([-44.50, 170.29], radius: 0.75 km, exact_filter_radius: 5 km)\` or ([56.33, -65.97, 23.82, -127.82], exact_filter_radius: 7 km) format.`
      : `Value of filter field \`${field.name}\`: must be in the \`(-44.50, 170.29, 0.75 km)\` or (56.33, -65.97, 23.82, -127.82) format.`,
  );
  if (groups.length === 0) throw formatError;
  const shapes = groups.map((group) => {
    if (!group.startsWith('(') || !group.endsWith(')')) throw formatError;
    const body = group.slice(1, -1).trim();
    return named ? namedGeoShape(body, formatError) : positionalGeoShape(body, formatError);
  });
  return { kind: 'geo', field: field.name, shapes };
}

function parenGroups(body: string): string[] {
  const groups: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '(') {
      if (depth++ === 0) start = i;
    } else if (body[i] === ')' && --depth === 0) {
      groups.push(body.slice(start, i + 1));
    }
  }
  return groups;
}

function isCoordinate(value: string): boolean {
  return FLOAT.test(value);
}

function polygon(values: string[], formatError: FilterError): GeoShape {
  if (values.length < 6 || values.length % 2 !== 0) throw formatError;
  const points: Array<[number, number]> = [];
  for (let i = 0; i < values.length; i += 2) points.push([Number(values[i]), Number(values[i + 1])]);
  return { shape: 'polygon', points };
}

function distanceMeters(text: string, formatError: FilterError): number {
  const value = text.trim();
  const unit = value.slice(-2);
  if (value.length < 2 || (unit !== 'km' && unit !== 'mi')) throw new FilterError(400, 'Unit must be either `km` or `mi`.');
  const amount = value.slice(0, -2).trim();
  if (!FLOAT.test(amount)) throw formatError;
  return Number(amount) * (unit === 'km' ? 1000 : 1609.34);
}

/** `lat, lng, 5 km` or `lat1, lng1, lat2, lng2, lat3, lng3, ...`. */
function positionalGeoShape(body: string, formatError: FilterError): GeoShape {
  const values = body.split(',').map((v) => v.trim());
  if (values.every(isCoordinate)) return polygon(values, formatError);
  if (values.length !== 3 || !isCoordinate(values[0]!) || !isCoordinate(values[1]!)) throw formatError;
  return { shape: 'radius', lat: Number(values[0]), lng: Number(values[1]), meters: distanceMeters(values[2]!, formatError) };
}

/** `[lat, lng], radius: 5 km` or `[lat1, lng1, ...], exact_filter_radius: 5 km`. */
function namedGeoShape(body: string, formatError: FilterError): GeoShape {
  if (!body.startsWith('[')) throw formatError;
  const close = body.indexOf(']');
  if (close === -1) throw formatError;
  const values = body.slice(1, close).split(',').map((v) => v.trim());
  if (values.length < 2 || values.length % 2 !== 0 || !values.every(isCoordinate)) throw formatError;
  if (values.length > 2) return polygon(values, formatError);
  // `exact_filter_radius` only tunes Typesense's approximation; distances here are always exact.
  for (const option of body.slice(close + 1).split(',')) {
    const separator = option.indexOf(':');
    if (separator !== -1 && option.slice(0, separator).trim() === 'radius') {
      const meters = distanceMeters(option.slice(separator + 1), formatError);
      return { shape: 'radius', lat: Number(values[0]), lng: Number(values[1]), meters };
    }
  }
  throw formatError;
}
