import { domainOf, industryTerms } from '../capabilities/industry-vocabulary';
import type { SearchDocument } from '../search-collection';

/** What indexing a need takes: plain values, no models. */
export interface NeedIndexInput {
  id: string;
  title: string;
  summary: string;
  description: string;
  industries: string[];
  kind: string;
  visibility: 'public' | 'registered' | 'qualified' | 'invited';
  invitedCreditCodes: string[];
  organisation: { id: string; name: string; kind: string; province: string };
  qualificationTypes: string[];
  minTrl: number | null;
  responseDeadline: Date;
  publishedAt: Date;
  updatedAt: Date;
}

export interface NeedSearchDocument extends SearchDocument {
  title: string;
  summary: string;
  description: string;
  industry_terms: string[];
  industries: string[];
  domains: string[];
  kind: string;
  visibility: string;
  invited: string[];
  organisation_id: string;
  organisation_name: string;
  organisation_kind: string;
  province: string;
  qualifications: string[];
  /** 0 when the need asks for no particular TRL. */
  min_trl: number;
  deadline: number;
  published_at: number;
}

export function toNeedDocument(need: NeedIndexInput): NeedSearchDocument {
  return {
    id: need.id,
    revision: need.updatedAt.getTime(),
    title: need.title,
    summary: need.summary,
    description: need.visibility === 'public' ? need.description : '',
    industry_terms: industryTerms(need.industries),
    industries: need.industries,
    domains: [...new Set(need.industries.map(domainOf))],
    kind: need.kind,
    visibility: need.visibility,
    invited: need.visibility === 'invited' ? need.invitedCreditCodes : [],
    organisation_id: need.organisation.id,
    organisation_name: need.organisation.name,
    organisation_kind: need.organisation.kind,
    province: need.organisation.province,
    qualifications: need.qualificationTypes,
    min_trl: need.minTrl ?? 0,
    deadline: need.responseDeadline.getTime(),
    published_at: need.publishedAt.getTime(),
  };
}
