import { levelSatisfies, qualificationType } from '../qualifications/qualification-catalogue';

/** A calendar day as `YYYY-MM-DD` (platform time); days compare as strings. */
export type CalendarDay = string;

export interface QualificationRequirement {
  type: string;
  /** Absent: any level of the type will do. */
  minLevel?: string | null;
}

export interface NeedRequirements {
  qualifications: QualificationRequirement[];
  minTrl?: number | null;
  /** A preference, never a condition of eligibility. */
  preferredRegions?: string[];
}

export interface HeldQualification {
  type: string;
  level?: string | null;
  /** The last day on which the qualification is still valid. */
  validUntil: CalendarDay;
  verified: boolean;
}

export type QualificationShortfall = 'missing' | 'level' | 'unverified' | 'expired';

export type UnmetRequirement =
  | { kind: 'qualification'; type: string; minLevel: string | null; reason: QualificationShortfall }
  | { kind: 'trl'; minTrl: number; trl: number | null };

export interface Eligibility {
  eligible: boolean;
  unmet: UnmetRequirement[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function assertDay(value: string, what: string): void {
  if (!DAY.test(value)) throw new TypeError(`${what} must be a calendar day (YYYY-MM-DD), got ${JSON.stringify(value)}`);
}

/**
 * Why the holdings of one type fail a requirement, naming the closest miss: a
 * holding at a sufficient level that merely lapsed or awaits verification says
 * more to the need's author than "missing".
 */
function qualificationShortfall(requirement: QualificationRequirement, held: HeldQualification[], asOf: CalendarDay): QualificationShortfall | null {
  const ofType = held.filter((qualification) => qualification.type === requirement.type);
  const atLevel = ofType.filter((qualification) => levelSatisfies(requirement.type, qualification.level, requirement.minLevel));
  if (atLevel.some((qualification) => qualification.verified && qualification.validUntil >= asOf)) return null;
  if (atLevel.some((qualification) => qualification.verified)) return 'expired';
  if (atLevel.length > 0) return 'unverified';
  return ofType.length > 0 ? 'level' : 'missing';
}

/**
 * Whether a capability may be offered for a need on `asOf`: every required
 * qualification held by the capability's organisation at the required level or
 * better, verified and valid on that day (the last valid day still counts), and
 * the capability's TRL at least the required one. A requirement of a type the
 * catalogue does not know can never be met.
 */
export function checkEligibility(requirements: NeedRequirements, organisationQualifications: HeldQualification[], capabilityTrl: number | null | undefined, asOf: CalendarDay): Eligibility {
  assertDay(asOf, 'asOf');
  for (const qualification of organisationQualifications) assertDay(qualification.validUntil, `validUntil of ${qualification.type}`);
  const unmet: UnmetRequirement[] = [];
  for (const requirement of requirements.qualifications) {
    const reason = qualificationType(requirement.type) ? qualificationShortfall(requirement, organisationQualifications, asOf) : 'missing';
    if (reason) unmet.push({ kind: 'qualification', type: requirement.type, minLevel: requirement.minLevel ?? null, reason });
  }
  const minTrl = requirements.minTrl;
  if (minTrl !== null && minTrl !== undefined && (capabilityTrl === null || capabilityTrl === undefined || capabilityTrl < minTrl)) {
    unmet.push({ kind: 'trl', minTrl, trl: capabilityTrl ?? null });
  }
  return { eligible: unmet.length === 0, unmet };
}
