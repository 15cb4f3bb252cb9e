import type { SearchParams } from 'typesense/lib/Typesense/Types';
import type { CapabilitySearchDocument } from './capability.mapper';

export interface CapabilityQuery {
  text: string;
  industries?: string[];
  domains?: string[];
  kind?: string;
  direction?: string;
  province?: string;
  minTrl?: number;
  /** A further `filter_by` expression, e.g. a need's eligibility filter. */
  filterBy?: string;
  page?: number;
  perPage?: number;
}

function quote(value: string): string {
  return `\`${value.replace(/`/g, '')}\``;
}

/** The capability search page's query: free text over the listing's own words, narrowed by facets. */
export function buildCapabilitySearch(query: CapabilityQuery): SearchParams<CapabilitySearchDocument> {
  const clauses: string[] = [];
  if (query.industries?.length) clauses.push(`industries:[${query.industries.map(quote).join(',')}]`);
  if (query.domains?.length) clauses.push(`domains:[${query.domains.map(quote).join(',')}]`);
  if (query.kind) clauses.push(`kind:=${quote(query.kind)}`);
  if (query.direction) clauses.push(`direction:=${quote(query.direction)}`);
  if (query.province) clauses.push(`province:=${quote(query.province)}`);
  if (query.minTrl !== undefined) clauses.push(`trl:>=${query.minTrl}`);
  if (query.filterBy) clauses.push(`(${query.filterBy})`);
  return {
    q: query.text.trim() || '*',
    query_by: 'title,summary,description,keywords',
    query_by_weights: '4,3,1,2',
    filter_by: clauses.length ? clauses.join(' && ') : undefined,
    facet_by: 'domains,industries,kind,direction,province',
    sort_by: '_text_match:desc,published_at:desc',
    highlight_fields: 'title,summary,keywords',
    page: query.page ?? 1,
    per_page: query.perPage ?? 20,
  };
}
