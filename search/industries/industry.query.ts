import type { SearchParams } from 'typesense/lib/Typesense/Types';
import type { IndustrySearchDocument } from './industry.mapper';

export interface IndustryQuery {
  text: string;
  domain?: string;
  perPage?: number;
}

export function buildIndustrySearch(query: IndustryQuery): SearchParams<IndustrySearchDocument> {
  return {
    q: query.text.trim() || '*',
    query_by: 'zh,keywords,en',
    query_by_weights: '3,2,1',
    filter_by: query.domain ? `domain:=\`${query.domain.replace(/`/g, '')}\`` : undefined,
    facet_by: 'domain',
    sort_by: '_text_match:desc,position:asc',
    highlight_fields: 'zh,keywords,en',
    per_page: query.perPage ?? 30,
  };
}
