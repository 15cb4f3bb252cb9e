import taxonomy from '../../seeds/taxonomy.json';

export interface IndustryLeaf {
  code: string;
  domain: string;
  zh: string;
  en: string;
  keywords: string[];
}

const leaves = new Map<string, IndustryLeaf>(
  taxonomy.domains.flatMap((domain) =>
    domain.children.map((leaf) => [leaf.code, { code: leaf.code, domain: domain.code, zh: leaf.zh, en: leaf.en, keywords: leaf.keywords }] as const),
  ),
);

const domainLabels = new Map(taxonomy.domains.map((domain) => [domain.code, { zh: domain.zh, en: domain.en }]));

export function industryLeaf(code: string): IndustryLeaf | undefined {
  return leaves.get(code);
}

/** The domain of a leaf code (`maritime.vessels` → `maritime`); a domain code is its own domain. */
export function domainOf(code: string): string {
  return leaves.get(code)?.domain ?? code.split('.')[0]!;
}

/**
 * The taxonomy's words for some leaves: leaf and domain labels in both
 * languages plus the leaves' keywords. Indexed with a capability and added to a
 * need's query, they let "光电吊舱" find a listing filed as "机载任务载荷".
 */
export function industryTerms(codes: readonly string[]): string[] {
  const terms = new Set<string>();
  for (const code of codes) {
    const leaf = leaves.get(code);
    if (!leaf) continue;
    const domain = domainLabels.get(leaf.domain);
    for (const term of [leaf.zh, leaf.en, ...leaf.keywords, domain?.zh, domain?.en]) if (term) terms.add(term);
  }
  return [...terms];
}
