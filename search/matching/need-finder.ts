import type { Client } from 'typesense';
import type { MultiSearchRequestSchema } from 'typesense/lib/Typesense/Types';
import type { SearchResponse } from 'typesense/lib/Typesense/Documents';
import { domainOf } from '../capabilities/industry-vocabulary';
import { needCollection } from '../needs/need.collection';
import type { NeedSearchDocument } from '../needs/need.mapper';
import { needVisibilityFilter, type NeedSearchViewer } from '../needs/need.query';
import { exactProbe, industryBoost, list, needIndustries, needProbes, type ListingText, type MatchProbe } from './match.query';
import { fuseProbes, runProbes } from './probe-fusion';

/** A capability, as the search for needs it could answer reads it. */
export interface MatchCapability extends ListingText {
  id: string;
  trl: number | null;
}

export interface NeedMatchResult {
  needId: string;
  score: number;
  parts: { text: number; industry: number };
  matchedTerms: string[];
  industries: { shared: string[]; related: string[] };
}

export interface NeedMatchPlan {
  capability: MatchCapability;
  probes: MatchProbe[];
  searches: Array<MultiSearchRequestSchema<NeedSearchDocument, string>>;
}

const TEXT_FIELDS = ['title', 'summary', 'description', 'industry_terms'] as const;
const TEXT_FIELD_WEIGHTS = [15, 9, 6, 3];
/** The description of a restricted need is not indexed, so a fit on it always comes from a public need. */
const FIELD_FACTORS: Record<string, number> = { title: 1, summary: 0.75, description: 0.55, industry_terms: 0.4 };
const PART_WEIGHTS = { text: 1, industry: 0.6 };

/**
 * The needs a capability could answer, searched the way needs search for
 * capabilities: the capability's words as probes, its industries as a boost.
 * Findability toward the supplier's organisation and the TRL the need asks for
 * are filters; qualifications are re-checked by the caller against the store.
 */
export function buildNeedMatchPlan(capability: MatchCapability, viewer: NeedSearchViewer, options: { collection?: string; perProbe?: number } = {}): NeedMatchPlan {
  const collection = options.collection ?? needCollection.name;
  const filters = [needVisibilityFilter(viewer), `min_trl:<=${capability.trl ?? 0}`].filter(Boolean);
  const filterBy = filters.join(' && ');
  const industry = industryBoost(capability);
  const perPage = options.perProbe ?? 50;
  const probes = needProbes(capability);
  const searches: NeedMatchPlan['searches'] = probes.map((probe) => ({
    collection,
    ...exactProbe(probe, TEXT_FIELDS, TEXT_FIELD_WEIGHTS),
    filter_by: filterBy,
    sort_by: ['_text_match:desc', industry, 'deadline:asc'].filter(Boolean).join(','),
    exclude_fields: 'summary,description,industry_terms',
    per_page: perPage,
  }));
  const { domains } = needIndustries(capability);
  if (domains.length) {
    probes.push({ source: 'industry', tokens: [], weight: 0, label: '' });
    searches.push({
      collection,
      q: '*',
      filter_by: `domains:=${list(domains)} && ${filterBy}`,
      sort_by: [industry, 'deadline:asc'].filter(Boolean).join(','),
      exclude_fields: 'summary,description,industry_terms',
      per_page: perPage,
    });
  }
  return { capability, probes, searches };
}

/** Fuses the probes' answers into one ranking of needs, best first. */
export function toNeedMatchResults(plan: NeedMatchPlan, responses: Array<SearchResponse<NeedSearchDocument>>): NeedMatchResult[] {
  const candidates = fuseProbes(plan.probes, responses, FIELD_FACTORS);
  const maxText = Math.max(0, ...[...candidates.values()].map((candidate) => candidate.text));
  const { leaves, domains } = needIndustries(plan.capability);
  return [...candidates.values()]
    .map((candidate) => {
      const shared = candidate.document.industries.filter((code) => leaves.includes(code));
      const related = candidate.document.industries.filter((code) => !leaves.includes(code) && domains.includes(domainOf(code)));
      const industry = shared.length ? 0.7 + (0.3 * shared.length) / Math.max(leaves.length, 1) : related.length ? 0.3 : 0;
      const text = maxText > 0 ? candidate.text / maxText : 0;
      return {
        needId: candidate.document.id,
        score: PART_WEIGHTS.text * text + PART_WEIGHTS.industry * industry,
        parts: { text, industry },
        matchedTerms: [...candidate.terms],
        industries: { shared, related },
      };
    })
    .sort((a, b) => b.score - a.score || a.needId.localeCompare(b.needId));
}

export async function findNeedsFor(client: Client, capability: MatchCapability, viewer: NeedSearchViewer, options: { collection?: string } = {}): Promise<NeedMatchResult[]> {
  const plan = buildNeedMatchPlan(capability, viewer, options);
  return toNeedMatchResults(plan, await runProbes(client, plan.searches));
}
