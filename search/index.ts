export { openSearch, type SearchEngine } from './search-client';
export { createSearchIndexer, type SearchIndexer, type ProgressListener } from './search-indexer';
export type { SearchBinding, SearchCollectionDefinition, SearchDocument, SearchSource } from './search-collection';
export { isSearchUnavailable } from './search-errors';
