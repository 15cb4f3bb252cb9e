export { FilterError } from './filter-error';
export { parseFilterBy } from './filter-parser';
export { compileFilter, type FilterPredicate } from './filter-evaluator';
export { filterBitset, type FilterColumns } from './filter-bitset';
export { exactMatchConstraints, type ExactConstraint } from './filter-index-hints';
export { tokenizeText, exactMatchKey } from './filter-text-tokenizer';
export type {
  BoolFilter,
  FilterClause,
  FilterFieldInfo,
  FilterNode,
  FilterSchema,
  GeoFilter,
  GeoShape,
  IdFilter,
  NumericCondition,
  NumericFilter,
  StringFilter,
  StringPattern,
} from './filter.types';
