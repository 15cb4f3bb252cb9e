/**
 * Measures a full match on 100 000 synthetic capability listings, side by
 * side with the plain text query it improves on, in the same run:
 *
 * - synthetic organisations with qualifications of every catalogue type (levels,
 *   lapsed and unverified ones included) and their capabilities, built from the
 *   seed taxonomy with the search benchmark's generator, loaded into a fresh
 *   built-in store and indexed into a fresh built-in engine through the
 *   official client, in the capability collection's schema via its mapper
 *   (the evaluation's sandbox, `search/matching/matching-sandbox.ts`);
 * - 200 synthetic needs of 1–3 taxonomy leaves, some with qualification
 *   requirements and a minimum TRL;
 * - per need: `findMatches` with the eligibility re-check read from the store
 *   (two queries per batch of candidates, cached per need as the app does) and
 *   the explanations the need's match page shows (requirements met, the unmet
 *   requirements of near misses), then the text-only baseline: the need's
 *   title and description as one Typesense query, no taxonomy, no eligibility.
 *
 * Store and engine run in this process, as the app embeds them.
 *
 *   npm run bench:matching [-- capabilityCount] [-- --needs N]
 */
import { heapFlags, memory, summarise } from './bench-stats';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type Eligibility, type UnmetRequirement } from '../server/matching/eligibility';
import { QUALIFICATION_TYPES } from '../server/qualifications/qualification-catalogue';
import { buildMatchPlan, eligibilityFilter, findMatches, type MatchNeed } from '../search/matching';
import { parseMatchingDataset, type MatchingDataset } from '../search/matching/matching-dataset';
import { openMatchingSandbox } from '../search/matching/matching-sandbox';
import taxonomy from '../seeds/taxonomy.json';
import regions from '../seeds/regions.json';
import { leaves, syntheticCorpus } from './synthetic-corpus';

const AS_OF = '2025-06-30';
const CAPABILITIES_PER_ORGANISATION = 5;
/** As the need's match page asks (server/matching/matching.service.ts). */
const MATCH_LIMIT = 20;
const NEAR_MISS_LIMIT = 5;
const WARM_UP = 10;
const TARGET_P95_MS = 50;

const corpus = syntheticCorpus(20250630);
const { random, pick, pickSkewed } = corpus;

/** Share of organisations holding each qualification type: the common ones often, the rare ones seldom. */
const HOLDING_RATE: Record<string, number> = { secrecy: 0.35, 'production-licence': 0.2, contractor: 0.35, 'gjb-quality': 0.45, iso9001: 0.6, 'high-tech': 0.4 };

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

type DatasetOrganisation = MatchingDataset['organisations'][number];
type DatasetNeed = MatchingDataset['needs'][number];

function organisation(i: number): DatasetOrganisation {
  const qualifications: DatasetOrganisation['qualifications'] = [];
  for (const type of QUALIFICATION_TYPES) {
    if (random() >= (HOLDING_RATE[type.code] ?? 0.1)) continue;
    qualifications.push({
      type: type.code,
      ...(type.levels.length ? { level: pick(type.levels).code } : {}),
      // About a fifth have lapsed; the last valid day still counts.
      validUntil: addDays(AS_OF, Math.floor(random() * 1460) - 300),
      verified: random() < 0.85,
    });
  }
  const province = pickSkewed(regions.provinces);
  return {
    id: `org-${i}`,
    name: `合成单位${i}`,
    kind: pick(['enterprise', 'enterprise', 'defence-enterprise', 'institute', 'university']),
    region: `${province.zh}${pick(province.cities).zh}`,
    verified: random() < 0.9,
    qualifications,
  };
}

const NEED_OPENINGS = ['现需采购一批', '拟征集', '面向社会公开征集', '需配套研制', '拟联合开发'];
const NEED_DETAILS = [
  '要求工作温度-40℃~+60℃，通过GJB 150A环境试验',
  '要求提供整套方案及技术资料',
  '交付周期不超过6个月，提供现场技术支持',
  '平均无故障时间不低于2000小时',
  '满足国产化要求，关键元器件自主可控',
  '需具备批量供货能力和质量追溯体系',
];

