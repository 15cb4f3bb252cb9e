import type { Client } from 'typesense';
import type { SearchResponse } from 'typesense/lib/Typesense/Documents';
import type { CalendarDay, Eligibility } from '../../server/matching/eligibility';
import type { CapabilitySearchDocument } from '../capabilities/capability.mapper';
import { buildMatchPlan, type MatchNeed, type MatchPlan } from './match.query';
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

async function runPlan(client: Client, plan: MatchPlan): Promise<Array<SearchResponse<CapabilitySearchDocument>>> {
  if (plan.searches.length === 0) return [];
  const { results } = await client.multiSearch.perform<CapabilitySearchDocument[]>({ searches: plan.searches });
  return results.map((result) => {
    const failed = result as unknown as { code?: number; error?: string };
    if (failed.error) throw new Error(`matching search failed (${failed.code}): ${failed.error}`);
    return result as SearchResponse<CapabilitySearchDocument>;
  });
}

/** Ranked eligible capabilities for a need, and the strong fits a hard requirement keeps out. */
export async function findMatches(client: Client, need: MatchNeed, options: MatchOptions): Promise<MatchOutcome> {
  const limit = options.limit ?? 20;
  const base = { asOf: options.asOf, ...(options.collection ? { collection: options.collection } : {}) };
  const eligiblePlan = buildMatchPlan(need, { ...base, eligibleOnly: true });
  const openPlan = buildMatchPlan(need, { ...base, eligibleOnly: false });
  const [eligibleResponses, openResponses] = await Promise.all([runPlan(client, eligiblePlan), runPlan(client, openPlan)]);

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
