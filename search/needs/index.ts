export { needCollection } from './need.collection';
export { toNeedDocument, type NeedIndexInput, type NeedSearchDocument } from './need.mapper';
export { buildNeedSearch, needVisibilityFilter, NEED_SORTS, NEED_FACETS, type NeedQuery, type NeedSort, type NeedSearchViewer } from './need.query';
export { toNeedSearchResult, type NeedHit, type NeedSearchResult } from './need.response';
