import type { CollectionCreateSchema } from 'typesense/lib/Typesense/Collections';
import type { CollectionFieldSchema } from 'typesense/lib/Typesense/Collection';

/** Every indexed document carries the source's revision so drift can be found. */
export interface SearchDocument {
  id: string;
  revision: number;
  [field: string]: unknown;
}

/**
 * A search collection as the app sees it: queried through the alias `name`,
 * stored in the physical collection `name_v<version>`. Bumping `version` makes
 * start-up build the new collection beside the old one and switch the alias.
 */
export interface SearchCollectionDefinition {
  name: string;
  version: number;
  fields: CollectionFieldSchema[];
  defaultSortingField?: string;
}

/** Where a collection's documents come from: MongoDB, through a feature's service. */
export interface SearchSource {
  /** Current documents for these ids; an id that should not be indexed is absent. */
  load(ids: string[]): Promise<SearchDocument[]>;
  /** Every document that should be indexed, in batches. */
  scan(batchSize: number): AsyncIterable<SearchDocument[]>;
  count(): Promise<number>;
}

export interface SearchBinding {
  definition: SearchCollectionDefinition;
  source: SearchSource;
}

export function physicalName(definition: SearchCollectionDefinition): string {
  return `${definition.name}_v${definition.version}`;
}

export function collectionSchema(definition: SearchCollectionDefinition, name = physicalName(definition)): CollectionCreateSchema {
  const hasRevision = definition.fields.some((field) => field.name === 'revision');
  return {
    name,
    fields: hasRevision ? definition.fields : [...definition.fields, { name: 'revision', type: 'int64' }],
    ...(definition.defaultSortingField ? { default_sorting_field: definition.defaultSortingField } : {}),
  };
}
