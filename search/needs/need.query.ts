import type { SearchParams } from 'typesense/lib/Typesense/Types';
import type { NeedSearchDocument } from './need.mapper';

export const NEED_SORTS = ['relevance', 'newest', 'deadline'] as const;
export type NeedSort = (typeof NEED_SORTS)[number];

export const NEED_FACETS = ['domains', 'industries', 'kind', 'organisation_kind', 'province', 'qualifications', 'min_trl'] as const;

/**
 * Who is searching, as far as findability goes. Organisers find everything;
 * anybody else finds every need except invitation-only ones that name
 * neither their organisation as poster nor, when it is verified, as invitee.
 */
export type NeedSearchViewer = { reviewer: true } | { reviewer: false; organisationId: string | null; verifiedCreditCode: string | null };

export interface NeedQuery {
  text: string;
  viewer: NeedSearchViewer;
  domain?: string;
  industry?: string;
  kind?: string;
  organisationKind?: string;
  province?: string;
  qualification?: string;
  /** Needs asking for at most this TRL (a supplier at TRL n finds what it can answer). */
  trlMax?: number;
  /** Needs asking for at least this TRL. */
  trlMin?: number;
  sort: NeedSort;
  page: number;
  perPage: number;
}

function quoted(value: string): string {
  return `\`${value.replace(/`/g, '')}\``;
}

/** The visibility clause; every query carries it, so hits and facet counts agree. */
export function needVisibilityFilter(viewer: NeedSearchViewer): string | undefined {
  if (viewer.reviewer) return undefined;
  const visible = ['visibility:!=invited'];
  if (viewer.organisationId) visible.push(`organisation_id:=${quoted(viewer.organisationId)}`);
  if (viewer.verifiedCreditCode) visible.push(`invited:=${quoted(viewer.verifiedCreditCode)}`);
  return `(${visible.join(' || ')})`;
}

const SORT_BY: Record<NeedSort, string> = {
  relevance: '_text_match:desc,published_at:desc',
  newest: 'published_at:desc',
  deadline: 'deadline:asc',
};

export function buildNeedSearch(query: NeedQuery): SearchParams<NeedSearchDocument> {
  const filters = [needVisibilityFilter(query.viewer)];
  if (query.domain) filters.push(`domains:=${quoted(query.domain)}`);
  if (query.industry) filters.push(`industries:=${quoted(query.industry)}`);
  if (query.kind) filters.push(`kind:=${quoted(query.kind)}`);
  if (query.organisationKind) filters.push(`organisation_kind:=${quoted(query.organisationKind)}`);
  if (query.province) filters.push(`province:=${quoted(query.province)}`);
  if (query.qualification) filters.push(`qualifications:=${quoted(query.qualification)}`);
  if (query.trlMin !== undefined) filters.push(`min_trl:>=${query.trlMin}`);
  if (query.trlMax !== undefined) filters.push(`min_trl:<=${query.trlMax}`);
  const filterBy = filters.filter(Boolean).join(' && ');
  const text = query.text.trim();
  return {
    q: text || '*',
    query_by: 'title,summary,description,industry_terms,organisation_name',
    query_by_weights: '4,3,1,2,1',
    ...(filterBy ? { filter_by: filterBy } : {}),
    facet_by: NEED_FACETS.join(','),
    max_facet_values: 40,
    sort_by: text ? SORT_BY[query.sort] : SORT_BY[query.sort === 'relevance' ? 'newest' : query.sort],
    highlight_fields: 'title,summary,description',
    highlight_start_tag: '<mark>',
    highlight_end_tag: '</mark>',
    snippet_threshold: 60,
    page: query.page,
    per_page: query.perPage,
  };
}
