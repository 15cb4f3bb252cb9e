export { buildMatchPlan, eligibilityFilter, needProbes, preferredProvinces, type MatchNeed, type MatchPlan, type MatchProbe, type MatchQueryOptions } from './match.query';
export { toMatchResults, toNearMisses, type MatchResult, type NearMiss, type MatchRequirement, type MatchPreference } from './match.response';
export { findMatches, type MatchOptions, type MatchOutcome } from './matcher';
export { buildNeedMatchPlan, findNeedsFor, toNeedMatchResults, type MatchCapability, type NeedMatchResult } from './need-finder';
