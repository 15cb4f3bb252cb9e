import { Decimal128, Long, type Document } from 'bson';

/**
 * MongoDB semantics for BSON values that mingo treats as opaque JS objects:
 * cross-type ordering, numeric equality across int/long/double/decimal,
 * `$type` aliases, hashable keys for indexes, and numeric arithmetic.
 */

type BsonTagged = { _bsontype?: string };

function bsonTypeOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? (value as BsonTagged)._bsontype : undefined;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** `$type` alias of a value as MongoDB would store it (JS integers in int32 range serialise as int). */
export function bsonTypeAlias(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX ? 'int' : 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'long';
    default:
      break;
  }
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  if (value instanceof Uint8Array) return 'binData';
  switch (bsonTypeOf(value)) {
    case 'ObjectId':
      return 'objectId';
    case 'Long':
      return 'long';
    case 'Int32':
      return 'int';
    case 'Double':
      return 'double';
    case 'Decimal128':
      return 'decimal';
    case 'Binary':
      return 'binData';
    case 'Timestamp':
      return 'timestamp';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'Code':
      return 'javascript';
    case 'BSONRegExp':
      return 'regex';
    case 'BSONSymbol':
      return 'symbol';
    default:
      return 'object';
  }
}

const TYPE_NUMBERS: Record<number, string> = {
  1: 'double', 2: 'string', 3: 'object', 4: 'array', 5: 'binData', 6: 'undefined', 7: 'objectId', 8: 'bool',
  9: 'date', 10: 'null', 11: 'regex', 13: 'javascript', 14: 'symbol', 16: 'int', 17: 'timestamp', 18: 'long',
  19: 'decimal', [-1]: 'minKey', 127: 'maxKey',
};

/** Whether `value` satisfies a `$type` operand (alias, number or the `number` group). */
export function matchesBsonType(value: unknown, spec: unknown): boolean {
  const alias = typeof spec === 'number' ? TYPE_NUMBERS[spec] : typeof spec === 'string' ? spec : undefined;
  if (alias === undefined) return false;
  const actual = bsonTypeAlias(value);
  if (alias === 'number') return actual === 'int' || actual === 'long' || actual === 'double' || actual === 'decimal';
  return actual === alias;
}

export function isNumeric(value: unknown): boolean {
  if (typeof value === 'number' || typeof value === 'bigint') return true;
  const t = bsonTypeOf(value);
  return t === 'Long' || t === 'Int32' || t === 'Double' || t === 'Decimal128';
}

/** Canonical cross-type sort order (MinKey < null < numbers < strings < objects < arrays < ...). */
function typeRank(value: unknown): number {
  switch (bsonTypeAlias(value)) {
    case 'minKey':
      return 1;
    case 'missing':
    case 'null':
    case 'undefined':
      return 2;
    case 'int':
    case 'long':
    case 'double':
    case 'decimal':
      return 3;
    case 'string':
    case 'symbol':
      return 4;
    case 'object':
      return 5;
    case 'array':
      return 6;
    case 'binData':
      return 7;
    case 'objectId':
      return 8;
    case 'bool':
      return 9;
    case 'date':
      return 10;
    case 'timestamp':
      return 11;
    case 'regex':
      return 12;
    case 'javascript':
      return 13;
    case 'maxKey':
      return 15;
    default:
      return 14;
  }
}

type Numberish = number | bigint;

function toNumberish(value: unknown): Numberish {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  switch (bsonTypeOf(value)) {
    case 'Long':
      return (value as Long).toBigInt();
    case 'Decimal128':
      return Number.parseFloat((value as Decimal128).toString());
    default:
      return Number((value as { valueOf(): unknown }).valueOf());
  }
}

function cmp<T extends number | bigint | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNumbers(left: unknown, right: unknown): number {
  const a = toNumberish(left);
  const b = toNumberish(right);
  if (typeof a === 'number' && typeof b === 'number') {
    // MongoDB orders NaN below every other number and equal to itself.
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
    if (Number.isNaN(b)) return 1;
    return cmp(a, b);
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return cmp(a, b);
  if (typeof a === 'number') return -compareMixed(b as bigint, a);
  return compareMixed(a, b as number);
}

function compareMixed(big: bigint, num: number): number {
  if (Number.isNaN(num)) return 1;
  if (!Number.isFinite(num)) return num > 0 ? -1 : 1;
  if (Number.isInteger(num)) return cmp(big, BigInt(num));
  return cmp(Number(big), num);
}

function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  return (value as { buffer: Uint8Array }).buffer;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return cmp(a.length, b.length);
}

