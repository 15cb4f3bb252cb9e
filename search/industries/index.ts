export { industryCollection } from './industry.collection';
export { toIndustryDocument, type IndustrySearchInput, type IndustrySearchDocument } from './industry.mapper';
export { buildIndustrySearch, type IndustryQuery } from './industry.query';
export { toIndustrySearchResult, type IndustryHit, type IndustrySearchResult } from './industry.response';
