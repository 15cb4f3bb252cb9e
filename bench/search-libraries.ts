/**
 * Compares the candidate libraries for the embedded Typesense engine on the
 * same synthetic corpus and query mix, then measures the engine itself through
 * its HTTP API with the official client, so the API overhead can be read off
 * against the raw library it uses.
 *
 *   npm run bench:search-libraries [-- <documents, default 100000>] [--skip-orama]
 */
import { performance } from 'node:perf_hooks';
import MiniSearch from 'minisearch';
import FlexSearch from 'flexsearch';
import { create, insertMultiple, search as oramaSearch, type AnyOrama } from '@orama/orama';
import { Client } from 'typesense';
import { startEmbeddedTypesense } from '../search/embedded/index';
import { analyzeText } from '../search/embedded/text-analyzer';

interface BenchDoc {
  [key: string]: string | number;
  id: string;
  title: string;
  description: string;
  category: string;
  price: number;
}

interface Row {
  name: string;
  buildMs: number;
  heapMb: number;
  p50: number;
  p95: number;
  p99: number;
  avgHits: number;
}

const ZH_WORDS = [
  '复合材料', '螺旋桨', '高性能', '无人机', '雷达', '传感器', '芯片', '卫星', '导航', '通信', '钛合金', '激光',
  '精密', '加工', '制造', '检测', '设备', '系统', '电子', '光学', '发动机', '电池', '储能', '北斗', '模块',
  '軍民', '融合', '装备', '维修', '软件', '平台', '测试', '仿真', '材料', '陶瓷', '涂层', '轴承', '液压',
];

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function buildCorpus(count: number): { docs: BenchDoc[]; queries: string[] } {
  const random = seededRandom(42);
  const syllables = ['ka', 'lo', 'mi', 'ter', 'pro', 'val', 'sen', 'dri', 'com', 'pos', 'ite', 'ar', 'on', 'tec', 'ra', 'ble', 'nu', 'ex'];
  const vocabulary = new Set<string>();
  while (vocabulary.size < 20000) {
    const parts = 1 + Math.floor(random() * 4);
    let word = '';
    for (let i = 0; i < parts; i += 1) word += syllables[Math.floor(random() * syllables.length)];
    vocabulary.add(word);
  }
  const words = [...vocabulary];
  // Zipf-like pick so some terms are very common, like real product text.
  const pickWord = (): string => words[Math.floor(words.length * random() ** 3)]!;
  const pickZh = (): string => ZH_WORDS[Math.floor(random() * ZH_WORDS.length)]!;
  const docs: BenchDoc[] = [];
  for (let i = 0; i < count; i += 1) {
    const titleWords = 2 + Math.floor(random() * 3);
    let title = '';
    for (let w = 0; w < titleWords; w += 1) title += pickZh();
    const descWords = 8 + Math.floor(random() * 12);
    const description: string[] = [];
    for (let w = 0; w < descWords; w += 1) description.push(pickWord());
    docs.push({
      id: String(i),
      title: `${title} ${pickWord()}`,
      description: description.join(' '),
      category: `cat${Math.floor(random() * 20)}`,
      price: Math.floor(random() * 10000),
    });
  }
  const queries: string[] = [];
  for (let i = 0; i < 300; i += 1) {
    const kind = i % 5;
    if (kind === 0) queries.push(pickWord());
    else if (kind === 1) queries.push(`${pickWord()} ${pickWord()}`);
    else if (kind === 2) {
      const word = pickWord();
      queries.push(word.length > 5 ? `${word.slice(0, 2)}x${word.slice(3)}` : word);
    } else if (kind === 3) {
      const word = pickWord();
      queries.push(word.slice(0, Math.max(3, Math.ceil(word.length / 2))));
    } else queries.push(pickZh() + (random() < 0.5 ? pickZh() : ''));
  }
  return { docs, queries };
}