function need(i: number, organisationCount: number): DatasetNeed {
  const first = pickSkewed(leaves);
  const sameDomain = leaves.filter((leaf) => leaf.domain === first.domain && leaf.code !== first.code);
  const chosen = [first];
  const extra = Math.floor(random() * 3);
  for (let k = 0; k < extra; k += 1) {
    const next = random() < 0.6 && sameDomain.length ? pick(sameDomain) : pick(leaves);
    if (!chosen.includes(next)) chosen.push(next);
  }
  const words = chosen.flatMap((leaf) => leaf.keywords);
  const main = pick(first.keywords);
  const keywords = [...new Set([main, pick(words), pick(words), ...(random() < 0.5 ? [pick(words)] : [])])];
  const qualifications: DatasetNeed['requirements']['qualifications'] = [];
  if (random() < 0.6) {
    for (const code of random() < 0.5 ? ['secrecy'] : pick([['contractor'], ['gjb-quality'], ['secrecy', 'contractor'], ['production-licence', 'gjb-quality']])) {
      const type = QUALIFICATION_TYPES.find((candidate) => candidate.code === code)!;
      qualifications.push({ type: code, ...(type.levels.length && random() < 0.7 ? { minLevel: pick(type.levels).code } : {}) });
    }
  }
  const province = pickSkewed(regions.provinces);
  return {
    id: `need-${i}`,
    organisation: `org-${Math.floor(random() * organisationCount)}`,
    kind: pick(taxonomy.listingKinds).code,
    title: `${main}${pick(['采购', '研制', '配套需求', '联合攻关', '检测服务'])}`,
    summary: `${first.zh}方向：${keywords.slice(0, 2).join('、')}`,
    description: [
      `${pick(NEED_OPENINGS)}${keywords.join('、')}，用于${chosen.map((leaf) => leaf.zh).join('及')}。`,
      `${pick(NEED_DETAILS)}，${pick(NEED_DETAILS)}。`,
      random() < 0.4 ? `Preferred: ${first.en.toLowerCase()} with ${pick(words)}.` : '',
    ].join(''),
    keywords,
    industries: chosen.map((leaf) => leaf.code),
    requirements: {
      qualifications,
      ...(random() < 0.5 ? { minTrl: 4 + Math.floor(random() * 5) } : {}),
      preferredRegions: random() < 0.3 ? [province.zh] : [],
    },
  };
}

export function syntheticDataset(capabilityCount: number, needCount: number): MatchingDataset {
  const organisationCount = Math.ceil(capabilityCount / CAPABILITIES_PER_ORGANISATION);
  const organisations = Array.from({ length: organisationCount }, (_, i) => organisation(i));
  const capabilities = Array.from({ length: capabilityCount }, (_, i) => {
    const listing = corpus.capability(i);
    return {
      id: listing.id,
      organisation: `org-${Math.floor(random() * organisationCount)}`,
      kind: listing.kind,
      direction: listing.direction,
      title: listing.title,
      summary: listing.summary,
      description: listing.description,
      industries: listing.industries,
      trl: random() < 0.1 ? null : listing.trl,
      keywords: listing.keywords,
    };
  });
  const needs = Array.from({ length: needCount }, (_, i) => need(i, organisationCount));
  return parseMatchingDataset({ name: 'synthetic-matching-bench', asOf: AS_OF, organisations, capabilities, needs, judgments: {} });
}

