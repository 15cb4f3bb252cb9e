import type { SearchResponse } from 'typesense/lib/Typesense/Documents';
import type { OrganisationSearchDocument } from './organisation.mapper';
import { ORGANISATION_FACETS } from './organisation.query';

export interface OrganisationHit {
  id: string;
  name: string;
  kind: string;
  province: string;
  city: string;
  industries: string[];
  qualifications: string[];
  capabilityCount: number;
  /** Engine snippets: matched words in `<mark>`, everything else as indexed (escape it before rendering). */
  highlights: { name?: string; introduction?: string };
}

export interface OrganisationSearchResult {
  found: number;
  page: number;
  hits: OrganisationHit[];
  facets: Record<(typeof ORGANISATION_FACETS)[number], Array<{ value: string; count: number }>>;
}

export function toOrganisationSearchResult(response: SearchResponse<OrganisationSearchDocument>): OrganisationSearchResult {
  const facets = Object.fromEntries(
    ORGANISATION_FACETS.map((field) => [
      field,
      (response.facet_counts?.find((facet) => facet.field_name === field)?.counts ?? []).map((count) => ({ value: count.value, count: count.count })),
    ]),
  ) as OrganisationSearchResult['facets'];
  return {
    found: response.found,
    page: response.page,
    hits: (response.hits ?? []).map((hit) => {
      const highlights: OrganisationHit['highlights'] = {};
      for (const highlight of hit.highlights ?? []) {
        if ((highlight.field === 'name' || highlight.field === 'introduction') && typeof highlight.snippet === 'string') highlights[highlight.field] = highlight.snippet;
      }
      return {
        id: hit.document.id,
        name: hit.document.name,
        kind: hit.document.kind,
        province: hit.document.province,
        city: hit.document.city,
        industries: hit.document.industries,
        qualifications: hit.document.qualifications,
        capabilityCount: hit.document.capability_count,
        highlights,
      };
    }),
    facets,
  };
}
