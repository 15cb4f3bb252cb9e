import type { SearchResponse } from 'typesense/lib/Typesense/Documents';
import type { NeedSearchDocument } from './need.mapper';

export interface NeedHit {
  id: string;
  /** Engine snippets with `<mark>` around matches; the rest is the indexed text, unescaped. */
  snippets: Partial<Record<'title' | 'summary' | 'description', string>>;
}

export interface NeedSearchResult {
  found: number;
  page: number;
  hits: NeedHit[];
  facets: Record<string, Array<{ value: string; count: number }>>;
}

export function toNeedSearchResult(response: SearchResponse<NeedSearchDocument>): NeedSearchResult {
  return {
    found: response.found,
    page: response.page,
    hits: (response.hits ?? []).map((hit) => {
      const snippets: NeedHit['snippets'] = {};
      for (const highlight of hit.highlights ?? []) {
        const field = highlight.field as keyof NeedHit['snippets'];
        if ((field === 'title' || field === 'summary' || field === 'description') && typeof highlight.snippet === 'string') snippets[field] = highlight.snippet;
      }
      return { id: hit.document.id, snippets };
    }),
    facets: Object.fromEntries(
      (response.facet_counts ?? []).map((facet) => [facet.field_name, facet.counts.map((count) => ({ value: String(count.value), count: count.count }))]),
    ),
  };
}
