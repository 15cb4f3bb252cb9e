import taxonomyFile from '../../seeds/taxonomy.json';
import { escapeHtml, highlightToHtml } from '../core/html';
import type { MessageKey } from '../core/i18n';
import { presentNeedSummary, type NeedLabelContext } from '../needs';
import { qualificationType } from '../qualifications';
import { SEARCH_TABS, type SearchQuery } from './search-pages.schemas';
import type { SearchHit, SearchOutcome } from './search-pages.service';

/** Which facets each tab shows, and the URL parameter each one sets. */
const FACETS: Record<SearchQuery['tab'], Array<{ field: string; param: keyof SearchQuery }>> = {
  needs: [
    { field: 'domains', param: 'domain' },
    { field: 'industries', param: 'industry' },
    { field: 'kind', param: 'kind' },
    { field: 'organisation_kind', param: 'organisationKind' },
    { field: 'province', param: 'province' },
    { field: 'qualifications', param: 'qualification' },
    { field: 'min_trl', param: 'trlMin' },
  ],
  capabilities: [
    { field: 'domains', param: 'domain' },
    { field: 'industries', param: 'industry' },
    { field: 'kind', param: 'kind' },
    { field: 'direction', param: 'direction' },
    { field: 'province', param: 'province' },
  ],
  organisations: [
    { field: 'domains', param: 'domain' },
    { field: 'industries', param: 'industry' },
    { field: 'kind', param: 'organisationKind' },
    { field: 'province', param: 'province' },
    { field: 'qualifications', param: 'qualification' },
  ],
};

const FACET_LABEL_KEYS: Record<string, MessageKey> = {
  domains: 'search.facet.domains',
  industries: 'search.facet.industries',
  kind: 'search.facet.kind',
  direction: 'search.facet.direction',
  organisation_kind: 'search.facet.organisation_kind',
  province: 'search.facet.province',
  qualifications: 'search.facet.qualifications',
  min_trl: 'search.facet.min_trl',
};

/** The page's URL with some parameters changed; a changed filter goes back to page 1. */
export function searchHref(query: SearchQuery, changes: Partial<Record<keyof SearchQuery, string | number | undefined>>): string {
  const merged: Record<string, unknown> = { ...query, page: undefined, ...changes };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined || value === '' || (key === 'page' && value === 1) || (key === 'sort' && value === 'relevance') || (key === 'tab' && value === 'needs')) continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `/search?${text}` : '/search';
}

function valueLabel(field: string, value: string, context: NeedLabelContext): string {
  const zh = context.locale === 'zh';
  switch (field) {
    case 'domains': {
      const domain = context.domains.find((candidate) => candidate.code === value);
      return domain ? (zh ? domain.zh : domain.en) : value;
    }
    case 'industries': {
      const leaf = context.domains.flatMap((domain) => domain.leaves).find((candidate) => candidate.code === value);
      return leaf ? (zh ? leaf.zh : leaf.en) : value;
    }
    case 'kind': {
      const listing = taxonomyFile.listingKinds.find((candidate) => candidate.code === value);
      return listing ? listing[context.locale] : context.organisations.kindLabel(value, context.locale);
    }
    case 'organisation_kind':
      return context.organisations.kindLabel(value, context.locale);
    case 'direction':
      return taxonomyFile.directions.find((candidate) => candidate.code === value)?.[context.locale] ?? value;
    case 'province':
      return context.regions.provinces().find((candidate) => candidate.code === value)?.[context.locale] ?? value;
    case 'qualifications': {
      const type = qualificationType(value);
      return type ? type[context.locale] : value;
    }
    case 'min_trl':
      return value === '0' ? context.t('needs.trl.none') : `TRL ${value}`;
    default:
      return value;
  }
}

function presentHit(hit: SearchHit, context: NeedLabelContext) {
  switch (hit.tab) {
    case 'needs': {
      const need = presentNeedSummary(hit.need, context);
      return {
        href: need.href,
        titleHtml: hit.snippets.title ? highlightToHtml(hit.snippets.title) : escapeHtml(need.title),
        textHtml: hit.snippets.description ? highlightToHtml(hit.snippets.description) : hit.snippets.summary ? highlightToHtml(hit.snippets.summary) : escapeHtml(need.summary),
        meta: [need.kind, need.organisationName, need.province, ...need.industries, `${context.t('needs.deadline')} ${need.deadline}`],
        tags: need.qualifications,
        summaryOnly: hit.access === 'summary',
        visibility: need.visibilityLabel,
      };
    }
    case 'capabilities':
      return {
        href: `/capabilities/${hit.id}`,
        titleHtml: escapeHtml(hit.title),
        textHtml: escapeHtml(hit.summary),
        meta: [valueLabel('kind', hit.kind, context), valueLabel('direction', hit.direction, context), ...hit.industries.map((code) => valueLabel('industries', code, context)), hit.trl ? `TRL ${hit.trl}` : ''].filter(Boolean),
        tags: [],
        summaryOnly: false,
        visibility: '',
      };
    case 'organisations':
      return {
        href: `/organisations/${hit.id}`,
        titleHtml: hit.snippets.name ? highlightToHtml(hit.snippets.name) : escapeHtml(hit.name),
        textHtml: hit.snippets.introduction ? highlightToHtml(hit.snippets.introduction) : '',
        meta: [valueLabel('organisation_kind', hit.kind, context), valueLabel('province', hit.province, context), ...hit.industries.map((code) => valueLabel('industries', code, context))],
        tags: [],
        summaryOnly: false,
        visibility: '',
      };
  }
}

export function presentSearchPage(query: SearchQuery, outcome: SearchOutcome, context: NeedLabelContext) {
  const tabs = SEARCH_TABS.map((tab) => ({ code: tab, label: context.t(`nav.${tab}`), href: searchHref({ ...query, kind: undefined, direction: undefined }, { tab }), active: tab === query.tab }));
  const sorts = (['relevance', 'newest', 'deadline'] as const)
    .filter((sort) => query.tab === 'needs' || sort !== 'deadline')
    .map((sort) => ({ code: sort, label: context.t(`search.sort.${sort}`), href: searchHref(query, { sort }), active: sort === query.sort }));
  if (!outcome.available) return { query, tabs, sorts, available: false as const, found: 0, hits: [], facets: [], previousHref: null, nextHref: null, page: 1, pages: 1, clearHref: searchHref({ q: query.q, tab: query.tab, sort: query.sort, page: 1 }, {}) };
  const pages = Math.max(1, Math.ceil(outcome.found / outcome.perPage));
  const facets = FACETS[query.tab].map(({ field, param }) => ({
    field,
    label: context.t(FACET_LABEL_KEYS[field]!),
    values: (outcome.facets[field] ?? []).map((entry) => {
      const active = String(query[param] ?? '') === entry.value;
      return { value: entry.value, label: valueLabel(field, entry.value, context), count: entry.count, active, href: searchHref(query, { [param]: active ? undefined : entry.value }) };
    }),
  }));
  return {
    query,
    tabs,
    sorts,
    available: true as const,
    found: outcome.found,
    hits: outcome.hits.map((hit) => presentHit(hit, context)),
    facets: facets.filter((facet) => facet.values.length > 0),
    page: outcome.page,
    pages,
    previousHref: outcome.page > 1 ? searchHref(query, { page: outcome.page - 1 }) : null,
    nextHref: outcome.page < pages ? searchHref(query, { page: outcome.page + 1 }) : null,
    clearHref: searchHref({ q: query.q, tab: query.tab, sort: query.sort, page: 1 }, {}),
  };
}
