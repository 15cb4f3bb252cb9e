import type { SearchResponse } from 'typesense/lib/Typesense/Documents';
import type { CapabilitySearchDocument } from './capability.mapper';

export interface CapabilityHit {
  id: string;
  title: string;
  summary: string;
  kind: string;
  direction: string;
  industries: string[];
  trl: number | null;
  province: string | null;
  matched: string[];
}

export interface CapabilitySearchResult {
  found: number;
  hits: CapabilityHit[];
  facets: Record<string, Array<{ value: string; count: number }>>;
}

export function toCapabilitySearchResult(response: SearchResponse<CapabilitySearchDocument>): CapabilitySearchResult {
  return {
    found: response.found,
    hits: (response.hits ?? []).map((hit) => ({
      id: hit.document.id,
      title: hit.document.title,
      summary: hit.document.summary,
      kind: hit.document.kind,
      direction: hit.document.direction,
      industries: hit.document.industries,
      trl: hit.document.trl ?? null,
      province: hit.document.province ?? null,
      matched: [...new Set((hit.highlights ?? []).flatMap((highlight) => highlight.matched_tokens?.flat() ?? []).map(String))],
    })),
    facets: Object.fromEntries(
      (response.facet_counts ?? []).map((facet) => [String(facet.field_name), facet.counts.map((count) => ({ value: count.value, count: count.count }))]),
    ),
  };
}
