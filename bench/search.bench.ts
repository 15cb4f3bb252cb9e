/**
 * Measures the built-in search engine on 100 000 synthetic capability listings
 * built from the seed taxonomy, through the official client exactly as the
 * app uses it:
 *
 * - JSONL import in batches (as search/search-indexer.ts does), heap and RSS;
 * - 200 mixed queries (Chinese and English, typos and prefixes, filters,
 *   facets, sorts) through the client, and the same queries straight against a
 *   MiniSearch index of the same documents, to read off the engine's overhead;
 * - a full reindex (new collection, import, alias switch, drop the old one)
 *   while `monitorEventLoopDelay` records the longest event-loop block.
 *
 * The engine runs in this process, as the app embeds it, so the event-loop
 * figures include the engine's own work, not just the client's.
 *
 *   npm run bench:search [-- docCount]
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { collectGarbage, heapFlags, memory, summarise } from './bench-stats';
import MiniSearch, { type SearchOptions } from 'minisearch';
import { Client } from 'typesense';
import type { SearchParams } from 'typesense/lib/Typesense/Types';
import { startEmbeddedTypesense } from '../search/embedded/index';
import { keptAliveAgents } from '../search/search-client';
import { analyzeText } from '../search/embedded/text-analyzer';
import taxonomy from '../seeds/taxonomy.json';
import { EN_PHRASES, leaves, provinces, syntheticCorpus, type SyntheticCapability } from './synthetic-corpus';

type Capability = SyntheticCapability;

/** A query as the app would send it, plus the same filter as a predicate for the raw-library run. */
interface BenchQuery {
  params: SearchParams<Capability>;
  matches: (doc: Capability) => boolean;
}

const BATCH = 500;
const QUERY_COUNT = 200;
const QUERY_BY = 'title,keywords,summary,description';
const FACET_BY = 'kind,direction,province,domain,industries';

const TARGETS = { p95: 50, p99: 200, overhead: 1.5, reindexSeconds: 60, blockMs: 100 };

const corpus = syntheticCorpus(20240611);
const { random, pick, pickSkewed } = corpus;
export const capability = corpus.capability;

export function capabilitySchema(name: string) {
  return {
    name,
    default_sorting_field: 'published_at',
    fields: [
      { name: 'title', type: 'string' as const, locale: 'zh' },
      { name: 'summary', type: 'string' as const, locale: 'zh' },
      { name: 'description', type: 'string' as const, locale: 'zh' },
      { name: 'keywords', type: 'string[]' as const, locale: 'zh' },
      { name: 'industries', type: 'string[]' as const, facet: true },
      { name: 'domain', type: 'string' as const, facet: true },
      { name: 'kind', type: 'string' as const, facet: true },
      { name: 'direction', type: 'string' as const, facet: true },
      { name: 'trl', type: 'int32' as const },
      { name: 'province', type: 'string' as const, facet: true },
      { name: 'organisation_kind', type: 'string' as const },
      { name: 'verified', type: 'bool' as const },
      { name: 'secrecy_rank', type: 'int32' as const },
      { name: 'licence_rank', type: 'int32' as const },
      { name: 'contractor_rank', type: 'int32' as const },
      { name: 'published_at', type: 'int64' as const },
      { name: 'revision', type: 'int64' as const },
    ],
  };
}

/** Drops one character in the middle, the commonest typo. */
function typo(word: string): string {
  const at = Math.floor(word.length / 2);
  return word.slice(0, at) + word.slice(at + 1);
}

