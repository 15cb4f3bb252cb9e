import type { FilterNode } from './filter.types';

export interface ExactConstraint {
  /** Field name, or `id` for document-id clauses. */
  field: string;
  kind: 'string' | 'number' | 'bool' | 'id';
  /**
   * A matching document holds one of these (any element, for arrays). String values are
   * `exactMatchKey()` forms, so an index must bucket stored strings by that same key.
   */
  values: Array<string | number | boolean>;
}

/**
 * Exact-match constraints every matching document must satisfy: the positive `:=`, `=`,
 * `[...]`-of-equals and id clauses on the top-level `&&` chain. An engine can intersect the
 * index postings for these and run the compiled filter only on that candidate set.
 * Clauses under `||` or negation give no guarantee and are left out.
 */
export function exactMatchConstraints(node: FilterNode): ExactConstraint[] {
  switch (node.kind) {
    case 'and':
      return [...exactMatchConstraints(node.left), ...exactMatchConstraints(node.right)];
    case 'string':
      if (node.negate || node.mode !== 'equals' || node.patterns.some((p) => p.prefix)) return [];
      return [{ field: node.field, kind: 'string', values: node.patterns.map((p) => p.tokens.join(' ')) }];
    case 'numeric': {
      if (node.negate) return [];
      const values: number[] = [];
      for (const condition of node.conditions) {
        if (condition.op !== 'eq') return [];
        values.push(condition.value);
      }
      return [{ field: node.field, kind: 'number', values }];
    }
    case 'bool':
      return node.negate ? [] : [{ field: node.field, kind: 'bool', values: node.values }];
    case 'id':
      return node.negate || node.ids === '*' ? [] : [{ field: 'id', kind: 'id', values: node.ids }];
    default:
      return [];
  }
}
