import { tokenizeText } from './filter-text-tokenizer';
import type {
  BoolFilter,
  FilterNode,
  GeoFilter,
  GeoShape,
  IdFilter,
  NumericCondition,
  NumericFilter,
  StringFilter,
  StringPattern,
} from './filter.types';

export type FilterPredicate = (doc: Record<string, unknown>) => boolean;

/** Memo bound per string clause: facet-like fields repeat few values, free text must not grow without limit. */
const MEMO_LIMIT = 50_000;
const EARTH_RADIUS_METERS = 6_371_010;

/**
 * Compiles a parsed filter into a closure tree so evaluation does no dispatch on node
 * kinds and no re-tokenising of repeated string values. A document lacking a field (or
 * holding null / an empty array) fails every positive clause on it and therefore passes
 * every negated one (`!=`, `:!`, `![...]`), which is how Typesense's complement-based
 * not-equals behaves.
 */
export function compileFilter(node: FilterNode): FilterPredicate {
  switch (node.kind) {
    case 'match-all':
      return () => true;
    case 'and': {
      const left = compileFilter(node.left);
      const right = compileFilter(node.right);
      return (doc) => left(doc) && right(doc);
    }
    case 'or': {
      const left = compileFilter(node.left);
      const right = compileFilter(node.right);
      return (doc) => left(doc) || right(doc);
    }
    case 'string':
      return negatable(node.negate, compileString(node));
    case 'numeric':
      return negatable(node.negate, compileNumeric(node));
    case 'bool':
      return negatable(node.negate, compileBool(node));
    case 'geo':
      return compileGeo(node);
    case 'id':
      return negatable(node.negate, compileId(node));
  }
}

function negatable(negate: boolean, predicate: FilterPredicate): FilterPredicate {
  return negate ? (doc) => !predicate(doc) : predicate;
}

/** Reads a field, following dotted paths into nested objects (and through object arrays). */
function valueReader(path: string): (doc: Record<string, unknown>) => unknown {
  if (!path.includes('.')) return (doc) => doc[path];
  const parts = path.split('.');
  return (doc) => {
    // Engines may store nested fields flattened under their dotted name.
    const flat = doc[path];
    return flat !== undefined ? flat : descend(doc, parts, 0);
  };
}

function descend(value: unknown, parts: string[], index: number): unknown {
  if (index === parts.length) return value;
  if (Array.isArray(value)) {
    const collected: unknown[] = [];
    for (const item of value) {
      const found = descend(item, parts, index);
      if (Array.isArray(found)) collected.push(...found);
      else if (found !== undefined && found !== null) collected.push(found);
    }
    return collected;
  }
  if (value === null || typeof value !== 'object') return undefined;
  return descend((value as Record<string, unknown>)[parts[index]!], parts, index + 1);
}

/** True when `test` holds for the value or, for arrays, for any element. */
function anyElement(value: unknown, test: (element: unknown) => boolean): boolean {
  if (!Array.isArray(value)) return test(value);
  for (const element of value as unknown[]) if (test(element)) return true;
  return false;
}

function compileNumeric(node: NumericFilter): FilterPredicate {
  const read = valueReader(node.field);
  const tests = node.conditions.map(numberTest);
  const test = tests.length === 1 ? tests[0]! : (n: number) => tests.some((t) => t(n));
  // Scalar numbers are the hot path; arrays fall back to an element scan.
  return (doc) => {
    const value = read(doc);
    if (typeof value === 'number') return test(value);
    if (!Array.isArray(value)) return false;
    for (const element of value) if (typeof element === 'number' && test(element)) return true;
    return false;
  };
}

/** `!=` inside a list compares element by element; a lone `!=` never gets here (the parser negates `=`). */
function numberTest(condition: NumericCondition): (n: number) => boolean {
  switch (condition.op) {
    case 'range': {
      const { min, max } = condition;
      return (n) => n >= min && n <= max;
    }
    case 'eq': {
      const v = condition.value;
      return (n) => n === v;
    }
    case 'ne': {
      const v = condition.value;
      return (n) => n !== v;
    }
    case 'lt': {
      const v = condition.value;
      return (n) => n < v;
    }
    case 'le': {
      const v = condition.value;
      return (n) => n <= v;
    }
    case 'gt': {
      const v = condition.value;
      return (n) => n > v;
    }
    case 'ge': {
      const v = condition.value;
      return (n) => n >= v;
    }
  }
}

function compileBool(node: BoolFilter): FilterPredicate {
  const read = valueReader(node.field);
  const wantTrue = node.values.includes(true);
  const wantFalse = node.values.includes(false);
  const matchesElement = (e: unknown): boolean => (e === true && wantTrue) || (e === false && wantFalse);
  return (doc) => anyElement(read(doc), matchesElement);
}

function compileId(node: IdFilter): FilterPredicate {
  if (node.ids === '*') return () => true;
  const ids = new Set(node.ids);
  return (doc) => {
    const id = doc['id'];
    return (typeof id === 'string' || typeof id === 'number') && ids.has(String(id));
  };
}

