export { capabilityCollection, qualificationRankField, qualificationValidUntilField } from './capability.collection';
export { toCapabilityDocument, dayNumber, type CapabilityIndexInput, type CapabilitySearchDocument } from './capability.mapper';
export { buildCapabilitySearch, type CapabilityQuery } from './capability.query';
export { toCapabilitySearchResult, type CapabilityHit, type CapabilitySearchResult } from './capability.response';
export { industryTerms, domainOf } from './industry-vocabulary';
