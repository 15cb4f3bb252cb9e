import taxonomy from '../../seeds/taxonomy.json';

export interface QualificationLevel {
  code: string;
  zh: string;
}

export interface QualificationType {
  code: string;
  zh: string;
  en: string;
  /** Highest first, as the catalogue lists them; empty when the qualification has no levels. */
  levels: QualificationLevel[];
}

export const QUALIFICATION_TYPES: readonly QualificationType[] = Object.freeze(
  taxonomy.qualifications.map((entry) => ({
    code: entry.code,
    zh: entry.zh,
    en: entry.en,
    levels: entry.levels.map((level) => ({ code: level.code, zh: level.zh })),
  })),
);

const byCode = new Map(QUALIFICATION_TYPES.map((type) => [type.code, type]));

export function qualificationType(code: string): QualificationType | undefined {
  return byCode.get(code);
}

/**
 * How strong a held level is within its type: 1 for the lowest level (or for
 * a qualification without levels), the number of levels for the highest;
 * 0 when the level is not one of the type's levels.
 */
export function levelRank(typeCode: string, level: string | null | undefined): number {
  const type = byCode.get(typeCode);
  if (!type) return 0;
  if (type.levels.length === 0) return 1;
  const index = type.levels.findIndex((candidate) => candidate.code === level);
  return index < 0 ? 0 : type.levels.length - index;
}

/**
 * Whether holding `held` of a qualification type meets a requirement of
 * `required` of the same type: a higher level satisfies a lower requirement
 * (secrecy level 1 satisfies level 2, class I satisfies class II, 甲级 satisfies
 * 乙级, national satisfies provincial). A requirement without a level is met by
 * any level.
 */
export function levelSatisfies(typeCode: string, held: string | null | undefined, required: string | null | undefined): boolean {
  const heldRank = levelRank(typeCode, held);
  if (heldRank === 0) return false;
  if (required === null || required === undefined || required === '') return true;
  const requiredRank = levelRank(typeCode, required);
  return requiredRank > 0 && heldRank >= requiredRank;
}
