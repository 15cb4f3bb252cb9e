import type { Locale } from '../core/i18n';
import type { Industry, IndustryDomain, IndustrySearchOutcome, ListingCounts } from './taxonomy.service';

export interface IndustryView {
  code: string;
  label: string;
  secondaryLabel: string;
  keywords: string[];
  href: string;
  /** Null when search is down and nothing can be counted. */
  counts: { needs: number; capabilities: number } | null;
}

export interface DomainView extends IndustryView {
  leaves: IndustryView[];
}

function presentIndustry(industry: Omit<Industry, 'equivalents'>, locale: Locale, counts?: ListingCounts): IndustryView {
  const [label, secondaryLabel] = locale === 'zh' ? [industry.zh, industry.en] : [industry.en, industry.zh];
  return {
    code: industry.code,
    label,
    secondaryLabel,
    keywords: industry.keywords,
    href: `/industries/${industry.code}`,
    counts: counts?.available ? { needs: counts.needs.get(industry.code) ?? 0, capabilities: counts.capabilities.get(industry.code) ?? 0 } : null,
  };
}

export function presentDomain(domain: IndustryDomain, locale: Locale, counts?: ListingCounts): DomainView {
  return { ...presentIndustry(domain, locale, counts), leaves: domain.leaves.map((leaf) => presentIndustry(leaf, locale, counts)) };
}

export function presentLeaf(leaf: Industry, domain: IndustryDomain, locale: Locale, counts: ListingCounts) {
  return {
    ...presentIndustry(leaf, locale, counts),
    domain: presentIndustry(domain, locale),
    equivalents: leaf.equivalents,
    needsHref: `/search?tab=needs&industry=${encodeURIComponent(leaf.code)}`,
    capabilitiesHref: `/search?tab=capabilities&industry=${encodeURIComponent(leaf.code)}`,
  };
}

/** The edit form's values in the shape the form posts them. */
export function industryFormValues(industry: Industry): Record<string, string> {
  return {
    zh: industry.zh,
    en: industry.en,
    keywords: industry.keywords.join('\n'),
    equivalents: industry.equivalents.map((group) => group.join(', ')).join('\n'),
  };
}

export type IndustrySearchView =
  | { available: false }
  | { available: true; found: number; hits: Array<IndustryView & { matched: string[]; level: 'domain' | 'leaf' }> };

export function presentIndustrySearch(outcome: IndustrySearchOutcome, locale: Locale): IndustrySearchView {
  if (!outcome.available) return { available: false };
  return {
    available: true,
    found: outcome.result.found,
    hits: outcome.result.hits.map((hit) => ({
      ...presentIndustry({ code: hit.code, parent: hit.level === 'leaf' ? hit.domain : null, level: hit.level, zh: hit.zh, en: hit.en, keywords: [] }, locale),
      matched: hit.matched,
      level: hit.level,
    })),
  };
}
