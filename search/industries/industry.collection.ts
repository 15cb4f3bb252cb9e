import type { SearchCollectionDefinition } from '../search-collection';

/** Industry taxonomy entries, searchable by Chinese and English labels and keywords. */
export const industryCollection: SearchCollectionDefinition = {
  name: 'industries',
  version: 1,
  fields: [
    { name: 'code', type: 'string', facet: true },
    { name: 'domain', type: 'string', facet: true },
    { name: 'level', type: 'string', facet: true },
    { name: 'zh', type: 'string', locale: 'zh' },
    { name: 'en', type: 'string' },
    { name: 'keywords', type: 'string[]', locale: 'zh' },
    { name: 'position', type: 'int32', sort: true },
    { name: 'revision', type: 'int64' },
  ],
};
