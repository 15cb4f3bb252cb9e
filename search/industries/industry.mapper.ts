import type { SearchDocument } from '../search-collection';

export interface IndustrySearchInput {
  code: string;
  parent: string | null;
  level: 'domain' | 'leaf';
  zh: string;
  en: string;
  keywords: string[];
  position: number;
  updatedAt: Date;
}

export interface IndustrySearchDocument extends SearchDocument {
  code: string;
  domain: string;
  level: 'domain' | 'leaf';
  zh: string;
  en: string;
  keywords: string[];
  position: number;
}

export function toIndustryDocument(industry: IndustrySearchInput): IndustrySearchDocument {
  return {
    id: industry.code,
    revision: industry.updatedAt.getTime(),
    code: industry.code,
    domain: industry.parent ?? industry.code,
    level: industry.level,
    zh: industry.zh,
    en: industry.en,
    keywords: industry.keywords,
    position: industry.position,
  };
}
