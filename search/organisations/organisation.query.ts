import type { SearchParams } from 'typesense/lib/Typesense/Types';
import { dayNumber } from '../capabilities/capability.mapper';
import { organisationQualificationField } from './organisation.collection';
import type { OrganisationSearchDocument } from './organisation.mapper';

export interface OrganisationQuery {
  text: string;
  kinds?: string[];
  provinces?: string[];
  /** Domain codes (`aerospace`) or leaf codes (`aerospace.uav`). */
  domains?: string[];
  industries?: string[];
  /** Qualification types the organisation must hold, verified and valid on `today`. */
  qualifications?: string[];
  /** `YYYY-MM-DD` (Beijing), the day validity is judged on. */
  today: string;
  sort?: 'relevance' | 'newest';
  page?: number;
  perPage?: number;
}

export const ORGANISATION_FACETS = ['kind', 'province', 'domains', 'industries', 'qualifications'] as const;

/** Filter values in backticks may contain anything but a backtick. */
function quoted(values: readonly string[]): string {
  return `[${values.map((value) => `\`${value.replace(/`/g, '')}\``).join(',')}]`;
}

export function buildOrganisationSearch(query: OrganisationQuery): SearchParams<OrganisationSearchDocument> {
  const filters: string[] = [];
  if (query.kinds?.length) filters.push(`kind:=${quoted(query.kinds)}`);
  if (query.provinces?.length) filters.push(`province:=${quoted(query.provinces)}`);
  if (query.domains?.length) filters.push(`domains:=${quoted(query.domains)}`);
  if (query.industries?.length) filters.push(`industries:=${quoted(query.industries)}`);
  const today = dayNumber(query.today);
  for (const type of query.qualifications ?? []) {
    if (/^[a-z0-9-]+$/.test(type)) filters.push(`${organisationQualificationField(type)}:>=${today}`);
  }
  const text = query.text.trim();
  return {
    q: text || '*',
    query_by: 'name,industry_terms,introduction',
    query_by_weights: '4,2,1',
    filter_by: filters.length ? filters.join(' && ') : undefined,
    facet_by: ORGANISATION_FACETS.join(','),
    max_facet_values: 50,
    sort_by: query.sort === 'newest' || !text ? 'verified_at:desc' : '_text_match:desc,capability_count:desc,verified_at:desc',
    highlight_fields: 'name,introduction',
    highlight_start_tag: '<mark>',
    highlight_end_tag: '</mark>',
    page: query.page ?? 1,
    per_page: query.perPage ?? 20,
  };
}
