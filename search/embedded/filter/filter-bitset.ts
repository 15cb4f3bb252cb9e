import type { FilterNode, NumericCondition } from './filter.types';

export interface FilterColumns {
  /** One more than the largest document slot. */
  capacity: number;
  /** A top-level field's numbers by slot (NaN: no number there), or undefined when the field cannot be read that way. */
  numbers(field: string): Float64Array | undefined;
  /** The slots holding each exact-match key of a string or bool field (`exactMatchKey` forms; `true`/`false`), or undefined. */
  keys(field: string): Map<string, Set<number>> | undefined;
  /**
   * A clause's bitset kept until the next write (`key` names the clause), or
   * undefined when nothing is kept: every match repeats clauses such as
   * `organisation_verified:true` or its eligibility filter's, and building one
   * walks a set of tens of thousands of slots or a whole column.
   */
  kept?(key: string, build: () => Uint8Array | undefined): Uint8Array | undefined;
  /** A zeroed bitset of `capacity` bytes for a clause to fill, or undefined to allocate one. */
  blank?(): Uint8Array;
}

/**
 * The filter's verdict for every document slot at once (1 passes, 0 fails),
 * when it is built only of `&&`, `||`, numeric comparisons on scalar fields
 * and whole-value (`:=`) or bool matches; undefined otherwise, and the
 * compiled predicate reads documents one by one. Same semantics as
 * `compileFilter`: a document without the value fails a positive clause and
 * passes a negated one.
 */
export function filterBitset(node: FilterNode, columns: FilterColumns): Uint8Array | undefined {
  switch (node.kind) {
    case 'match-all':
      return new Uint8Array(columns.capacity).fill(1);
    case 'and':
    case 'or': {
      const left = filterBitset(node.left, columns);
      const right = left && filterBitset(node.right, columns);
      if (!left || !right) return undefined;
      if (node.kind === 'and') for (let i = 0; i < left.length; i += 1) left[i]! &= right[i]!;
      else for (let i = 0; i < left.length; i += 1) left[i]! |= right[i]!;
      return left;
    }
    case 'string': {
      if (node.mode !== 'equals' || node.patterns.some((pattern) => pattern.prefix)) return undefined;
      const keys = node.patterns.filter((pattern) => pattern.tokens.length > 0).map((pattern) => pattern.tokens.join(' '));
      return leaf(columns, `=${node.field}|${node.negate}|${keys.join('\u0000')}`, () => keyed(columns, node.field, keys, node.negate));
    }
    case 'bool':
      return leaf(columns, `?${node.field}|${node.negate}|${node.values.join(',')}`, () => keyed(columns, node.field, node.values.map(String), node.negate));
    case 'numeric':
      return leaf(columns, `#${node.field}|${node.negate}|${JSON.stringify(node.conditions)}`, () => numeric(columns, node.field, node.conditions, node.negate));
    default:
      return undefined;
  }
}

/** A leaf clause's bitset, a copy of the kept one when there is one: `and`/`or` combine into their left operand. */
function leaf(columns: FilterColumns, key: string, build: () => Uint8Array | undefined): Uint8Array | undefined {
  if (!columns.kept) return build();
  return columns.kept(key, build)?.slice();
}

function numeric(columns: FilterColumns, field: string, conditions: NumericCondition[], negate: boolean): Uint8Array | undefined {
  const values = columns.numbers(field);
  if (!values) return undefined;
  const passes = columns.blank?.() ?? new Uint8Array(columns.capacity);
  const end = Math.min(values.length, passes.length);
  for (const condition of conditions) mark(passes, values, end, condition);
  if (negate) for (let i = 0; i < passes.length; i += 1) passes[i]! ^= 1;
  return passes;
}

function keyed(columns: FilterColumns, field: string, wanted: string[], negate: boolean): Uint8Array | undefined {
  const sets = columns.keys(field);
  if (!sets) return undefined;
  const passes = columns.blank?.() ?? new Uint8Array(columns.capacity);
  for (const key of wanted) for (const slot of sets.get(key) ?? []) passes[slot] = 1;
  if (negate) for (let i = 0; i < passes.length; i += 1) passes[i]! ^= 1;
  return passes;
}

/** Sets the slots whose value meets the condition (NaN meets none). */
function mark(passes: Uint8Array, values: Float64Array, end: number, condition: NumericCondition): void {
  switch (condition.op) {
    case 'range':
      for (let i = 0; i < end; i += 1) if (values[i]! >= condition.min && values[i]! <= condition.max) passes[i] = 1;
      return;
    case 'eq':
      for (let i = 0; i < end; i += 1) if (values[i] === condition.value) passes[i] = 1;
      return;
    case 'ne':
      for (let i = 0; i < end; i += 1) if (values[i]! === values[i]! && values[i] !== condition.value) passes[i] = 1;
      return;
    case 'lt':
      for (let i = 0; i < end; i += 1) if (values[i]! < condition.value) passes[i] = 1;
      return;
    case 'le':
      for (let i = 0; i < end; i += 1) if (values[i]! <= condition.value) passes[i] = 1;
      return;
    case 'gt':
      for (let i = 0; i < end; i += 1) if (values[i]! > condition.value) passes[i] = 1;
      return;
    case 'ge':
      for (let i = 0; i < end; i += 1) if (values[i]! >= condition.value) passes[i] = 1;
      return;
  }
}
