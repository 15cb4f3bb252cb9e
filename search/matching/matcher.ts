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
  // Without hard requirements both plans send the same searches: run them once.
  const samePlans = JSON.stringify(eligiblePlan.searches) === JSON.stringify(openPlan.searches);
  const [eligibleResponses, openResponses] = samePlans
    ? await runProbes(client, openPlan.searches).then((responses) => [responses, responses])
    : await Promise.all([runProbes(client, eligiblePlan.searches), runProbes(client, openPlan.searches)]);

  const candidates = toMatchResults(eligiblePlan, eligibleResponses, Number.MAX_SAFE_INTEGER);
  const matches: MatchResult[] = [];
  const refused: string[] = [];
  // As many re-checks at once as matches are still missing, so none is made beyond the last match needed.
  for (let next = 0; matches.length < limit && next < candidates.length; ) {
    const batch = candidates.slice(next, next + limit - matches.length);
    next += batch.length;
    const verdicts = await Promise.all(batch.map((candidate) => options.recheck(candidate.capabilityId)));
    batch.forEach((candidate, i) => (verdicts[i]!.eligible ? matches.push(candidate) : refused.push(candidate.capabilityId)));
  }
  const nearMisses = toNearMisses(openPlan, openResponses, new Set(candidates.map((candidate) => candidate.capabilityId)), options.nearMissLimit);
  return { matches, nearMisses, refused };
}
