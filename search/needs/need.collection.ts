import type { SearchCollectionDefinition } from '../search-collection';

/**
 * Published needs. Only what every finder may read is indexed for full text:
 * the description of a restricted need is left out, so neither a match nor a
 * snippet can reveal it. `visibility`, `organisation_id` and `invited` let the
 * query builder keep invitation-only needs out of everybody else's results.
 */
export const needCollection: SearchCollectionDefinition = {
  name: 'needs',
  version: 1,
  fields: [
    { name: 'title', type: 'string', locale: 'zh' },
    { name: 'summary', type: 'string', locale: 'zh' },
    { name: 'description', type: 'string', locale: 'zh' },
    { name: 'industry_terms', type: 'string[]', locale: 'zh' },
    { name: 'industries', type: 'string[]', facet: true },
    { name: 'domains', type: 'string[]', facet: true },
    { name: 'kind', type: 'string', facet: true },
    { name: 'visibility', type: 'string', facet: true },
    { name: 'invited', type: 'string[]' },
    { name: 'organisation_id', type: 'string' },
    { name: 'organisation_name', type: 'string', locale: 'zh' },
    { name: 'organisation_kind', type: 'string', facet: true },
    { name: 'province', type: 'string', facet: true },
    { name: 'qualifications', type: 'string[]', facet: true },
    { name: 'min_trl', type: 'int32', facet: true },
    { name: 'deadline', type: 'int64', sort: true },
    { name: 'published_at', type: 'int64', sort: true },
    { name: 'revision', type: 'int64' },
  ],
  defaultSortingField: 'published_at',
};
