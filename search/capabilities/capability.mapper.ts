import { QUALIFICATION_TYPES, levelRank } from '../../server/qualifications/qualification-catalogue';
import type { SearchDocument } from '../search-collection';
import { qualificationRankField, qualificationValidUntilField } from './capability.collection';
import { domainOf, industryTerms } from './industry-vocabulary';

/** What indexing a capability needs, whatever stores it: plain values, no models. */
export interface CapabilityIndexInput {
  capability: {
    id: string;
    kind: string;
    direction: string;
    title: string;
    summary: string;
    description: string;
    keywords: string[];
    industries: string[];
    trl: number | null;
    publishedAt: Date;
    updatedAt: Date;
  };
  organisation: {
    id: string;
    kind: string;
    /** Province name as in seeds/regions.json (`湖北省`), null when unknown. */
    province: string | null;
    verified: boolean;
    updatedAt: Date;
    /** Percentage of the invitations it received that it answered; absent or null when never invited. */
    responsiveness?: number | null;
  };
  qualifications: Array<{ type: string; level?: string | null; validUntil: string; verified: boolean }>;
}

export interface CapabilitySearchDocument extends SearchDocument {
  title: string;
  summary: string;
  description: string;
  keywords: string[];
  industries: string[];
  domains: string[];
  industry_terms: string[];
  kind: string;
  direction: string;
  trl?: number;
  organisation_id: string;
  organisation_kind: string;
  province?: string;
  organisation_verified: boolean;
  qualification_strength: number;
  completeness: number;
  responsiveness?: number;
  published_at: number;
}

/** `2027-06-30` → 20270630, so validity compares as a number in `filter_by`. */
export function dayNumber(day: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new TypeError(`not a calendar day: ${JSON.stringify(day)}`);
  return Number(`${match[1]}${match[2]}${match[3]}`);
}

function qualificationValues(held: CapabilityIndexInput['qualifications']): Record<string, number> {
  const values: Record<string, number> = {};
  for (const type of QUALIFICATION_TYPES) {
    const verified = held.filter((qualification) => qualification.type === type.code && qualification.verified);
    const ranks = verified.map((qualification) => ({ rank: levelRank(type.code, qualification.level), until: dayNumber(qualification.validUntil) }));
    values[qualificationRankField(type.code)] = Math.max(0, ...ranks.map((entry) => entry.rank));
    for (let rank = 1; rank <= Math.max(type.levels.length, 1); rank += 1) {
      values[qualificationValidUntilField(type.code, rank)] = Math.max(0, ...ranks.filter((entry) => entry.rank >= rank).map((entry) => entry.until));
    }
  }
  return values;
}

/** Verified qualification types, each counted by how high its best level reaches (0..1). */
function qualificationStrength(held: CapabilityIndexInput['qualifications']): number {
  let strength = 0;
  for (const type of QUALIFICATION_TYPES) {
    const best = Math.max(0, ...held.filter((q) => q.type === type.code && q.verified).map((q) => levelRank(type.code, q.level)));
    strength += best / Math.max(type.levels.length, 1);
  }
  return Math.round(strength * 100) / 100;
}

/** Share (percent) of the things a buyer looks for that the listing provides. */
function completeness(input: CapabilityIndexInput): number {
  const { capability, organisation } = input;
  const checks = [
    capability.summary.trim().length > 0,
    capability.description.trim().length >= 80,
    capability.keywords.length >= 3,
    capability.industries.length > 0,
    capability.trl !== null,
    organisation.province !== null,
  ];
  return Math.round((checks.filter(Boolean).length / checks.length) * 100);
}

export function toCapabilityDocument(input: CapabilityIndexInput): CapabilitySearchDocument {
  const { capability, organisation } = input;
  return {
    id: capability.id,
    revision: Math.max(capability.updatedAt.getTime(), organisation.updatedAt.getTime()),
    title: capability.title,
    summary: capability.summary,
    description: capability.description,
    keywords: capability.keywords,
    industries: capability.industries,
    domains: [...new Set(capability.industries.map(domainOf))],
    industry_terms: industryTerms(capability.industries),
    kind: capability.kind,
    direction: capability.direction,
    ...(capability.trl !== null ? { trl: capability.trl } : {}),
    organisation_id: organisation.id,
    organisation_kind: organisation.kind,
    ...(organisation.province ? { province: organisation.province } : {}),
    organisation_verified: organisation.verified,
    ...qualificationValues(input.qualifications),
    qualification_strength: qualificationStrength(input.qualifications),
    completeness: completeness(input),
    ...(typeof organisation.responsiveness === 'number' ? { responsiveness: organisation.responsiveness } : {}),
    published_at: capability.publishedAt.getTime(),
  };
}
