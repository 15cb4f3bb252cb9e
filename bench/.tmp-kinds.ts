import MiniSearch from 'minisearch';
import { performance } from 'node:perf_hooks';
import { analyzeText } from '/work/main/search/embedded/text-analyzer';
const tokenize = (t: string) => analyzeText(t, 'zh').map((x) => x.text);
// reuse corpus builder by dynamic import hack
const mod = require('/work/main/bench/.tmp-corpus.ts');
const { docs, queries } = mod.buildCorpus(100000);
const mini = new MiniSearch<any>({ fields: ['title', 'description'], tokenize, processTerm: (t) => t });
let t0 = performance.now(); mini.addAll(docs); console.log('build', performance.now() - t0, 'terms', mini.termCount);
const budget = (t: string) => (t.length >= 7 ? 2 : t.length >= 4 ? 1 : 0);
for (const [label, opts] of [
  ['full', { prefix: (_: string, i: number, ts: string[]) => i === ts.length - 1, fuzzy: budget }],
  ['nofuzzy', { prefix: (_: string, i: number, ts: string[]) => i === ts.length - 1 }],
  ['exact', {}],
] as const) {
  const byKind: number[][] = [[], [], [], [], []];
  queries.forEach((q: string, i: number) => {
    const s = performance.now();
    const r = mini.search(q, { fields: ['title', 'description'], tokenize, ...(opts as object) });
    byKind[i % 5]!.push(performance.now() - s);
    void r;
  });
  console.log(label, byKind.map((a) => { a.sort((x, y) => x - y); return `${a[Math.floor(a.length / 2)]!.toFixed(1)}/${a[Math.floor(a.length * 0.95)]!.toFixed(1)}`; }).join('  '));
}
const q = queries.filter((_: string, i: number) => i % 5 === 0).slice(0, 10);
for (const x of q) console.log(x, mini.search(x, { tokenize }).length);
