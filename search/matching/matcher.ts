import type { Client } from 'typesense';
import type { CalendarDay, Eligibility } from '../../server/matching/eligibility';
import type { SearchResponse } from 'typesense/lib/Typesense/Documents';
import type { CapabilitySearchDocument } from '../capabilities/capability.mapper';
import { buildMatchPlan, eligibilityFilter, type MatchNeed, type MatchPlan } from './match.query';
import { runProbes } from './probe-fusion';
import { toMatchResults, toNearMisses, type MatchResult, type NearMiss } from './match.response';

export interface MatchOptions {
  asOf: CalendarDay;
  collection?: string;
  limit?: number;
  nearMissLimit?: number;
  /**
   * Eligibility from the source of truth, `verdicts[i]` for `capabilityIds[i]`,
   * read in one go. Every result is re-checked before it is returned: the
   * index's filter decides what is searched, not what is shown.
   */
  recheck(capabilityIds: string[]): Promise<Eligibility[]>;
}

export interface MatchOutcome {
  matches: MatchResult[];
  nearMisses: NearMiss[];
  /** Results the index let through but the re-check refused (index drift). */
  refused: string[];
}

/** Typesense's default `limit_multi_searches`. */
const MULTI_SEARCH_LIMIT = 50;

/**
 * Both plans in one `multi_search` when they fit: one round trip, and the
 * engine works out the boosts the two plans share once.
 */
async function runPlans(client: Client, eligible: MatchPlan['searches'], open: MatchPlan['searches']): Promise<[Array<SearchResponse<CapabilitySearchDocument>>, Array<SearchResponse<CapabilitySearchDocument>>]> {
  if (eligible.length + open.length > MULTI_SEARCH_LIMIT) return Promise.all([runProbes(client, eligible), runProbes(client, open)]);
  const responses = await runProbes(client, [...eligible, ...open]);
  return [responses.slice(0, eligible.length), responses.slice(eligible.length)];
}

/** Ranked eligible capabilities for a need, and the strong fits a hard requirement keeps out. */
export async function findMatches(client: Client, need: MatchNeed, options: MatchOptions): Promise<MatchOutcome> {
  const limit = options.limit ?? 20;
  const base = { asOf: options.asOf, ...(options.collection ? { collection: options.collection } : {}) };
  const eligiblePlan = buildMatchPlan(need, { ...base, eligibleOnly: true });
  // Without hard requirements nothing can be kept out, so there are no near misses to look for.
  const hard = eligibilityFilter(need.requirements, options.asOf);
  // A page shows a few near misses: their probes need fewer hits than the matches' do.
  const nearMissHits = Math.max(20, 2 * (options.nearMissLimit ?? 5));
  const openPlan = hard.satisfiable && hard.filter === undefined ? undefined : buildMatchPlan(need, { ...base, eligibleOnly: false, perProbe: nearMissHits });
  const [eligibleResponses, openResponses] = await runPlans(client, eligiblePlan.searches, openPlan?.searches ?? []);

  const candidates = toMatchResults(eligiblePlan, eligibleResponses, Number.MAX_SAFE_INTEGER);
  const matches: MatchResult[] = [];
  const refused: string[] = [];
  // As many re-checks at once as matches are still missing, so none is made beyond the last match needed.
  for (let next = 0; matches.length < limit && next < candidates.length; ) {
    const batch = candidates.slice(next, next + limit - matches.length);
    next += batch.length;
    const verdicts = await options.recheck(batch.map((candidate) => candidate.capabilityId));
    batch.forEach((candidate, i) => (verdicts[i]!.eligible ? matches.push(candidate) : refused.push(candidate.capabilityId)));
  }
  const nearMisses = openPlan ? toNearMisses(openPlan, openResponses, new Set(candidates.map((candidate) => candidate.capabilityId)), options.nearMissLimit) : [];
  return { matches, nearMisses, refused };
}