export function buildQueries(): BenchQuery[] {
  const zhKeywords = leaves.flatMap((leaf) => leaf.keywords.filter((keyword) => !/^[\x20-\x7e]+$/.test(keyword)));
  const enWords = [...new Set(EN_PHRASES.join(' ').split(/[\s-]+/).concat(leaves.flatMap((leaf) => leaf.en.toLowerCase().split(/\s+/))).filter((word) => word.length >= 5))];
  const texts: Array<() => string> = [
    () => pickSkewed(zhKeywords),
    () => `${pickSkewed(zhKeywords)} ${pick(['研制', '检测', '生产'])}`,
    () => pick(['研制', '系统集成', '检测设备', '精密加工', '技术服务']),
    () => pick(enWords),
    () => typo(pick(enWords.filter((word) => word.length >= 7))),
    () => pick(['pr', 'sy', 'te', 're', 'in', 'ma']),
    () => `${pick(enWords)} ${pick(['sy', 'pro', 'te', 'man'])}`,
    () => `${pick(['研制', '生产'])} ${pick(enWords)}`,
  ];
  const filters: Array<() => { by?: string; matches: (doc: Capability) => boolean }> = [
    () => ({ matches: () => true }),
    () => {
      const kind = pick(taxonomy.listingKinds).code;
      return { by: `kind:=${kind}`, matches: (doc) => doc.kind === kind };
    },
    () => ({ by: 'verified:=true && trl:>=6', matches: (doc) => doc.verified && doc.trl >= 6 }),
    () => {
      const chosen = [pick(provinces), pick(provinces)];
      return { by: `province:=[${chosen.join(',')}]`, matches: (doc) => chosen.includes(doc.province) };
    },
    () => {
      const code = pickSkewed(leaves).code;
      return { by: `industries:=[\`${code}\`] && secrecy_rank:>=1`, matches: (doc) => doc.industries.includes(code) && doc.secrecy_rank >= 1 };
    },
  ];
  const sorts = ['_text_match:desc,published_at:desc', 'published_at:desc', 'trl:desc,_text_match:desc', '_text_match:desc,_eval(verified:true):desc,published_at:desc'];
  const queries: BenchQuery[] = [];
  for (let i = 0; i < QUERY_COUNT; i += 1) {
    const filter = pick(filters)();
    const params: SearchParams<Capability> = {
      q: texts[i % texts.length]!(),
      query_by: QUERY_BY,
      sort_by: pick(sorts),
      per_page: pick([10, 20]),
      ...(filter.by ? { filter_by: filter.by } : {}),
      ...(random() < 0.5 ? { facet_by: FACET_BY } : {}),
    };
    queries.push({ params, matches: filter.matches });
  }
  return queries;
}

function tokenize(text: string): string[] {
  return analyzeText(text, 'zh').map((token) => token.text);
}

/** The engine's default typo budget: 1 typo from 4 characters, 2 from 7. */
function typoBudget(term: string): number {
  const length = [...term].length;
  return length >= 7 ? 2 : length >= 4 ? 1 : 0;
}

/**
 * The closest MiniSearch equivalent: same fields in priority order, all words
 * required, prefix on the last word, typos, the filter, and the page taken in
 * the requested order. Facets and highlights have no MiniSearch counterpart.
 */
function rawSearch(index: MiniSearch<Capability>, docs: Capability[], query: BenchQuery): number {
  const options: SearchOptions = {
    boost: { title: 4, keywords: 3, summary: 2, description: 1 },
    combineWith: 'AND',
    prefix: (_term, i, terms) => i === terms.length - 1,
    fuzzy: (term) => typoBudget(term),
    filter: (result) => query.matches(docs[result.id as number]!),
  };
  const results = index.search(String(query.params.q), options);
  const first = String(query.params.sort_by).split(',')[0]!.split(':')[0]!;
  if (first === 'published_at' || first === 'trl') {
    results.sort((a, b) => docs[b.id as number]![first] - docs[a.id as number]![first] || b.score - a.score);
  }
  return results.slice(0, Number(query.params.per_page)).length;
}

