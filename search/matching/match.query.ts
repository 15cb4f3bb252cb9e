import type { MultiSearchRequestSchema } from 'typesense/lib/Typesense/Types';
import { QUALIFICATION_TYPES, levelRank, qualificationType } from '../../server/qualifications/qualification-catalogue';
import type { CalendarDay, NeedRequirements } from '../../server/matching/eligibility';
import { capabilityCollection, qualificationValidUntilField } from '../capabilities/capability.collection';
import { dayNumber, type CapabilitySearchDocument } from '../capabilities/capability.mapper';
import { domainOf, industryLeaf } from '../capabilities/industry-vocabulary';
import regions from '../../seeds/regions.json';
import { informativeTerms, phraseTokens } from './need-terms';

export interface MatchNeed {
  id: string;
  title: string;
  summary: string;
  description: string;
  keywords: string[];
  industries: string[];
  requirements: NeedRequirements;
}

export interface MatchQueryOptions {
  asOf: CalendarDay;
  /** false: leave hard requirements out and search with the need's strongest words only, to find near misses. */
  eligibleOnly: boolean;
  /** How many hits each probe brings back (Typesense allows 250). */
  perProbe?: number;
  collection?: string;
}

/** Where a probe's words come from; decides how much a hit on it counts. */
export type ProbeSource = 'title' | 'keyword' | 'text' | 'taxonomy' | 'industry';

export interface MatchProbe {
  source: ProbeSource;
  /** Index tokens that must all be present (none for the industry probe). */
  tokens: string[];
  weight: number;
  /** How an explanation names what the probe found: a keyword or taxonomy term as written, else its words of two or more characters. */
  label: string;
}

const HAN = /^\p{Script=Han}+$/u;

/** A free-text probe joins a lone character to its neighbour ("机"+"复合"); explanations show the real words only. */
function wordsOf(tokens: string[]): string {
  const words = tokens.filter((token) => !HAN.test(token) || [...token].length >= 2);
  return words.every((word) => HAN.test(word)) ? words.join('') : words.join(' ');
}

/** One focused Typesense search per probe; `searches[i]` answers `probes[i]`. */
export interface MatchPlan {
  need: MatchNeed;
  asOf: CalendarDay;
  probes: MatchProbe[];
  searches: Array<MultiSearchRequestSchema<CapabilitySearchDocument, string>>;
}

/** Typesense's default `limit_multi_searches` is 50; one slot is the industry probe. */
const MAX_TEXT_PROBES = 48;
const MAX_TAXONOMY_PROBES = 12;
/**
 * A near miss is a strong fit that a requirement keeps out, so the search for
 * them needs only the need's own title and keywords (its free text when it has
 * too few of those): a second full plan doubled the cost of a match.
 */
const NEAR_MISS_PROBES = 8;
const NEAR_MISS_MIN_PROBES = 4;

const SOURCE_WEIGHTS: Record<ProbeSource, number> = { title: 2, keyword: 2, text: 1, taxonomy: 0.6, industry: 0 };

/**
 * The listing's own words. Its `industry_terms` (the taxonomy words of the
 * leaves it is filed under) are left out: the industry boost already counts
 * a shared leaf, and searching them made every taxonomy probe reach every
 * listing of the need's leaves, the largest share of a match's cost.
 */
const TEXT_FIELDS = ['title', 'keywords', 'summary', 'description'] as const;
const TEXT_FIELD_WEIGHTS = [15, 12, 9, 6];
/**
 * What ranking and explanations read of a hit (match.response.ts): industries,
 * preferences, TRL and the validity of each required qualification; the
 * matched words come from the highlights. A listing carries some thirty
 * qualification fields, and every probe returns up to `perProbe` hits.
 */
function resultFields(requirements: NeedRequirements): string {
  const fields = ['id', 'industries', 'province', 'organisation_verified', 'qualification_strength', 'completeness', 'responsiveness', 'trl'];
  for (const requirement of requirements.qualifications) {
    const rank = qualificationType(requirement.type) ? (requirement.minLevel ? levelRank(requirement.type, requirement.minLevel) : 1) : 0;
    if (rank > 0) fields.push(qualificationValidUntilField(requirement.type, rank));
  }
  return [...new Set(fields)].join(',');
}

