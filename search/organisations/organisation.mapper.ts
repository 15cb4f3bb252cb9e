import { dayNumber } from '../capabilities/capability.mapper';
import { domainOf, industryTerms } from '../capabilities/industry-vocabulary';
import type { SearchDocument } from '../search-collection';
import { QUALIFICATION_TYPES } from '../../server/qualifications/qualification-catalogue';
import { organisationQualificationField } from './organisation.collection';

/** What indexing an organisation needs: plain values, no models. */
export interface OrganisationIndexInput {
  organisation: {
    id: string;
    name: string;
    kind: string;
    /** Province name as in seeds/regions.json (`湖北省`). */
    province: string;
    city: string;
    industries: string[];
    introduction: string;
    verifiedAt: Date;
    updatedAt: Date;
  };
  qualifications: Array<{ type: string; level?: string | null; validUntil: string; verified: boolean }>;
  publishedCapabilities: number;
}

export interface OrganisationSearchDocument extends SearchDocument {
  name: string;
  introduction: string;
  industry_terms: string[];
  kind: string;
  province: string;
  city: string;
  industries: string[];
  domains: string[];
  /** Types of the verified qualifications held (facet); validity is in the per-type fields. */
  qualifications: string[];
  capability_count: number;
  verified_at: number;
}

export function toOrganisationDocument(input: OrganisationIndexInput): OrganisationSearchDocument {
  const { organisation } = input;
  const verified = input.qualifications.filter((qualification) => qualification.verified);
  const validUntil: Record<string, number> = {};
  for (const type of QUALIFICATION_TYPES) {
    validUntil[organisationQualificationField(type.code)] = Math.max(0, ...verified.filter((q) => q.type === type.code).map((q) => dayNumber(q.validUntil)));
  }
  return {
    id: organisation.id,
    revision: organisation.updatedAt.getTime() + input.publishedCapabilities,
    name: organisation.name,
    introduction: organisation.introduction,
    industry_terms: industryTerms(organisation.industries),
    kind: organisation.kind,
    province: organisation.province,
    city: organisation.city,
    industries: organisation.industries,
    domains: [...new Set(organisation.industries.map(domainOf))],
    qualifications: [...new Set(verified.map((qualification) => qualification.type))],
    ...validUntil,
    capability_count: input.publishedCapabilities,
    verified_at: organisation.verifiedAt.getTime(),
  };
}