async function importAll(client: Client, collection: string, docs: Capability[]): Promise<void> {
  for (let i = 0; i < docs.length; i += BATCH) {
    const results = await client.collections<Capability>(collection).documents().import(docs.slice(i, i + BATCH), { action: 'upsert' });
    const failed = results.find((result) => !result.success);
    if (failed) throw new Error(`import failed: ${failed.error}`);
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 100_000);
  const docs = Array.from({ length: count }, (_, i) => capability(i));
  const queries = buildQueries();
  const baseline = memory();

  const engine = await startEmbeddedTypesense({ apiKey: 'bench' });
  // Kept-alive connections, as the app's client has.
  const agents = keptAliveAgents();
  const client = new Client({ nodes: [{ host: engine.host, port: engine.port, protocol: 'http' }], apiKey: 'bench', connectionTimeoutSeconds: 120, logLevel: 'error', httpAgent: agents.httpAgent });

  const importStart = performance.now();
  await client.collections().create(capabilitySchema('capabilities_v1'));
  await importAll(client, 'capabilities_v1', docs);
  await client.aliases().upsert('capabilities', { collection_name: 'capabilities_v1' });
  const importMs = performance.now() - importStart;
  const afterImport = memory();
  console.log(`imported ${count} documents in ${(importMs / 1000).toFixed(1)} s`);

  // Warm-up, then the measured run through the client.
  for (const query of queries.slice(0, 20)) await client.collections<Capability>('capabilities').documents().search(query.params);
  const engineTimes: number[] = [];
  let found = 0;
  for (const query of queries) {
    const started = performance.now();
    const result = await client.collections<Capability>('capabilities').documents().search(query.params);
    engineTimes.push(performance.now() - started);
    found += result.found;
  }
  const engineStats = summarise(engineTimes);
  const slowest = queries
    .map((query, i) => ({ ms: engineTimes[i]!, q: query.params.q, filter: query.params.filter_by ?? '', sort: query.params.sort_by, facets: Boolean(query.params.facet_by) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5);
  console.log(`engine: ${queries.length} queries, ${Math.round(found / queries.length)} found on average; slowest:`);
  console.table(slowest.map((row) => ({ ...row, ms: row.ms.toFixed(1) })));

  let raw: MiniSearch<Capability> | undefined = new MiniSearch<Capability>({
    fields: ['title', 'keywords', 'summary', 'description'],
    idField: 'seq',
    extractField: (doc, field) => (field === 'seq' ? Number(doc.id.slice(4)) : field === 'keywords' ? doc.keywords.join('\n') : (doc[field as keyof Capability] as string)),
    tokenize,
    processTerm: (term) => term,
  });
  raw.addAll(docs);
  for (const query of queries.slice(0, 20)) rawSearch(raw, docs, query);
  const rawTimes: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    rawSearch(raw, docs, query);
    rawTimes.push(performance.now() - started);
  }
  const rawStats = summarise(rawTimes);
  // The comparison index is not part of the app; the reindex runs with what the app would hold (old and new collection).
  raw = undefined;
  collectGarbage?.();

  const delay = monitorEventLoopDelay({ resolution: 10 });
  const reindexStart = performance.now();
  delay.enable();
  await client.collections().create(capabilitySchema('capabilities_v2'));
  await importAll(client, 'capabilities_v2', docs);
  await client.aliases().upsert('capabilities', { collection_name: 'capabilities_v2' });
  await client.collections('capabilities_v1').delete();
  // Let the old collection's garbage be collected inside the measured window.
  await new Promise((resolve) => setTimeout(resolve, 500));
  delay.disable();
  const reindexMs = performance.now() - reindexStart - 500;
  const maxBlockMs = delay.max / 1e6;
  agents.destroy();
  await engine.close();

  const overheadP50 = engineStats.p50 / rawStats.p50;
  const overheadP95 = engineStats.p95 / rawStats.p95;
  const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');
  console.log(`\n${count} capability documents, ${queries.length} queries, engine in-process, ${process.platform} ${process.arch}, node ${process.version} ${heapFlags()}\n`);
  console.table([
    { measure: 'import (JSONL, batches of 500)', value: `${(importMs / 1000).toFixed(1)} s`, target: '', verdict: '' },
    { measure: 'heap after import (engine)', value: `${Math.round(afterImport.heapMb - baseline.heapMb)} MB`, target: '', verdict: '' },
    { measure: 'RSS after import (process)', value: `${Math.round(afterImport.rssMb)} MB`, target: '', verdict: '' },
    { measure: 'query p50 (client → engine)', value: `${engineStats.p50.toFixed(1)} ms`, target: '', verdict: '' },
    { measure: 'query p95', value: `${engineStats.p95.toFixed(1)} ms`, target: `≤ ${TARGETS.p95} ms`, verdict: verdict(engineStats.p95 <= TARGETS.p95) },
    { measure: 'query p99', value: `${engineStats.p99.toFixed(1)} ms`, target: `≤ ${TARGETS.p99} ms`, verdict: verdict(engineStats.p99 <= TARGETS.p99) },
    { measure: 'raw MiniSearch p50 / p95 / p99', value: `${rawStats.p50.toFixed(1)} / ${rawStats.p95.toFixed(1)} / ${rawStats.p99.toFixed(1)} ms`, target: '', verdict: '' },
    { measure: 'overhead vs raw MiniSearch (p50)', value: overheadP50.toFixed(2), target: `≤ ${TARGETS.overhead}`, verdict: verdict(overheadP50 <= TARGETS.overhead) },
    { measure: 'overhead vs raw MiniSearch (p95)', value: overheadP95.toFixed(2), target: `≤ ${TARGETS.overhead}`, verdict: verdict(overheadP95 <= TARGETS.overhead) },
    { measure: 'full reindex + alias switch', value: `${(reindexMs / 1000).toFixed(1)} s`, target: `≤ ${TARGETS.reindexSeconds} s`, verdict: verdict(reindexMs <= TARGETS.reindexSeconds * 1000) },
    { measure: 'max event-loop block during reindex', value: `${maxBlockMs.toFixed(0)} ms`, target: `≤ ${TARGETS.blockMs} ms`, verdict: verdict(maxBlockMs <= TARGETS.blockMs) },
  ]);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
