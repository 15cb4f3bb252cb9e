import type { SearchParams } from 'typesense/lib/Typesense/Types';
import type { SearchResponse } from 'typesense/lib/Typesense/Documents';
import type { SearchDocument } from '../search-collection';

/** Generous enough for every leaf and domain of the taxonomy in one answer. */
const MAX_FACET_VALUES = 1000;

/**
 * Counts of a listing collection's documents per taxonomy leaf and domain:
 * no hits, only the `industries` and `domains` facets, under the filter that
 * decides who may find them (so hidden listings are never counted).
 */
export function buildIndustryCountSearch(options: { queryBy: string; filterBy?: string }): SearchParams<SearchDocument> {
  return {
    q: '*',
    query_by: options.queryBy,
    filter_by: options.filterBy,
    facet_by: 'industries,domains',
    max_facet_values: MAX_FACET_VALUES,
    per_page: 0,
  };
}

/** `total`: every listing the filter lets through; `byIndustry`: per leaf and per domain code. */
export function toIndustryCounts(response: SearchResponse<SearchDocument>): { total: number; byIndustry: Map<string, number> } {
  const byIndustry = new Map<string, number>();
  for (const facet of response.facet_counts ?? []) {
    if (facet.field_name !== 'industries' && facet.field_name !== 'domains') continue;
    for (const count of facet.counts) byIndustry.set(count.value, count.count);
  }
  return { total: response.found, byIndustry };
}
