/**
 * Synthetic capability listings built from the seed taxonomy, shared by the
 * benchmarks: deterministic for a seed, skewed so that some leaves and words
 * are far more common than others, as in a real marketplace.
 */
import taxonomy from '../seeds/taxonomy.json';
import regions from '../seeds/regions.json';

export interface SyntheticCapability {
  id: string;
  title: string;
  summary: string;
  description: string;
  keywords: string[];
  industries: string[];
  domain: string;
  kind: string;
  direction: string;
  trl: number;
  province: string;
  organisation_kind: string;
  verified: boolean;
  secrecy_rank: number;
  licence_rank: number;
  contractor_rank: number;
  published_at: number;
  revision: number;
}

export const leaves = taxonomy.domains.flatMap((domain) => domain.children.map((leaf) => ({ ...leaf, domain: domain.code, domainZh: domain.zh, domainEn: domain.en })));
export const provinces = regions.provinces.map((province) => province.code);

export const ZH_PHRASES = [
  '具备完整的研制生产能力', '通过国军标质量管理体系认证', '可提供系统集成与技术服务', '拥有省级重点实验室',
  '产品已批量应用于多个型号', '支持定制化开发', '具有自主知识产权', '检测设备齐全', '可开展联合攻关',
  '面向军民两用市场', '提供全寿命周期保障', '精密加工能力突出', '可共享大型试验设备', '团队长期从事相关研究',
];
export const EN_PHRASES = [
  'precision manufacturing', 'system integration', 'testing and certification', 'dual-use technology',
  'process qualification', 'reliability engineering', 'rapid prototyping', 'predictive maintenance',
];

export interface SyntheticCorpus {
  random(): number;
  pick<T>(items: readonly T[]): T;
  /** Skewed towards the front of the list. */
  pickSkewed<T>(items: readonly T[]): T;
  capability(i: number): SyntheticCapability;
}

/** One deterministic stream of random choices; the same seed gives the same corpus. */
export function syntheticCorpus(seed: number): SyntheticCorpus {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const pickSkewed = <T>(items: readonly T[]): T => items[Math.floor(items.length * random() ** 2)]!;

  function capability(i: number): SyntheticCapability {
    const leaf = pickSkewed(leaves);
    const other = random() < 0.3 ? pick(leaves) : undefined;
    const kind = pick(taxonomy.listingKinds);
    const direction = pick(taxonomy.directions);
    const keyword = pick(leaf.keywords);
    const keywords = [...new Set([keyword, pick(leaf.keywords), pick(leaf.keywords), ...(other ? [pick(other.keywords)] : [])])];
    const description = [
      `本单位${pick(ZH_PHRASES)}，主要从事${leaf.zh}方向的${kind.zh}研发。`,
      `核心内容包括${keywords.join('、')}。`,
      pick(ZH_PHRASES) + '。',
      random() < 0.6 ? `Capabilities: ${pick(EN_PHRASES)}, ${pick(EN_PHRASES)} for ${leaf.en.toLowerCase()}.` : '',
      random() < 0.4 ? `${direction.zh}，${pick(ZH_PHRASES)}。` : '',
    ].join('');
    return {
      id: `cap-${i}`,
      title: `${keyword}${pick(['研制', '生产', '检测服务', '系统集成', '关键技术', '共享平台', '联合研发'])}${random() < 0.2 ? ` (${leaf.en})` : ''}`,
      summary: `${leaf.domainZh}·${leaf.zh}：${pick(ZH_PHRASES)}`,
      description,
      keywords,
      industries: other && other.code !== leaf.code ? [leaf.code, other.code] : [leaf.code],
      domain: leaf.domain,
      kind: kind.code,
      direction: direction.code,
      trl: 1 + Math.floor(random() * 9),
      province: pickSkewed(provinces),
      organisation_kind: pick(taxonomy.organisationKinds).code,
      verified: random() < 0.7,
      secrecy_rank: Math.floor(random() * 4),
      licence_rank: Math.floor(random() * 3),
      contractor_rank: Math.floor(random() * 3),
      published_at: 1_600_000_000_000 + Math.floor(random() * 150_000_000_000),
      revision: 1,
    };
  }

  return { random, pick, pickSkewed, capability };
}