function tokenize(text: string): string[] {
  return analyzeText(text, 'zh').map((token) => token.text);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function heapMb(): number {
  global.gc?.();
  return process.memoryUsage().heapUsed / 1048576;
}

async function measure(name: string, queries: string[], build: () => Promise<unknown> | unknown, run: (q: string) => Promise<number> | number): Promise<Row> {
  const heapBefore = heapMb();
  const buildStart = performance.now();
  const keepAlive = await build();
  const buildMs = performance.now() - buildStart;
  const heap = heapMb() - heapBefore;
  for (const q of queries.slice(0, 20)) await run(q);
  const times: number[] = [];
  let hits = 0;
  for (const q of queries) {
    const start = performance.now();
    hits += await run(q);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  void keepAlive;
  return { name, buildMs, heapMb: heap, p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), avgHits: hits / queries.length };
}

function typoBudget(term: string): number {
  if (term.length >= 7) return 2;
  if (term.length >= 4) return 1;
  return 0;
}

async function main(): Promise<void> {
  const count = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 100000);
  const skipOrama = process.argv.includes('--skip-orama');
  const { docs, queries } = buildCorpus(count);
  const rows: Row[] = [];

  let mini: MiniSearch<BenchDoc> | undefined;
  rows.push(await measure('MiniSearch 7 (typos+prefix, BM25)', queries, () => {
    mini = new MiniSearch<BenchDoc>({ fields: ['title', 'description'], tokenize, processTerm: (t) => t });
    mini.addAll(docs);
    return mini;
  }, (q) => {
    const results = mini!.search(q, {
      fields: ['title', 'description'],
      boost: { title: 2 },
      prefix: (_t, i, terms) => i === terms.length - 1,
      fuzzy: (term) => typoBudget(term),
      tokenize,
    });
    return Math.min(results.length, 250);
  }));
  mini = undefined;

  let flex: InstanceType<typeof FlexSearch.Document<BenchDoc>> | undefined;
  rows.push(await measure('FlexSearch 0.8 (forward, suggest)', queries, () => {
    flex = new FlexSearch.Document<BenchDoc>({
      document: { id: 'id', index: ['title', 'description'] },
      tokenize: 'forward',
      encode: tokenize,
    });
    for (const doc of docs) flex.add(doc);
    return flex;
  }, (q) => {
    const results = flex!.search(q, { limit: 250, suggest: true }) as unknown as Array<{ result: unknown[] }>;
    return results.reduce((sum, field) => sum + field.result.length, 0);
  }));
  flex = undefined;

  if (!skipOrama) {
    let orama: AnyOrama | undefined;
    rows.push(await measure('Orama 3 (tolerance 1, BM25)', queries, async () => {
      const db: AnyOrama = create({
        schema: { title: 'string', description: 'string', category: 'string', price: 'number' } as const,
        components: { tokenizer: { language: 'english', normalizationCache: new Map(), tokenize: (raw: string) => tokenize(raw) } },
      });
      orama = db;
      await insertMultiple(db, docs as never[], 2000);
      return db;
    }, async (q) => {
      const result = await oramaSearch(orama!, { term: q, properties: ['title', 'description'], tolerance: 1, limit: 250, boost: { title: 2 } });
      return result.hits.length;
    }));
    orama = undefined;
  }

  const engine = await startEmbeddedTypesense({ apiKey: 'bench' });
  const client = new Client({ nodes: [{ host: engine.host, port: engine.port, protocol: 'http' }], apiKey: 'bench', connectionTimeoutSeconds: 60, logLevel: 'error' });
  rows.push(await measure('Embedded Typesense over HTTP (MiniSearch)', queries, async () => {
    await client.collections().create({
      name: 'bench',
      fields: [
        { name: 'title', type: 'string', locale: 'zh' },
        { name: 'description', type: 'string' },
        { name: 'category', type: 'string', facet: true },
        { name: 'price', type: 'int32' },
      ],
    });
    const chunk = 10000;
    for (let i = 0; i < docs.length; i += chunk) {
      await client.collections('bench').documents().import(docs.slice(i, i + chunk), { action: 'create' });
    }
  }, async (q) => {
    const result = await client.collections<BenchDoc>('bench').documents().search({ q, query_by: 'title,description', query_by_weights: '2,1', per_page: 250 });
    return result.hits?.length ?? 0;
  }));
  await engine.close();

  console.log(`\n${count} documents, ${queries.length} queries (single, double, typo, prefix, Chinese), ${process.platform} ${process.arch}, node ${process.version}\n`);
  console.table(rows.map((row) => ({
    library: row.name,
    'build ms': Math.round(row.buildMs),
    'heap MB': Math.round(row.heapMb),
    'p50 ms': row.p50.toFixed(2),
    'p95 ms': row.p95.toFixed(2),
    'p99 ms': row.p99.toFixed(2),
    'avg hits (≤250)': Math.round(row.avgHits),
  })));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
