import type { Client } from 'typesense';
import type { CalendarDay, Eligibility } from '../../server/matching/eligibility';
import { buildMatchPlan, type MatchNeed } from './match.query';
import { runProbes } from './probe-fusion';
import { toMatchResults, toNearMisses, type MatchResult, type NearMiss } from './match.response';

export interface MatchOptions {
  asOf: CalendarDay;
  collection?: string;
  limit?: number;
  nearMissLimit?: number;
  /**
   * Eligibility from the source of truth. Every result is re-checked before it
   * is returned: the index's filter decides what is searched, not what is shown.
   */
  recheck(capabilityId: string): Promise<Eligibility>;
}

export interface MatchOutcome {
  matches: MatchResult[];
  nearMisses: NearMiss[];
  /** Results the index let through but the re-check refused (index drift). */
  refused: string[];
}

/** Ranked eligible capabilities for a need, and the strong fits a hard requirement keeps out. */
export async function findMatches(client: Client, need: MatchNeed, options: MatchOptions): Promise<MatchOutcome> {
  const limit = options.limit ?? 20;
  const base = { asOf: options.asOf, ...(options.collection ? { collection: options.collection } : {}) };
  const eligiblePlan = buildMatchPlan(need, { ...base, eligibleOnly: true });
  const openPlan = buildMatchPlan(need, { ...base, eligibleOnly: false });
  const [eligibleResponses, openResponses] = await Promise.all([runProbes(client, eligiblePlan.searches), runProbes(client, openPlan.searches)]);

  const candidates = toMatchResults(eligiblePlan, eligibleResponses, Number.MAX_SAFE_INTEGER);
  const matches: MatchResult[] = [];
  const refused: string[] = [];
  for (const candidate of candidates) {
    if (matches.length >= limit) break;
    const eligibility = await options.recheck(candidate.capabilityId);
    if (eligibility.eligible) matches.push(candidate);
    else refused.push(candidate.capabilityId);
  }
  const nearMisses = toNearMisses(openPlan, openResponses, new Set(candidates.map((candidate) => candidate.capabilityId)), options.nearMissLimit);
  return { matches, nearMisses, refused };
}
