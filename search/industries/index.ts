export { industryCollection } from './industry.collection';
export { toIndustryDocument, type IndustrySearchInput, type IndustrySearchDocument } from './industry.mapper';
export { buildIndustrySearch, type IndustryQuery } from './industry.query';
export { toIndustrySearchResult, type IndustryHit, type IndustrySearchResult } from './industry.response';
export { buildIndustryCountSearch, toIndustryCounts } from './industry-counts';
export { toSynonymRules, TAXONOMY_SYNONYM_PREFIX, type IndustryEquivalents } from './industry-synonyms';
