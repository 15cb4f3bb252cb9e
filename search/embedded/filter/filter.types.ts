export interface FilterFieldInfo {
  name: string;
  /** Typesense type: 'string', 'int32', 'float[]', 'bool', 'geopoint', 'object', 'auto', ... */
  type: string;
  facet?: boolean;
  optional?: boolean;
  index?: boolean;
  /**
   * The field's own analyzer (locale, `symbols_to_index`, `token_separators`). When given it
   * tokenises both the filter values and the stored values of this field, so string filters
   * agree with how the engine indexed them; otherwise Typesense's default tokenizer is used.
   */
  tokenize?: (text: string) => string[];
}

export interface FilterSchema {
  field(name: string): FilterFieldInfo | undefined;
}

/** One value of a string clause, pre-tokenised the same way stored strings are. */
export interface StringPattern {
  raw: string;
  tokens: string[];
  /** Trailing `*`: the last token matches as a word prefix. */
  prefix: boolean;
}

export type NumericCondition =
  | { op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'; value: number }
  | { op: 'range'; min: number; max: number };

export type GeoShape =
  | { shape: 'radius'; lat: number; lng: number; meters: number }
  | { shape: 'polygon'; points: Array<[lat: number, lng: number]> };

export interface StringFilter {
  kind: 'string';
  field: string;
  /** `:` matches words anywhere in the value, `:=` the whole value. */
  mode: 'contains' | 'equals';
  negate: boolean;
  /** Any pattern matching is enough (`[a, b]` lists). */
  patterns: StringPattern[];
  /** The field's analyzer, when the schema supplied one. */
  tokenize?: (text: string) => string[];
}

export interface NumericFilter {
  kind: 'numeric';
  field: string;
  negate: boolean;
  /** Any condition matching any element is enough. */
  conditions: NumericCondition[];
}

export interface BoolFilter {
  kind: 'bool';
  field: string;
  negate: boolean;
  values: boolean[];
}

export interface GeoFilter {
  kind: 'geo';
  field: string;
  shapes: GeoShape[];
}

export interface IdFilter {
  kind: 'id';
  negate: boolean;
  /** `'*'` is Typesense's "every document" id wildcard. */
  ids: string[] | '*';
}

export type FilterClause = StringFilter | NumericFilter | BoolFilter | GeoFilter | IdFilter;

export type FilterNode =
  | { kind: 'match-all' }
  | { kind: 'and'; left: FilterNode; right: FilterNode }
  | { kind: 'or'; left: FilterNode; right: FilterNode }
  | FilterClause;