/** Total order over BSON values following MongoDB's comparison rules. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 3:
      return compareNumbers(a, b);
    case 4:
      return cmp(String(a), String(b));
    case 5:
      return compareDocuments(a as Document, b as Document);
    case 6: {
      const xs = a as unknown[];
      const ys = b as unknown[];
      const n = Math.min(xs.length, ys.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(xs[i], ys[i]);
        if (c !== 0) return c;
      }
      return cmp(xs.length, ys.length);
    }
    case 7: {
      const x = bytesOf(a);
      const y = bytesOf(b);
      if (x.length !== y.length) return cmp(x.length, y.length);
      const c = cmp(binarySubtype(a), binarySubtype(b));
      return c !== 0 ? c : compareBytes(x, y);
    }
    case 8:
      return cmp(String(a), String(b));
    case 9:
      return cmp(Number(a), Number(b));
    case 10:
      return cmp((a as Date).getTime(), (b as Date).getTime());
    case 11:
      return cmp((a as Long).toBigInt(), (b as Long).toBigInt());
    case 12: {
      const [sa, fa] = regexParts(a);
      const [sb, fb] = regexParts(b);
      return cmp(sa, sb) || cmp(fa, fb);
    }
    case 13:
      return cmp(String((a as { code: string }).code), String((b as { code: string }).code));
    default:
      return 0;
  }
}

function binarySubtype(value: unknown): number {
  return value instanceof Uint8Array ? 0 : ((value as { sub_type: number }).sub_type ?? 0);
}

function regexParts(value: unknown): [string, string] {
  if (value instanceof RegExp) return [value.source, value.flags];
  const r = value as { pattern: string; options: string };
  return [r.pattern, r.options];
}

function compareDocuments(a: Document, b: Document): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const byType = cmp(typeRank(a[ka[i]]), typeRank(b[kb[i]]));
    if (byType !== 0) return byType;
    const byName = cmp(ka[i], kb[i]);
    if (byName !== 0) return byName;
    const byValue = compareValues(a[ka[i]], b[kb[i]]);
    if (byValue !== 0) return byValue;
  }
  return cmp(ka.length, kb.length);
}

/** MongoDB equality: numeric across types; `null` equals missing only where the caller allows it. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

function numericKey(value: unknown): string {
  const n = toNumberish(value);
  if (typeof n === 'bigint') {
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? String(Number(n)) : n.toString();
  }
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) return BigInt(n).toString();
  return Object.is(n, -0) ? '0' : String(n);
}

/**
 * A string that is equal for two values exactly when MongoDB treats them as the
 * same key (so `1`, `1.0` and `NumberLong(1)` collide), used for the `_id` map
 * and unique indexes.
 */
export function canonicalKey(value: unknown): string {
  switch (bsonTypeAlias(value)) {
    case 'missing':
    case 'null':
    case 'undefined':
      return 'z';
    case 'int':
    case 'long':
    case 'double':
    case 'decimal':
      return `n${numericKey(value)}`;
    case 'string':
    case 'symbol':
      return `s${JSON.stringify(String(value))}`;
    case 'objectId':
      return `o${String(value)}`;
    case 'bool':
      return value ? 'b1' : 'b0';
    case 'date':
      return `d${(value as Date).getTime()}`;
    case 'timestamp':
      return `t${(value as Long).toString()}`;
    case 'regex': {
      const [source, flags] = regexParts(value);
      return `r${JSON.stringify(`${source}/${flags}`)}`;
    }
    case 'binData':
      return `x${binarySubtype(value)}:${Buffer.from(bytesOf(value)).toString('base64')}`;
    case 'minKey':
      return 'm-';
    case 'maxKey':
      return 'm+';
    case 'javascript':
      return `j${JSON.stringify((value as { code: string }).code)}`;
    case 'array':
      return `[${(value as unknown[]).map(canonicalKey).join(',')}]`;
    default: {
      const doc = value as Document;
      return `{${Object.keys(doc)
        .map((k) => `${JSON.stringify(k)}:${canonicalKey(doc[k])}`)
        .join(',')}}`;
    }
  }
}

/** Shell-like rendering used in E11000 messages, e.g. `{ email: "a" }`. */
export function formatValue(value: unknown): string {
  switch (bsonTypeAlias(value)) {
    case 'missing':
    case 'null':
    case 'undefined':
      return 'null';
    case 'string':
      return JSON.stringify(value);
    case 'objectId':
      return `ObjectId('${String(value)}')`;
    case 'date':
      return `new Date(${(value as Date).getTime()})`;
    case 'array':
      return `[ ${(value as unknown[]).map(formatValue).join(', ')} ]`;
    case 'object': {
      const doc = value as Document;
      const keys = Object.keys(doc);
      return keys.length === 0 ? '{}' : `{ ${keys.map((k) => `${k}: ${formatValue(doc[k])}`).join(', ')} }`;
    }
    default:
      return String(value);
  }
}

