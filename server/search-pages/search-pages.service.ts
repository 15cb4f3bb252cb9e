import type { Client } from 'typesense';
import type { Actor } from '../core/actor';
import { beijingDay } from '../core/time';
import type { NeedsService, NeedSummary, NeedAccess } from '../needs';
import { isSearchUnavailable } from '../../search';
import { buildCapabilitySearch, toCapabilitySearchResult, type CapabilitySearchDocument } from '../../search/capabilities';
import { buildOrganisationSearch, toOrganisationSearchResult, type OrganisationSearchDocument } from '../../search/organisations';
import type { SearchQuery, SearchTab } from './search-pages.schemas';

export const RESULTS_PER_PAGE = 20;

export type SearchHit =
  | { tab: 'needs'; need: NeedSummary; access: Exclude<NeedAccess, 'none'>; snippets: Partial<Record<'title' | 'summary' | 'description', string>> }
  | { tab: 'capabilities'; id: string; title: string; summary: string; kind: string; direction: string; industries: string[]; trl: number | null }
  | { tab: 'organisations'; id: string; name: string; kind: string; province: string; industries: string[]; snippets: { name?: string; introduction?: string } };

export type SearchOutcome =
  | { tab: SearchTab; available: false }
  | { tab: SearchTab; available: true; found: number; page: number; perPage: number; hits: SearchHit[]; facets: Record<string, Array<{ value: string; count: number }>> };

/** Engine unreachable, or a collection not built yet (a fresh engine): the page says search is unavailable. */
function unavailable(error: unknown): boolean {
  return isSearchUnavailable(error) || (error as { httpStatus?: unknown }).httpStatus === 404;
}

/**
 * The `/search` page: one query, three collections. Needs go through the
 * needs service, which enforces visibility in the engine's filter and again
 * on the records; capabilities and organisations hold only published,
 * public listings and are queried with their own builders.
 */
export function createSearchPagesService(deps: { needs: NeedsService; search: Client }) {
  const { needs, search } = deps;

  async function capabilities(query: SearchQuery): Promise<SearchOutcome> {
    const params = buildCapabilitySearch({
      text: query.q,
      domains: query.domain ? [query.domain] : undefined,
      industries: query.industry ? [query.industry] : undefined,
      kind: query.kind,
      direction: query.direction,
      province: query.province,
      minTrl: query.trlMin,
      page: query.page,
      perPage: RESULTS_PER_PAGE,
    });
    const result = toCapabilitySearchResult(await search.collections<CapabilitySearchDocument>('capabilities').documents().search(params));
    return {
      tab: 'capabilities',
      available: true,
      found: result.found,
      page: query.page,
      perPage: RESULTS_PER_PAGE,
      hits: result.hits.map((hit) => ({ tab: 'capabilities', id: hit.id, title: hit.title, summary: hit.summary, kind: hit.kind, direction: hit.direction, industries: hit.industries, trl: hit.trl })),
      facets: result.facets,
    };
  }

  async function organisations(query: SearchQuery): Promise<SearchOutcome> {
    const params = buildOrganisationSearch({
      text: query.q,
      kinds: query.organisationKind ? [query.organisationKind] : undefined,
      provinces: query.province ? [query.province] : undefined,
      domains: query.domain ? [query.domain] : undefined,
      industries: query.industry ? [query.industry] : undefined,
      qualifications: query.qualification ? [query.qualification] : undefined,
      today: beijingDay(new Date()),
      sort: query.sort === 'newest' ? 'newest' : 'relevance',
      page: query.page,
      perPage: RESULTS_PER_PAGE,
    });
    const result = toOrganisationSearchResult(await search.collections<OrganisationSearchDocument>('organisations').documents().search(params));
    return {
      tab: 'organisations',
      available: true,
      found: result.found,
      page: result.page,
      perPage: RESULTS_PER_PAGE,
      hits: result.hits.map((hit) => ({ tab: 'organisations', id: hit.id, name: hit.name, kind: hit.kind, province: hit.province, industries: hit.industries, snippets: hit.highlights })),
      facets: result.facets,
    };
  }

  return {
    async search(actor: Actor | null, query: SearchQuery): Promise<SearchOutcome> {
      if (query.tab === 'needs') {
        const outcome = await needs.search(actor, {
          q: query.q,
          domain: query.domain,
          industry: query.industry,
          kind: query.kind,
          organisationKind: query.organisationKind,
          province: query.province,
          qualification: query.qualification,
          trlMin: query.trlMin,
          trlMax: query.trlMax,
          sort: query.sort,
          page: query.page,
        });
        if (!outcome.available) return { tab: 'needs', available: false };
        return { ...outcome, tab: 'needs', hits: outcome.hits.map((hit) => ({ tab: 'needs', ...hit })) };
      }
      try {
        return query.tab === 'capabilities' ? await capabilities(query) : await organisations(query);
      } catch (error) {
        if (unavailable(error)) return { tab: query.tab, available: false };
        throw error;
      }
    },
  };
}

export type SearchPagesService = ReturnType<typeof createSearchPagesService>;
