import type { SearchResponse } from 'typesense/lib/Typesense/Documents';
import type { IndustrySearchDocument } from './industry.mapper';

export interface IndustryHit {
  code: string;
  domain: string;
  level: 'domain' | 'leaf';
  zh: string;
  en: string;
  matched: string[];
}

export interface IndustrySearchResult {
  found: number;
  hits: IndustryHit[];
  domains: Array<{ code: string; count: number }>;
}

export function toIndustrySearchResult(response: SearchResponse<IndustrySearchDocument>): IndustrySearchResult {
  return {
    found: response.found,
    hits: (response.hits ?? []).map((hit) => ({
      code: hit.document.code,
      domain: hit.document.domain,
      level: hit.document.level,
      zh: hit.document.zh,
      en: hit.document.en,
      matched: [...new Set((hit.highlights ?? []).flatMap((highlight) => highlight.matched_tokens?.flat() ?? []).map(String))],
    })),
    domains: (response.facet_counts?.find((facet) => facet.field_name === 'domain')?.counts ?? []).map((count) => ({
      code: count.value,
      count: count.count,
    })),
  };
}