export function quote(value: string): string {
  return `\`${value.replace(/`/g, '')}\``;
}

export function list(values: readonly string[]): string {
  return `[${values.map(quote).join(',')}]`;
}

/**
 * Hard requirements as `filter_by`: for every required qualification the
 * organisation's verified holdings at the required rank or better are valid on
 * `asOf` (the validity day itself included), and the TRL is at least the
 * minimum. A requirement of a type or level the catalogue does not know can
 * never be met: then nothing is eligible and there is nothing to search.
 */
export function eligibilityFilter(requirements: NeedRequirements, asOf: CalendarDay): { satisfiable: boolean; filter?: string } {
  const day = dayNumber(asOf);
  const clauses: string[] = [];
  for (const requirement of requirements.qualifications) {
    const known = QUALIFICATION_TYPES.some((candidate) => candidate.code === requirement.type);
    const rank = known ? (requirement.minLevel ? levelRank(requirement.type, requirement.minLevel) : 1) : 0;
    if (rank === 0) return { satisfiable: false };
    clauses.push(`${qualificationValidUntilField(requirement.type, rank)}:>=${day}`);
  }
  if (requirements.minTrl !== null && requirements.minTrl !== undefined) clauses.push(`trl:>=${requirements.minTrl}`);
  return { satisfiable: true, ...(clauses.length ? { filter: clauses.join(' && ') } : {}) };
}

/** What probes and industry boosts read of a listing: a need's or a capability's own words. */
export type ListingText = Pick<MatchNeed, 'title' | 'summary' | 'description' | 'keywords' | 'industries'>;

/** Leaves and domains of a listing, for the industry boosts. */
export function needIndustries(need: Pick<MatchNeed, 'industries'>): { leaves: string[]; domains: string[] } {
  const leaves = need.industries.filter((code) => industryLeaf(code));
  return { leaves, domains: [...new Set(need.industries.map(domainOf))] };
}

/**
 * The need's industries as a boost, never a wall: a capability filed in the
 * need's leaves scores 3, one elsewhere in the same domains 1.
 */
export function industryBoost(need: Pick<MatchNeed, 'industries'>): string | undefined {
  const { leaves, domains } = needIndustries(need);
  const branches: string[] = [];
  if (leaves.length) branches.push(`(industries:=${list(leaves)}):3`);
  if (domains.length) branches.push(`(domains:=${list(domains)}):1`);
  return branches.length ? `_eval([${branches.join(',')}]):desc` : undefined;
}

/** Preferred regions as the provinces capabilities are indexed by (`湖北省武汉市` → `湖北省`). */
export function preferredProvinces(need: MatchNeed): string[] {
  const wanted = need.requirements.preferredRegions ?? [];
  return [...new Set(wanted.map((region) => regions.provinces.find((province) => region.startsWith(province.zh))?.zh ?? region))];
}

/** An organisation "answers its invitations" when it answered at least this percentage of them. */
export const RESPONSIVE = 60;

/** Preferences as a boost: preferred regions first, then verified organisations that answer invitations, then verified ones. */
function preferenceBoost(need: MatchNeed): string {
  const regions = preferredProvinces(need);
  const branches: string[] = [];
  if (regions.length) {
    branches.push(`(province:=${list(regions)} && organisation_verified:true):4`);
    branches.push(`(province:=${list(regions)}):3`);
  }
  // Organisations that answer their invitations first among the rest; one never invited has no `responsiveness`.
  branches.push(`(organisation_verified:true && responsiveness:>=${RESPONSIVE}):2`);
  branches.push('(organisation_verified:true):1');
  return `_eval([${branches.join(',')}]):desc`;
}

function addProbe(probes: Map<string, MatchProbe>, source: ProbeSource, tokens: string[], label = wordsOf(tokens)): void {
  if (tokens.length === 0) return;
  const key = tokens.join(' ');
  const existing = probes.get(key);
  if (!existing || existing.weight < SOURCE_WEIGHTS[source]) probes.set(key, { source, tokens, weight: SOURCE_WEIGHTS[source], label });
}

