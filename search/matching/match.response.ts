import type { SearchResponse } from 'typesense/lib/Typesense/Documents';
import { levelRank } from '../../server/qualifications/qualification-catalogue';
import type { QualificationRequirement } from '../../server/matching/eligibility';
import { qualificationValidUntilField } from '../capabilities/capability.collection';
import { dayNumber, type CapabilitySearchDocument } from '../capabilities/capability.mapper';
import { domainOf } from '../capabilities/industry-vocabulary';
import { needIndustries, preferredProvinces, RESPONSIVE, type MatchPlan } from './match.query';
import { fuseProbes, type FusedCandidate } from './probe-fusion';

export type MatchRequirement = { kind: 'qualification'; type: string; minLevel: string | null } | { kind: 'trl'; minTrl: number };

export type MatchPreference = 'region' | 'verified-organisation' | 'qualification-strength' | 'complete-profile' | 'responsive';

export interface MatchResult {
  capabilityId: string;
  score: number;
  parts: { text: number; industry: number; preferences: number };
  /** Words of the need found in the listing, from Typesense's highlights. */
  matchedTerms: string[];
  industries: { shared: string[]; related: string[] };
  /** As the index saw them; the caller re-checks eligibility against the store. */
  requirements: Array<{ requirement: MatchRequirement; met: boolean }>;
  preferencesMet: MatchPreference[];
}

export interface NearMiss extends MatchResult {
  missing: MatchRequirement[];
}

/** How much a probe word counts by the best field it was found in. */
const FIELD_FACTORS: Record<string, number> = { title: 1, keywords: 0.9, summary: 0.75, description: 0.55 };

/** Text relevance leads; a shared industry is worth a good part of a perfect text match; preferences only order near-equals. */
const PART_WEIGHTS = { text: 1, industry: 0.6, preferences: 0.05 };

function requirementsOf(plan: MatchPlan): MatchRequirement[] {
  const { qualifications, minTrl } = plan.need.requirements;
  const list: MatchRequirement[] = qualifications.map((q: QualificationRequirement) => ({ kind: 'qualification', type: q.type, minLevel: q.minLevel ?? null }));
  if (minTrl !== null && minTrl !== undefined) list.push({ kind: 'trl', minTrl });
  return list;
}

function meets(document: CapabilitySearchDocument, requirement: MatchRequirement, asOfDay: number): boolean {
  if (requirement.kind === 'trl') return typeof document.trl === 'number' && document.trl >= requirement.minTrl;
  const rank = requirement.minLevel ? levelRank(requirement.type, requirement.minLevel) : 1;
  if (rank === 0) return false;
  const until = document[qualificationValidUntilField(requirement.type, rank)];
  return typeof until === 'number' && until >= asOfDay;
}

type Candidate = FusedCandidate<CapabilitySearchDocument>;

function collect(plan: MatchPlan, responses: Array<SearchResponse<CapabilitySearchDocument>>): Map<string, Candidate> {
  return fuseProbes(plan.probes, responses, FIELD_FACTORS);
}

function score(plan: MatchPlan, candidate: Candidate, maxText: number): MatchResult {
  const document = candidate.document;
  const { leaves, domains } = needIndustries(plan.need);
  const shared = document.industries.filter((code) => leaves.includes(code));
  const related = document.industries.filter((code) => !leaves.includes(code) && domains.includes(domainOf(code)));
  const industry = shared.length ? 0.7 + (0.3 * shared.length) / leaves.length : related.length ? 0.3 : 0;

  const preferencesMet: MatchPreference[] = [];
  if (document.province && preferredProvinces(plan.need).includes(document.province)) preferencesMet.push('region');
  if (document.organisation_verified) preferencesMet.push('verified-organisation');
  if (document.qualification_strength >= 3) preferencesMet.push('qualification-strength');
  if (document.completeness >= 80) preferencesMet.push('complete-profile');
  if ((document.responsiveness ?? 0) >= RESPONSIVE) preferencesMet.push('responsive');
  // An organisation never invited has no record either way: it is neither rewarded nor penalised.
  const responsiveness = document.responsiveness === undefined ? 0.5 : document.responsiveness / 100;
  const preferences =
    (preferencesMet.includes('region') ? 0.5 : 0) +
    (document.organisation_verified ? 0.2 : 0) +
    0.2 * Math.min(document.qualification_strength / 5, 1) +
    0.1 * (document.completeness / 100) +
    0.1 * responsiveness;

  const text = maxText > 0 ? candidate.text / maxText : 0;
  const asOfDay = dayNumber(plan.asOf);
  return {
    capabilityId: document.id,
    score: PART_WEIGHTS.text * text + PART_WEIGHTS.industry * industry + PART_WEIGHTS.preferences * preferences,
    parts: { text, industry, preferences },
    matchedTerms: [...candidate.terms],
    industries: { shared, related },
    requirements: requirementsOf(plan).map((requirement) => ({ requirement, met: meets(document, requirement, asOfDay) })),
    preferencesMet,
  };
}

function ranked(plan: MatchPlan, responses: Array<SearchResponse<CapabilitySearchDocument>>): MatchResult[] {
  const candidates = collect(plan, responses);
  const maxText = Math.max(0, ...[...candidates.values()].map((candidate) => candidate.text));
  return [...candidates.values()]
    .map((candidate) => score(plan, candidate, maxText))
    .sort((a, b) => b.score - a.score || a.capabilityId.localeCompare(b.capabilityId));
}

/** The matches of an eligibility-filtered plan, best first. */
export function toMatchResults(plan: MatchPlan, responses: Array<SearchResponse<CapabilitySearchDocument>>, limit = 20): MatchResult[] {
  return ranked(plan, responses).slice(0, limit);
}

/** A near miss must be worth telling the need's author about: a good text fit or a listing in the need's own industries. */
const NEAR_MISS_MIN_TEXT = 0.3;

/**
 * Strong fits that a hard requirement keeps out, each naming what is missing:
 * the answer to an unfiltered plan minus the eligible ids.
 */
export function toNearMisses(plan: MatchPlan, responses: Array<SearchResponse<CapabilitySearchDocument>>, eligibleIds: ReadonlySet<string>, limit = 5): NearMiss[] {
  return ranked(plan, responses)
    .filter((result) => !eligibleIds.has(result.capabilityId))
    .filter((result) => result.parts.text >= NEAR_MISS_MIN_TEXT || result.industries.shared.length > 0)
    .map((result) => ({ ...result, missing: result.requirements.filter((entry) => !entry.met).map((entry) => entry.requirement) }))
    .filter((result) => result.missing.length > 0)
    .slice(0, limit);
}
