import type { Locale } from '../core/i18n';
import type { Industry, IndustryDomain, IndustrySearchOutcome } from './taxonomy.service';

export interface IndustryView {
  code: string;
  label: string;
  secondaryLabel: string;
  keywords: string[];
  href: string;
}

export interface DomainView extends IndustryView {
  leaves: IndustryView[];
}

function presentIndustry(industry: Industry, locale: Locale): IndustryView {
  const [label, secondaryLabel] = locale === 'zh' ? [industry.zh, industry.en] : [industry.en, industry.zh];
  const domainCode = industry.parent ?? industry.code;
  const href = industry.parent ? `/industries/${domainCode}#${industry.code}` : `/industries/${domainCode}`;
  return { code: industry.code, label, secondaryLabel, keywords: industry.keywords, href };
}

export function presentDomain(domain: IndustryDomain, locale: Locale): DomainView {
  return { ...presentIndustry(domain, locale), leaves: domain.leaves.map((leaf) => presentIndustry(leaf, locale)) };
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