/** Bounded string → result cache owned by one compiled clause. */
function memoize(compute: (s: string) => boolean): (s: string) => boolean {
  const memo = new Map<string, boolean>();
  return (s) => {
    let result = memo.get(s);
    if (result === undefined) {
      result = compute(s);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(s, result);
    }
    return result;
  };
}

function tokensMatchPrefix(tokens: readonly string[], pattern: StringPattern): boolean {
  const wanted = pattern.tokens;
  if (tokens.length < wanted.length) return false;
  const last = wanted.length - 1;
  for (let i = 0; i < last; i++) if (tokens[i] !== wanted[i]) return false;
  return tokens[last]!.startsWith(wanted[last]!);
}

function containsPattern(has: (token: string) => boolean, hasPrefix: (p: string) => boolean, p: StringPattern): boolean {
  const wanted = p.tokens;
  const exactCount = p.prefix ? wanted.length - 1 : wanted.length;
  for (let i = 0; i < exactCount; i++) if (!has(wanted[i]!)) return false;
  return !p.prefix || hasPrefix(wanted[wanted.length - 1]!);
}

function compileString(node: StringFilter): FilterPredicate {
  const read = valueReader(node.field);
  const tokenize = node.tokenize ?? tokenizeText;
  // A value that tokenises to nothing (only symbols) is never indexed, so it matches nothing.
  const patterns = node.patterns.filter((p) => p.tokens.length > 0);
  if (patterns.length === 0) return () => false;

  if (node.mode === 'equals') {
    const exactKeys = new Set(patterns.filter((p) => !p.prefix).map((p) => p.tokens.join(' ')));
    const prefixPatterns = patterns.filter((p) => p.prefix);
    const matchesString = memoize((s) => {
      const tokens = tokenize(s);
      return exactKeys.has(tokens.join(' ')) || prefixPatterns.some((p) => tokensMatchPrefix(tokens, p));
    });
    const matchesElement = (e: unknown): boolean => typeof e === 'string' && matchesString(e);
    return (doc) => anyElement(read(doc), matchesElement);
  }

  // `:` needs every word of a pattern somewhere in the field, in any order; for arrays the
  // words may come from different elements, as with Typesense's per-field posting lists.
  const matchesTokens = (tokens: readonly string[]): boolean =>
    patterns.some((p) =>
      containsPattern(
        (t) => tokens.includes(t),
        (prefix) => tokens.some((t) => t.startsWith(prefix)),
        p,
      ),
    );
  const matchesString = memoize((s) => matchesTokens(tokenize(s)));
  // With one word per pattern, "somewhere in the array" is "in some element", which the memo serves.
  const singleWord = patterns.every((p) => p.tokens.length === 1);
  const tokenizeCached = memoizeTokens(tokenize);
  return (doc) => {
    const value = read(doc);
    if (typeof value === 'string') return matchesString(value);
    if (!Array.isArray(value)) return false;
    if (singleWord || value.length === 1) {
      for (const element of value) if (typeof element === 'string' && matchesString(element)) return true;
      return false;
    }
    const tokens: string[] = [];
    for (const element of value) if (typeof element === 'string') tokens.push(...tokenizeCached(element));
    return tokens.length > 0 && matchesTokens(tokens);
  };
}

function memoizeTokens(tokenize: (text: string) => string[]): (s: string) => readonly string[] {
  const memo = new Map<string, string[]>();
  return (s) => {
    let tokens = memo.get(s);
    if (tokens === undefined) {
      tokens = tokenize(s);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(s, tokens);
    }
    return tokens;
  };
}

function compileGeo(node: GeoFilter): FilterPredicate {
  const read = valueReader(node.field);
  const tests = node.shapes.map(shapeTest);
  const matchesPoint = (lat: number, lng: number): boolean => tests.some((t) => t(lat, lng));
  return (doc) => {
    const value = read(doc);
    if (!Array.isArray(value)) return false;
    if (isPoint(value)) return matchesPoint(value[0], value[1]);
    for (const point of value) if (isPoint(point) && matchesPoint(point[0], point[1])) return true;
    return false;
  };
}

function isPoint(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number';
}

function shapeTest(shape: GeoShape): (lat: number, lng: number) => boolean {
  if (shape.shape === 'radius') {
    const { lat, lng, meters } = shape;
    return (pLat, pLng) => haversineMeters(lat, lng, pLat, pLng) <= meters;
  }
  const points = shape.points;
  return (pLat, pLng) => insidePolygon(points, pLat, pLng);
}

function haversineMeters(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const toRad = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRad;
  const dLng = (lng2 - lng1) * toRad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Even-odd ray casting on (lng, lat) as plane coordinates, adequate for city-scale polygons. */
function insidePolygon(points: ReadonlyArray<[number, number]>, lat: number, lng: number): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [latI, lngI] = points[i]!;
    const [latJ, lngJ] = points[j]!;
    if (latI > lat !== latJ > lat && lng < ((lngJ - lngI) * (lat - latI)) / (latJ - latI) + lngI) inside = !inside;
  }
  return inside;
}