interface MatchFigures {
  ms: number;
  recheckMs: number;
  rechecks: number;
  recheckBatches: number;
  matches: number;
  nearMisses: number;
  refused: number;
  ineligible: number;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { needs: { type: 'string', default: '200' } } });
  const capabilityCount = Number(positionals[0] ?? 100_000);
  const needCount = Number(values.needs);
  const load = loadavg()[0]!;
  const before = memory();

  const dataset = syntheticDataset(capabilityCount, needCount);
  const sandbox = await openMatchingSandbox(dataset);
  try {
    const afterLoad = memory();
    console.log(
      `loaded ${dataset.organisations.length} organisations and ${capabilityCount} capabilities into the store in ${(sandbox.timings.storeMs / 1000).toFixed(1)} s, indexed in ${(sandbox.timings.indexMs / 1000).toFixed(1)} s`,
    );
    console.log('eligibility re-check: organisations (qualifications embedded) and capabilities (TRL) read from the built-in store through the mongodb driver, two queries (capabilities, then their organisations) per batch of capabilities');
    const needs = await sandbox.store.needs();

    /**
     * One need's full match as its page computes it: the store's word on each
     * candidate, read once per need, and the explanations shown with the matches.
     */
    async function fullMatch(subject: MatchNeed): Promise<MatchFigures> {
      const started = performance.now();
      const checked = new Map<string, Eligibility>();
      let recheckMs = 0;
      let recheckBatches = 0;
      // The store's word on each capability, read once per need in batches (as the app's re-check does).
      const check = async (capabilityIds: string[]): Promise<Eligibility[]> => {
        const unknown = [...new Set(capabilityIds.filter((id) => !checked.has(id)))];
        if (unknown.length) {
          const since = performance.now();
          recheckBatches += 1;
          (await sandbox.recheck(subject, unknown)).forEach((verdict, i) => checked.set(unknown[i]!, verdict));
          recheckMs += performance.now() - since;
        }
        return capabilityIds.map((id) => checked.get(id)!);
      };
      const outcome = await findMatches(sandbox.client, subject, { asOf: AS_OF, limit: MATCH_LIMIT, nearMissLimit: NEAR_MISS_LIMIT * 2, recheck: check });
      const verdicts = await check(outcome.matches.map((match) => match.capabilityId));
      const explained: Array<{ id: string; met: boolean[] }> = [];
      let ineligible = 0;
      outcome.matches.forEach((match, i) => {
        const eligibility = verdicts[i]!;
        if (!eligibility.eligible) ineligible += 1;
        explained.push({ id: match.capabilityId, met: match.requirements.map(({ requirement }) => !eligibility.unmet.some((unmet) => unmet.kind === requirement.kind && (unmet.kind === 'trl' || (requirement.kind === 'qualification' && unmet.type === requirement.type)))) });
      });
      const misses = await check(outcome.nearMisses.map((miss) => miss.capabilityId));
      const nearMisses: Array<{ id: string; unmet: UnmetRequirement[] }> = [];
      outcome.nearMisses.forEach((miss, i) => {
        const eligibility = misses[i]!;
        if (nearMisses.length < NEAR_MISS_LIMIT && !eligibility.eligible && eligibility.unmet.length) nearMisses.push({ id: miss.capabilityId, unmet: eligibility.unmet });
      });
      return { ms: performance.now() - started, recheckMs, rechecks: checked.size, recheckBatches, matches: explained.length, nearMisses: nearMisses.length, refused: outcome.refused.length, ineligible };
    }

    const baseline = async (subject: MatchNeed): Promise<number> => {
      const started = performance.now();
      await sandbox.textBaseline(subject, MATCH_LIMIT);
      return performance.now() - started;
    };

    for (const subject of needs.slice(0, WARM_UP)) {
      await fullMatch(subject);
      await baseline(subject);
    }
    const full: MatchFigures[] = [];
    const text: number[] = [];
    let probes = 0;
    let ineligibleInText = 0;
    for (const subject of needs) {
      full.push(await fullMatch(subject));
      text.push(await baseline(subject));
      // findMatches looks for near misses only when the need has hard requirements.
      const [eligible, open] = [true, false].map((eligibleOnly) => buildMatchPlan(subject, { asOf: AS_OF, eligibleOnly }).searches);
      const hard = eligibilityFilter(subject.requirements, AS_OF);
      probes += eligible!.length + (hard.satisfiable && hard.filter === undefined ? 0 : open!.length);
      // What the text query alone would show that the need may not be offered (outside the timing).
      for (const verdict of await sandbox.recheck(subject, await sandbox.textBaseline(subject, MATCH_LIMIT))) if (!verdict.eligible) ineligibleInText += 1;
    }
    const fullStats = summarise(full.map((entry) => entry.ms));
    const recheckStats = summarise(full.map((entry) => entry.recheckMs));
    const textStats = summarise(text);
    const mean = (of: (entry: MatchFigures) => number): string => (full.reduce((sum, entry) => sum + of(entry), 0) / full.length).toFixed(1);
    const slowest = needs
      .map((subject, i) => ({ need: subject.id, ms: full[i]!.ms.toFixed(1), recheckMs: full[i]!.recheckMs.toFixed(1), rechecks: full[i]!.rechecks, leaves: subject.industries.length, requirements: subject.requirements.qualifications.length + (subject.requirements.minTrl ? 1 : 0) }))
      .sort((a, b) => Number(b.ms) - Number(a.ms))
      .slice(0, 5);
    console.log('slowest full matches:');
    console.table(slowest);

    const ms = (value: number): string => `${value.toFixed(1)} ms`;
    const verdict = fullStats.p95 < TARGET_P95_MS ? 'met' : 'NOT MET';
    const cpu = cpus();
    console.log(
      `\n${capabilityCount} capabilities of ${dataset.organisations.length} organisations, ${needs.length} needs (after ${WARM_UP} warm-up), store and engine in-process; ` +
        `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), ${process.platform} ${process.arch}, node ${process.version} ${heapFlags()}, load average ${load.toFixed(2)} at start\n`,
    );
    console.table([
      { measure: 'store load (insertMany + read back)', 'full match': `${(sandbox.timings.storeMs / 1000).toFixed(1)} s`, 'text baseline': '', target: '', verdict: '' },
      { measure: 'index import (JSONL, batches of 1000)', 'full match': `${(sandbox.timings.indexMs / 1000).toFixed(1)} s`, 'text baseline': '', target: '', verdict: '' },
      { measure: 'heap after load (store + engine)', 'full match': `${Math.round(afterLoad.heapMb - before.heapMb)} MB`, 'text baseline': '', target: '', verdict: '' },
      { measure: 'RSS after load (process)', 'full match': `${Math.round(afterLoad.rssMb)} MB`, 'text baseline': '', target: '', verdict: '' },
      { measure: 'searches per need', 'full match': `${(probes / needs.length).toFixed(1)} (in 1–2 multi_search)`, 'text baseline': '1', target: '', verdict: '' },
      { measure: 'latency p50', 'full match': ms(fullStats.p50), 'text baseline': ms(textStats.p50), target: '', verdict: '' },
      { measure: 'latency p95', 'full match': ms(fullStats.p95), 'text baseline': ms(textStats.p95), target: `< ${TARGET_P95_MS} ms`, verdict },
      { measure: 'latency p99', 'full match': ms(fullStats.p99), 'text baseline': ms(textStats.p99), target: '', verdict: '' },
      { measure: 'ratio full / baseline (p50 / p95)', 'full match': `${(fullStats.p50 / textStats.p50).toFixed(1)}× / ${(fullStats.p95 / textStats.p95).toFixed(1)}×`, 'text baseline': '1×', target: '', verdict: '' },
      { measure: 're-check (store reads) within a full match, p50 / p95', 'full match': `${ms(recheckStats.p50)} / ${ms(recheckStats.p95)}`, 'text baseline': '—', target: '', verdict: '' },
      { measure: 'capabilities re-checked / store queries per need (mean)', 'full match': `${mean((entry) => entry.rechecks)} / ${mean((entry) => entry.recheckBatches * 2)}`, 'text baseline': '—', target: '', verdict: '' },
      { measure: 'matches / near misses per need (mean)', 'full match': `${mean((entry) => entry.matches)} / ${mean((entry) => entry.nearMisses)}`, 'text baseline': '', target: '', verdict: '' },
      { measure: 'ineligible in the top 20 (all needs)', 'full match': String(full.reduce((sum, entry) => sum + entry.ineligible, 0)), 'text baseline': String(ineligibleInText), target: '', verdict: '' },
      { measure: 'refused by the re-check (index drift)', 'full match': String(full.reduce((sum, entry) => sum + entry.refused, 0)), 'text baseline': '—', target: '', verdict: '' },
    ]);
  } finally {
    await sandbox.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
