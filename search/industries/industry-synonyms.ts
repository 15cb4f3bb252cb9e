import type { SynonymItemSchema } from 'typesense/lib/Typesense/SynonymSets';

/** Synonym rules the taxonomy owns carry this prefix, so rules from elsewhere are left alone. */
export const TAXONOMY_SYNONYM_PREFIX = 'taxonomy-';

export interface IndustryEquivalents {
  code: string;
  /** Groups of terms that mean the same thing (无人机 / UAV / drone). */
  equivalents: string[][];
}

/**
 * One multi-way rule per group of true equivalents; nothing is derived from
 * terms that are merely related, since a synonym makes the engine treat the
 * words as interchangeable in every query.
 */
export function toSynonymRules(industries: readonly IndustryEquivalents[]): SynonymItemSchema[] {
  return industries.flatMap((industry) =>
    industry.equivalents
      .map((group) => [...new Set(group.map((term) => term.trim()).filter(Boolean))])
      .filter((group) => group.length >= 2)
      .map((synonyms, index) => ({ id: `${TAXONOMY_SYNONYM_PREFIX}${industry.code}-${index}`, synonyms })),
  );
}
