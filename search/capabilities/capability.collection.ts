import type { CollectionFieldSchema } from 'typesense/lib/Typesense/Collection';
import { QUALIFICATION_TYPES } from '../../server/qualifications/qualification-catalogue';
import type { SearchCollectionDefinition } from '../search-collection';

function fieldKey(typeCode: string): string {
  return typeCode.replace(/[^a-z0-9]+/gi, '_');
}

/** Best verified level of a qualification type, as `levelRank` orders it (0: none held). */
export function qualificationRankField(typeCode: string): string {
  return `qualification_${fieldKey(typeCode)}_rank`;
}

/**
 * The last valid day (yyyymmdd) of the organisation's verified holdings of a
 * type at rank `rank` or better (0: none). One field per rank rather than one
 * per type, because a lapsed higher level must not hide a valid lower one: the
 * filter for "secrecy level 3 or better" reads the rank-1 field only.
 */
export function qualificationValidUntilField(typeCode: string, rank: number): string {
  return `qualification_${fieldKey(typeCode)}_r${rank}_valid_until`;
}

function qualificationFields(): CollectionFieldSchema[] {
  return QUALIFICATION_TYPES.flatMap((type) => [
    { name: qualificationRankField(type.code), type: 'int32' as const, facet: true },
    ...Array.from({ length: Math.max(type.levels.length, 1) }, (_, i) => ({ name: qualificationValidUntilField(type.code, i + 1), type: 'int64' as const })),
  ]);
}

/** Published capabilities, matched against needs and searched by procurement staff. */
export const capabilityCollection: SearchCollectionDefinition = {
  name: 'capabilities',
  version: 2,
  fields: [
    { name: 'title', type: 'string', locale: 'zh' },
    { name: 'summary', type: 'string', locale: 'zh' },
    { name: 'description', type: 'string', locale: 'zh' },
    { name: 'keywords', type: 'string[]', locale: 'zh', facet: true },
    { name: 'industries', type: 'string[]', facet: true },
    { name: 'domains', type: 'string[]', facet: true },
    { name: 'industry_terms', type: 'string[]', locale: 'zh' },
    { name: 'kind', type: 'string', facet: true },
    { name: 'direction', type: 'string', facet: true },
    { name: 'trl', type: 'int32', facet: true, optional: true },
    { name: 'organisation_id', type: 'string', facet: true },
    { name: 'organisation_kind', type: 'string', facet: true },
    { name: 'province', type: 'string', facet: true, optional: true },
    { name: 'organisation_verified', type: 'bool', facet: true },
    ...qualificationFields(),
    { name: 'qualification_strength', type: 'float' },
    { name: 'completeness', type: 'int32' },
    { name: 'responsiveness', type: 'int32', optional: true },
    { name: 'published_at', type: 'int64', sort: true },
    { name: 'revision', type: 'int64' },
  ],
  defaultSortingField: 'published_at',
};
