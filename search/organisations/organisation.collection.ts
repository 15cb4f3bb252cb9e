import type { CollectionFieldSchema } from 'typesense/lib/Typesense/Collection';
import { QUALIFICATION_TYPES } from '../../server/qualifications/qualification-catalogue';
import type { SearchCollectionDefinition } from '../search-collection';

/** Last valid day (yyyymmdd) of the organisation's verified holdings of a qualification type; 0 when none. */
export function organisationQualificationField(typeCode: string): string {
  return `qualification_${typeCode.replace(/[^a-z0-9]+/gi, '_')}_valid_until`;
}

function qualificationFields(): CollectionFieldSchema[] {
  return QUALIFICATION_TYPES.map((type) => ({ name: organisationQualificationField(type.code), type: 'int64' as const }));
}

/** Verified organisations only: the public directory procurement staff search for suppliers. */
export const organisationCollection: SearchCollectionDefinition = {
  name: 'organisations',
  version: 1,
  fields: [
    { name: 'name', type: 'string', locale: 'zh' },
    { name: 'introduction', type: 'string', locale: 'zh' },
    { name: 'industry_terms', type: 'string[]', locale: 'zh' },
    { name: 'kind', type: 'string', facet: true },
    { name: 'province', type: 'string', facet: true },
    { name: 'city', type: 'string', facet: true },
    { name: 'industries', type: 'string[]', facet: true },
    { name: 'domains', type: 'string[]', facet: true },
    { name: 'qualifications', type: 'string[]', facet: true },
    ...qualificationFields(),
    { name: 'capability_count', type: 'int32' },
    { name: 'verified_at', type: 'int64', sort: true },
    { name: 'revision', type: 'int64' },
  ],
  defaultSortingField: 'verified_at',
};