/**
 * The need's words as probes: its title and keywords (counting double), the
 * informative words of its summary and description, and the taxonomy's own
 * words for the need's industries, so a listing that says "光电球" is found for
 * a need that says "光电吊舱".
 */
export function needProbes(need: ListingText): MatchProbe[] {
  const own = new Map<string, MatchProbe>();
  for (const tokens of informativeTerms(need.title)) addProbe(own, 'title', tokens);
  for (const keyword of need.keywords) addProbe(own, 'keyword', phraseTokens(keyword), keyword.trim());
  for (const tokens of informativeTerms(`${need.summary}\n${need.description}`)) addProbe(own, 'text', tokens);
  const taxonomy = new Map<string, MatchProbe>();
  for (const code of needIndustries(need).leaves) {
    const leaf = industryLeaf(code)!;
    for (const phrase of [leaf.zh, ...leaf.keywords]) {
      const tokens = phraseTokens(phrase);
      if (!own.has(tokens.join(' '))) addProbe(taxonomy, 'taxonomy', tokens, phrase.trim());
    }
  }
  const taxonomyProbes = [...taxonomy.values()].slice(0, MAX_TAXONOMY_PROBES);
  return [...[...own.values()].slice(0, MAX_TEXT_PROBES - taxonomyProbes.length), ...taxonomyProbes];
}

/** The need's title and keyword probes, topped up with its first free-text ones. */
function strongestProbes(probes: MatchProbe[]): MatchProbe[] {
  const strong = probes.filter((probe) => probe.weight >= SOURCE_WEIGHTS.title);
  const rest = probes.filter((probe) => probe.source === 'text');
  return [...strong, ...rest.slice(0, Math.max(0, NEAR_MISS_MIN_PROBES - strong.length))].slice(0, NEAR_MISS_PROBES);
}

/** A probe is one concept: every token of it must be present, spelled as written, in the fields by their weights; its highlights name the words found. */
export function exactProbe(probe: MatchProbe, fields: readonly string[], weights: readonly number[]) {
  return {
    q: probe.tokens.join(' '),
    query_by: fields.join(','),
    query_by_weights: weights.join(','),
    prefix: false,
    num_typos: 0,
    drop_tokens_threshold: 0,
    typo_tokens_threshold: 0,
    highlight_fields: fields.join(','),
    enable_highlight_v1: false,
    // Ranking and explanations read the matched words, never the snippet: the matched word alone, unmarked, keeps the responses short.
    snippet_threshold: 0,
    highlight_affix_num_tokens: 0,
    highlight_start_tag: '',
    highlight_end_tag: '',
  };
}

export function buildMatchPlan(need: MatchNeed, options: MatchQueryOptions): MatchPlan {
  const collection = options.collection ?? capabilityCollection.name;
  const perPage = options.perProbe ?? 50;
  const hard = eligibilityFilter(need.requirements, options.asOf);
  if (options.eligibleOnly && !hard.satisfiable) return { need, asOf: options.asOf, probes: [], searches: [] };
  const eligibility = options.eligibleOnly ? hard.filter : undefined;
  const industry = industryBoost(need);
  const preferences = preferenceBoost(need);
  const probes = options.eligibleOnly ? needProbes(need) : strongestProbes(needProbes(need));
  const includeFields = resultFields(need.requirements);
  const searches: MatchPlan['searches'] = probes.map((probe) => ({
    collection,
    ...exactProbe(probe, TEXT_FIELDS, TEXT_FIELD_WEIGHTS),
    filter_by: eligibility,
    sort_by: ['_text_match:desc', industry, preferences].filter(Boolean).join(','),
    include_fields: includeFields,
    per_page: perPage,
  }));
  // Listings filed in the need's own leaves come in even when their words differ; those of related leaves need a word in common.
  const { leaves } = needIndustries(need);
  if (leaves.length) {
    probes.push({ source: 'industry', tokens: [], weight: 0, label: '' });
    const inIndustry = `industries:=${list(leaves)}`;
    searches.push({
      collection,
      q: '*',
      filter_by: eligibility ? `${inIndustry} && ${eligibility}` : inIndustry,
      sort_by: [preferences, 'published_at:desc'].join(','),
      include_fields: includeFields,
      per_page: perPage,
    });
  }
  return { need, asOf: options.asOf, probes, searches };
}