function isPlainContainer(value: unknown): value is Document {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Deep copy of the mutable structure (plain objects and arrays); BSON values are
 * immutable and shared. Keys such as `__proto__` are copied as own data properties
 * so a hostile document can never rewire a prototype.
 */
export function cloneDocument<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => cloneDocument(v)) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (!isPlainContainer(value)) return value;
  const out: Document = {};
  for (const key of Object.keys(value)) {
    const v = cloneDocument(value[key]);
    if (key === '__proto__') {
      Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
    } else {
      out[key] = v;
    }
  }
  return out as T;
}

/** Own-property read, so `constructor`/`__proto__` in a path are data, never inherited members. */
export function getOwn(doc: unknown, key: string): unknown {
  if (Array.isArray(doc)) return /^\d+$/.test(key) ? doc[Number(key)] : undefined;
  if (typeof doc !== 'object' || doc === null) return undefined;
  return Object.prototype.hasOwnProperty.call(doc, key) ? (doc as Document)[key] : undefined;
}

/** Value at a dotted path without traversing arrays (used for `$inc` bridging and upsert seeds). */
export function getPath(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    current = getOwn(current, part);
    if (current === undefined) return undefined;
  }
  return current;
}

type NumericKind = 'int' | 'long' | 'double' | 'decimal';

function numericKind(value: unknown): NumericKind {
  const alias = bsonTypeAlias(value);
  return alias === 'long' || alias === 'decimal' || alias === 'int' ? alias : 'double';
}

function widen(a: unknown, b: unknown): NumericKind {
  const kinds = [numericKind(a), numericKind(b)];
  if (kinds.includes('decimal')) return 'decimal';
  if (kinds.includes('double')) return 'double';
  if (kinds.includes('long')) return 'long';
  return 'int';
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function fromBigInt(result: bigint, kind: NumericKind): unknown {
  if (result < INT64_MIN || result > INT64_MAX) {
    throw new RangeError('integer overflow');
  }
  if (kind === 'int' && result >= BigInt(INT32_MIN) && result <= BigInt(INT32_MAX)) return Number(result);
  // int32 arithmetic that overflows is promoted to long, as mongod does.
  return Long.fromBigInt(result);
}

function arithmetic(a: unknown, b: unknown, op: 'add' | 'mul'): unknown {
  const kind = widen(a, b);
  if (kind === 'decimal' || kind === 'double') {
    const x = Number(toNumberish(a));
    const y = Number(toNumberish(b));
    const result = op === 'add' ? x + y : x * y;
    return kind === 'decimal' ? Decimal128.fromString(String(result)) : result;
  }
  const x = BigInt(toNumberish(a));
  const y = BigInt(toNumberish(b));
  return fromBigInt(op === 'add' ? x + y : x * y, kind);
}

/** `$inc` result preserving MongoDB's numeric type widening (int → long on overflow). */
export function addNumeric(current: unknown, delta: unknown): unknown {
  return arithmetic(current ?? 0, delta, 'add');
}

/** `$mul` result; a missing field becomes zero of the operand's type. */
export function multiplyNumeric(current: unknown, factor: unknown): unknown {
  return arithmetic(current ?? 0, factor, 'mul');
}

/** Range operators only compare values of the same type bracket (`$gt: 5` never matches strings). */
export function sameTypeBracket(a: unknown, b: unknown): boolean {
  return typeRank(a) === typeRank(b);
}

/**
 * Storage decodes without promoting values (Int32/Double wrappers, BSON
 * regexes); the engine works on the wire representation (JS numbers and
 * RegExp, Long kept), so replayed values are converted to it.
 */
export function fromStoredValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => fromStoredValue(v)) as T;
  if (typeof value !== 'object' || value === null) return value;
  switch (bsonTypeOf(value)) {
    case 'Int32':
    case 'Double':
      return Number((value as { valueOf(): number }).valueOf()) as T;
    case 'BSONRegExp': {
      const { pattern, options } = value as unknown as { pattern: string; options: string };
      return new RegExp(pattern, [...options].filter((f) => 'imsu'.includes(f)).join('')) as T;
    }
    default:
      break;
  }
  if (!isPlainContainer(value)) return value;
  const out: Document = {};
  for (const key of Object.keys(value)) {
    const v = fromStoredValue((value as Document)[key]);
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}
