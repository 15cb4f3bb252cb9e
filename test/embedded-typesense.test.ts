import assert from 'node:assert/strict';
import { Client, Errors } from 'typesense';
import type { CollectionCreateSchema } from 'typesense/lib/Typesense/Collections';
import type { ImportResponse, SearchResponse } from 'typesense/lib/Typesense/Documents';
import { startEmbeddedTypesense, type EmbeddedTypesense } from '../search/embedded/index';

const API_KEY = 'test-key';

interface Product {
  id: string;
  title: string;
  description: string;
  category: string;
  tags: string[];
  price: number;
  rating: number;
  in_stock: boolean;
}

const PRODUCTS: Product[] = [
  { id: 'p1', title: '高性能复合材料螺旋桨', description: 'High performance composite propeller for drones', category: 'materials', tags: ['composite', 'aviation'], price: 1200, rating: 4.5, in_stock: true },
  { id: 'p2', title: '无人机雷达系统', description: 'Compact radar system for unmanned aircraft', category: 'electronics', tags: ['radar'], price: 5400, rating: 4.8, in_stock: true },
  { id: 'p3', title: '钛合金精密加工', description: 'Precision titanium machining service', category: 'manufacturing', tags: ['titanium', 'machining'], price: 800, rating: 3.9, in_stock: false },
  { id: 'p4', title: '北斗导航模块', description: 'Satellite navigation module with laptop interface', category: 'electronics', tags: ['navigation'], price: 300, rating: 4.1, in_stock: true },
  { id: 'p5', title: '碳纤维复合材料板', description: 'Carbon fibre sheet, aerospace grade', category: 'materials', tags: ['composite'], price: 650, rating: 4.3, in_stock: true },
  { id: 'p6', title: '激光检测设备', description: 'Laser inspection equipment for propeller blades', category: 'manufacturing', tags: ['laser'], price: 9100, rating: 4.0, in_stock: false },
];

const PRODUCT_SCHEMA: CollectionCreateSchema = {
  name: 'products',
  fields: [
    { name: 'title', type: 'string', locale: 'zh' },
    { name: 'description', type: 'string' },
    { name: 'category', type: 'string', facet: true },
    { name: 'tags', type: 'string[]', facet: true },
    { name: 'price', type: 'int32', facet: true },
    { name: 'rating', type: 'float' },
    { name: 'in_stock', type: 'bool', facet: true },
  ],
  default_sorting_field: 'price',
};

function clientFor(engine: EmbeddedTypesense, apiKey = API_KEY, sendApiKeyAsQueryParam = false): Client {
  return new Client({
    nodes: [{ host: engine.host, port: engine.port, protocol: 'http' }],
    apiKey,
    sendApiKeyAsQueryParam,
    connectionTimeoutSeconds: 10,
    numRetries: 0,
    logLevel: 'silent',
  });
}

/** Awaits a failing client call; `message` is the server's `{"message"}` without the client's prefix. */
async function rejection(promise: Promise<unknown>): Promise<{ httpStatus: number | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Errors.TypesenseError, `expected a TypesenseError, got ${String(error)}`);
    const message = /Server said: (.*)$/s.exec(error.message)?.[1] ?? error.message;
    return { httpStatus: error.httpStatus, message };
  }
  assert.fail('expected the request to fail');
}

const ids = (result: { hits?: Array<{ document: unknown }> }): string[] => (result.hits ?? []).map((hit) => (hit.document as { id: string }).id);
/** What decides a page's order, hit by hit: id, text match and its parts. */
const ranking = (result: SearchResponse<object>): unknown[] => (result.hits ?? []).map((hit) => [(hit.document as { id: string }).id, hit.text_match, hit.text_match_info]);

describe('embedded Typesense engine (official client)', () => {
  let engine: EmbeddedTypesense;
  let client: Client;

  before(async () => {
    engine = await startEmbeddedTypesense({ apiKey: API_KEY });
    client = clientFor(engine);
  });

  after(async () => {
    await engine.close();
  });

  beforeEach(async () => {
    for (const collection of await client.collections().retrieve()) await client.collections(collection.name).delete();
    for (const alias of (await client.aliases().retrieve()).aliases) await client.aliases(alias.name).delete();
    await client.collections().create(PRODUCT_SCHEMA);
    await client.collections('products').documents().import(PRODUCTS, { action: 'create' });
  });

  describe('auth and routing', () => {
    it('answers /health without a key and rejects a wrong or missing key with 401', async () => {
      const health = await fetch(`${engine.url}/health`);
      assert.deepEqual(await health.json(), { ok: true });
      const wrong = await rejection(clientFor(engine, 'nope').collections().retrieve());
      assert.equal(wrong.httpStatus, 401);
      assert.equal(wrong.message, 'Forbidden - a valid `x-typesense-api-key` header must be sent.');
      const missing = await fetch(`${engine.url}/collections`);
      assert.equal(missing.status, 401);
    });

    it('accepts the key as a query parameter', async () => {
      const result = await clientFor(engine, API_KEY, true).collections('products').retrieve();
      assert.equal(result.num_documents, PRODUCTS.length);
    });

    it('returns 404 Not Found for unknown routes and 400 for malformed JSON', async () => {
      const unknown = await fetch(`${engine.url}/nothing-here`, { headers: { 'X-TYPESENSE-API-KEY': API_KEY } });
      assert.equal(unknown.status, 404);
      assert.deepEqual(await unknown.json(), { message: 'Not Found' });
      const bad = await fetch(`${engine.url}/collections`, { method: 'POST', headers: { 'X-TYPESENSE-API-KEY': API_KEY, 'Content-Type': 'application/json' }, body: '{"name": ' });
      assert.equal(bad.status, 400);
      assert.deepEqual(await bad.json(), { message: 'Bad JSON.' });
    });
  });

  describe('collections', () => {
    it('rejects bad schemas with Typesense messages and a duplicate name with 409', async () => {
      const badType = await rejection(client.collections().create({ name: 'x', fields: [{ name: 'a', type: 'strang' as never }] }));
      assert.equal(badType.httpStatus, 400);
      assert.equal(badType.message, 'Field `a` has an invalid data type `strang`, see docs for supported data types.');
      const badSort = await rejection(client.collections().create({ name: 'x', fields: [{ name: 'a', type: 'string' }], default_sorting_field: 'missing' }));
      assert.equal(badSort.httpStatus, 400);
      assert.equal(badSort.message, 'Default sorting field is defined as `missing` but is not found in the schema.');
      const duplicate = await rejection(client.collections().create(PRODUCT_SCHEMA));
      assert.equal(duplicate.httpStatus, 409);
      assert.equal(duplicate.message, 'A collection with name `products` already exists.');
    });

    it('retrieves, lists, updates and deletes a collection', async () => {
      const retrieved = await client.collections('products').retrieve();
      assert.equal(retrieved.num_documents, 6);
      assert.equal(typeof retrieved.created_at, 'number');
      assert.equal(retrieved.fields.find((field) => field.name === 'price')?.sort, true);
      await client.collections('products').update({ fields: [{ name: 'sku', type: 'string', optional: true }, { name: 'rating', drop: true }] });
      const updated = await client.collections('products').retrieve();
      assert.ok(updated.fields.some((field) => field.name === 'sku'));
      assert.ok(!updated.fields.some((field) => field.name === 'rating'));
      assert.deepEqual((await client.collections().retrieve()).map((c) => c.name), ['products']);
      const deleted = await client.collections('products').delete();
      assert.equal(deleted.name, 'products');
      const gone = await rejection(client.collections('products').retrieve());
      assert.equal(gone.httpStatus, 404);
    });
  });

  describe('documents', () => {
    it('reports one import result line per document, failing bad ones alone', async () => {
      const body = [
        JSON.stringify({ id: 'n1', title: '新型传感器', description: 'New sensor', category: 'electronics', tags: [], price: 10, rating: 1, in_stock: true }),
        JSON.stringify({ id: 'p1', title: '重复', description: 'duplicate id', category: 'x', tags: [], price: 1, rating: 1, in_stock: true }),
        JSON.stringify({ id: 'n2', title: '坏价格', description: 'bad price', category: 'x', tags: [], price: 'cheap', rating: 1, in_stock: true }),
        '{not json',
        JSON.stringify({ title: '无编号', description: 'no id', category: 'x', tags: [], price: '42', rating: 2, in_stock: false }),
      ].join('\n');
      // Given JSONL text the client hands back the raw JSONL response.
      const raw = (await client.collections('products').documents().import(body, { action: 'create' })) as unknown as string;
      const results = raw.split('\n').map((line) => JSON.parse(line) as ImportResponse);
      assert.equal(results.length, 5);
      assert.deepEqual(results.map((r) => r.success), [true, false, false, false, true]);
      assert.equal(results[1]!.error, 'A document with id p1 already exists.');
      assert.equal(results[2]!.error, 'Field `price` must be an int32.');
      assert.equal(results[2]!.document, JSON.parse(JSON.stringify(body.split('\n')[2])));
      assert.equal(results[3]!.error, 'Bad JSON.');
      const retrieved = await client.collections('products').retrieve();
      assert.equal(retrieved.num_documents, 8);
      const coerced = await client.collections('products').documents().search({ q: '*', filter_by: 'price:=42' });
      const auto = coerced.hits![0]!.document as { id: unknown; price: unknown };
      assert.equal(typeof auto.id, 'string');
      assert.equal(auto.price, 42);
    });

    it('upserts and emplaces on import, and returns ids when asked', async () => {
      const results = await client.collections('products').documents().import(
        [{ id: 'p1', price: 1 }, { ...PRODUCTS[1]!, price: 2 }],
        { action: 'emplace', return_id: true } as never,
      );
      assert.deepEqual(results.map((r) => (r as { id?: string }).id), ['p1', 'p2']);
      const p1 = await client.collections('products').documents('p1').retrieve();
      assert.equal((p1 as Product).price, 1);
      assert.equal((p1 as Product).title, PRODUCTS[0]!.title);
    });

    it('creates, retrieves, updates and deletes single documents', async () => {
      const documents = client.collections('products').documents();
      const created = await documents.create({ title: '液压轴承', description: 'Hydraulic bearing', category: 'parts', tags: [], price: 70, rating: 3, in_stock: true });
      assert.equal(typeof (created as { id?: unknown }).id, 'string');
      const duplicate = await rejection(documents.create({ ...PRODUCTS[0]! }));
      assert.equal(duplicate.httpStatus, 409);
      const wrongType = await rejection(documents.create({ ...PRODUCTS[0]!, id: 'z', in_stock: 'maybe' }));
      assert.equal(wrongType.httpStatus, 400);
      assert.equal(wrongType.message, 'Field `in_stock` must be a bool.');
      const missing = await rejection(documents.create({ id: 'z', title: 'only a title' }));
      assert.equal(missing.message, 'Field `description` has been declared in the schema, but is not found in the document.');
      await client.collections('products').documents('p3').update({ price: 999 });
      assert.equal(((await client.collections('products').documents('p3').retrieve()) as Product).price, 999);
      await documents.upsert({ ...PRODUCTS[3]!, title: '北斗导航模块二代' });
      assert.equal(((await client.collections('products').documents('p4').retrieve()) as Product).title, '北斗导航模块二代');
      const deleted = await client.collections('products').documents('p4').delete();
      assert.equal((deleted as Product).id, 'p4');
      const notFound = await rejection(client.collections('products').documents('p4').retrieve());
      assert.equal(notFound.httpStatus, 404);
      assert.equal(notFound.message, 'Could not find a document with id: p4');
    });

    it('deletes by filter and reports the number deleted', async () => {
      const result = await client.collections('products').documents().delete({ filter_by: 'category:=materials' });
      assert.deepEqual(result, { num_deleted: 2 });
      const remaining = await client.collections('products').documents().search({ q: '*', per_page: 50 });
      assert.equal(remaining.found, 4);
      assert.ok(!ids(remaining).includes('p1'));
    });

    it('exports JSONL honouring filter_by and include_fields', async () => {
      const exported = await client.collections('products').documents().export({ filter_by: 'in_stock:false', include_fields: 'id,price' });
      const lines = exported.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.deepEqual(lines, [{ id: 'p3', price: 800 }, { id: 'p6', price: 9100 }]);
    });
  });

  describe('search', () => {
    it('segments Chinese fields into words', async () => {
      const result = await client.collections('products').documents().search({ q: '复合材料', query_by: 'title' });
      assert.deepEqual(ids(result).sort(), ['p1', 'p5']);
      const single = await client.collections('products').documents().search({ q: '螺旋桨', query_by: 'title' });
      assert.deepEqual(ids(single), ['p1']);
      const highlight = (single.hits![0]!.highlight as Record<string, unknown>).title as { snippet: string; matched_tokens: string[] };
      assert.equal(highlight.matched_tokens.join(''), '螺旋桨');
      assert.equal(highlight.snippet.replace(/<\/?mark>/g, ''), '高性能复合材料螺旋桨');
      assert.ok(highlight.snippet.startsWith('高性能复合材料<mark>'));
    });

    it('tolerates typos and completes the last word as a prefix', async () => {
      const documents = client.collections('products').documents();
      assert.deepEqual(ids(await documents.search({ q: 'propelr', query_by: 'description' })).sort(), ['p1', 'p6']);
      assert.deepEqual(ids(await documents.search({ q: 'propelr', query_by: 'description', num_typos: 0 })), []);
      assert.deepEqual(ids(await documents.search({ q: 'titan', query_by: 'description' })), ['p3']);
      assert.deepEqual(ids(await documents.search({ q: 'titan', query_by: 'description', prefix: false })), []);
      // Three characters are below min_len_1typo, so "rdr" finds nothing.
      assert.deepEqual(ids(await documents.search({ q: 'rdr', query_by: 'description' })), []);
      const exactFirst = await documents.search({ q: 'laser', query_by: 'description' });
      assert.equal(ids(exactFirst)[0], 'p6');
    });

    it('ranks documents matching more query words first and drops words when nothing matches all', async () => {
      const result = await client.collections('products').documents().search({ q: 'composite propeller drones', query_by: 'description' });
      assert.equal(ids(result)[0], 'p1');
      const dropped = await client.collections('products').documents().search({ q: 'propeller zzzzqqq', query_by: 'description' });
      assert.deepEqual(ids(dropped).sort(), ['p1', 'p6']);
      assert.equal((dropped.hits![0]!.text_match_info as { num_tokens_dropped?: number }).num_tokens_dropped, 1);
    });

    it('uses query_by order and query_by_weights to rank field matches', async () => {
      const documents = client.collections('products').documents();
      await documents.import([
        { id: 'w1', title: 'radar 天线', description: 'antenna', category: 'x', tags: [], price: 1, rating: 1, in_stock: true },
        { id: 'w2', title: '天线', description: 'radar antenna', category: 'x', tags: [], price: 2, rating: 1, in_stock: true },
      ]);
      const filter = 'id:[w1,w2]';
      const titleFirst = await documents.search({ q: 'radar', query_by: 'title,description', filter_by: filter });
      assert.deepEqual(ids(titleFirst), ['w1', 'w2']);
      const weighted = await documents.search({ q: 'radar', query_by: 'title,description', query_by_weights: '1,4', filter_by: filter });
      assert.deepEqual(ids(weighted), ['w2', 'w1']);
      assert.ok(weighted.hits![0]!.text_match > weighted.hits![1]!.text_match);
    });

    it('ranks a page the same whether or not every match becomes a hit (facets need them all)', async () => {
      const words = ['radar', 'sonar', 'laser', 'antenna', 'composite'];
      const docs = Array.from({ length: 300 }, (_, i) => ({
        id: `r${i}`,
        title: `${words[i % 5]} ${i % 7 === 0 ? words[(i + 1) % 5] : 'unit'}`,
        description: `${words[(i * 3) % 5]} ${words[(i * 7) % 5]} module`,
        category: i % 3 === 0 ? 'sensors' : 'parts',
        tags: [words[(i * 2) % 5]!],
        price: i % 11,
        rating: i % 4,
        in_stock: i % 2 === 0,
      }));
      await client.collections('products').documents().import(docs, { action: 'create' });
      const queries = [
        { q: 'radar', query_by: 'description,tags' },
        { q: 'radar', query_by: 'title' },
        { q: 'radar sonar', query_by: 'description,tags', drop_tokens_threshold: 10 },
        { q: 'lazer', query_by: 'description,tags', sort_by: '_text_match:desc,_eval(in_stock:true):desc,price:asc' },
        { q: 'antenna', query_by: 'description', filter_by: 'category:=sensors', page: 2, per_page: 7 },
      ];
      for (const query of queries) {
        const pruned = await client.collections('products').documents().search({ per_page: 10, ...query });
        const complete = await client.collections('products').documents().search({ per_page: 10, ...query, facet_by: 'category' });
        assert.ok(pruned.found > 10, `${query.q} matches more than a page`);
        assert.equal(pruned.found, complete.found);
        assert.deepEqual(
          ranking(pruned),
          ranking(complete),
          query.q,
        );
      }
    });

    it('ranks by values kept per document as it ranks by reading documents, through updates, deletes and missing values', async () => {
      await client.collections().create({
        name: 'parts',
        fields: [
          { name: 'name', type: 'string' },
          { name: 'note', type: 'string' },
          { name: 'kind', type: 'string', facet: true },
          { name: 'level', type: 'int64' },
          { name: 'score', type: 'float', optional: true },
          { name: 'ok', type: 'bool' },
        ],
      });
      const words = ['radar', 'sonar', 'laser', 'antenna'];
      const parts = client.collections('parts').documents();
      const docs = Array.from({ length: 400 }, (_, i) => ({
        id: `q${i}`,
        name: `${words[i % 4]} ${i % 3 === 0 ? words[(i + 1) % 4] : 'unit'} ${i % 10 === 0 ? words[i % 4] : ''}`.trim(),
        note: `${words[(i >> 1) % 4]} ${i % 5 === 0 ? words[(i + 2) % 4] : 'spare'} ${i % 7 === 0 ? words[i % 4] : ''}`.trim(),
        kind: ['mount', 'board', 'cable'][i % 3]!,
        level: i % 6,
        ...(i % 5 === 0 ? {} : { score: (i * 7) % 9 }),
        ok: i % 4 !== 1,
      }));
      await parts.import(docs, { action: 'create' });
      // Updated documents keep their place in the tie order (sequence ids) while the index files them anew; deleted ones leave gaps.
      for (let i = 0; i < 400; i += 17) await parts.update({ id: `q${i}`, level: (i + 1) % 6, ...(i % 2 ? { score: null } : { score: 4 }) } as never, {});
      for (let i = 3; i < 400; i += 41) await client.collections('parts').documents(`q${i}`).delete();
      const queries = [
        { q: 'radar', sort_by: '_text_match:desc,_eval([(kind:=board && ok:true):2,(level:>=3):1]):desc,score:desc' },
        { q: 'sonar', sort_by: '_text_match:desc,score(missing_values: first):asc,level:desc', page: 3, per_page: 6 },
        { q: 'laser', sort_by: '_text_match:desc,_eval(ok:false):desc', filter_by: 'level:<5' },
        { q: 'antenna', sort_by: '_text_match:desc,level:asc' },
        // Every word as written, none dropped: the form of a match probe.
        { q: 'radar unit', num_typos: 0, prefix: false, drop_tokens_threshold: 0, sort_by: '_text_match:desc,_eval(ok:true):desc,score:desc' },
        { q: 'unit laser', num_typos: 0, prefix: false, drop_tokens_threshold: 0, filter_by: 'kind:mount || level:>=4', sort_by: '_text_match:desc,level:desc' },
        { q: 'radar sonar', query_by: 'name,note', num_typos: 0, prefix: false, drop_tokens_threshold: 0, sort_by: '_text_match:desc,_eval(ok:true):desc' },
        { q: 'radar board', query_by: 'name,kind', query_by_weights: '1,2', num_typos: 0, prefix: false, drop_tokens_threshold: 0, sort_by: '_text_match:desc,level:desc' },
        { q: 'sonar', num_typos: 0, prefix: false, filter_by: 'level:>1', sort_by: '_text_match:desc,score(missing_values: first):desc', page: 2, per_page: 8 },
        { q: '*', sort_by: '_eval([(kind:=cable):3,(ok:true):1]):desc,score:desc', filter_by: 'level:>1' },
        { q: '*', sort_by: 'score(missing_values: first):desc,level:asc', filter_by: 'ok:true', page: 4, per_page: 9 },
        { q: '*', sort_by: 'level:desc', filter_by: 'kind:=[mount,cable] && level:>=0' },
      ];
      for (const query of queries) {
        const request = { query_by: 'name', per_page: 10, ...query };
        const kept = await parts.search(request);
        // Facets need every hit, so the same search with them ranks by reading the documents.
        const read = await parts.search({ ...request, facet_by: 'kind' });
        assert.ok(kept.found > 20, `${query.q} ${query.sort_by} matches more than a page`);
        assert.equal(kept.found, read.found);
        assert.deepEqual(
          ranking(kept),
          ranking(read),
          `${query.q} ${query.sort_by}`,
        );
      }
    });

    it('sorts by fields and boosts with _eval', async () => {
      const documents = client.collections('products').documents();
      assert.deepEqual(ids(await documents.search({ q: '*', sort_by: 'price:asc', per_page: 3 })), ['p4', 'p5', 'p3']);
      assert.deepEqual(ids(await documents.search({ q: '*', per_page: 2 })), ['p6', 'p2'], 'default_sorting_field desc');
      const boosted = await documents.search({ q: '*', sort_by: '_eval(category:=manufacturing):desc,price:asc' });
      assert.deepEqual(ids(boosted).slice(0, 2), ['p3', 'p6']);
      const weighted = await documents.search({ q: '*', sort_by: '_eval([(category:=materials):3, (category:=electronics):2]):desc,rating:desc' });
      assert.deepEqual(ids(weighted), ['p1', 'p5', 'p2', 'p4', 'p6', 'p3']);
      // A document scores the weight of the first branch it matches, even when a later one weighs more.
      const firstBranch = '_eval([(in_stock:true && price:<1000):1, (category:=electronics):5]):desc,price:asc';
      assert.deepEqual(ids(await documents.search({ q: '*', sort_by: firstBranch })), ['p2', 'p4', 'p5', 'p3', 'p1', 'p6']);
      assert.deepEqual(ids(await documents.search({ q: '*', sort_by: '_eval(category:!=materials):desc,price:asc' })), ['p4', 'p3', 'p2', 'p6', 'p5', 'p1']);
      const { results } = await client.multiSearch.perform({
        searches: [
          { collection: 'products', q: '*', sort_by: firstBranch, filter_by: 'in_stock:true' },
          { collection: 'products', q: 'composite', query_by: 'description,tags', sort_by: `_text_match(buckets: 1):desc,${firstBranch}` },
        ],
      });
      assert.deepEqual(ids(results[0] as never), ['p2', 'p4', 'p5', 'p1']);
      assert.deepEqual(ids(results[1] as never), ['p5', 'p1']);
      const tooMany = await rejection(documents.search({ q: '*', sort_by: 'price:asc,rating:asc,_seq_id:asc,_text_match:desc' }));
      assert.equal(tooMany.httpStatus, 400);
      const unknown = await rejection(documents.search({ q: '*', sort_by: 'nope:asc' }));
      assert.equal(unknown.httpStatus, 404);
    });

    it('buckets _text_match so later sort keys decide among similarly relevant hits', async () => {
      await client.collections().create({
        name: 'listings',
        fields: [
          { name: 'title', type: 'string' },
          { name: 'body', type: 'string' },
          { name: 'popularity', type: 'int32' },
          { name: 'verified', type: 'bool' },
        ],
      });
      const documents = client.collections('listings').documents();
      await documents.import([
        { id: 'b1', title: 'radar', body: 'pulse', popularity: 1, verified: false },
        { id: 'b2', title: 'radar antenna', body: 'pulse', popularity: 5, verified: false },
        { id: 'b3', title: 'antenna', body: 'radar dish', popularity: 9, verified: false },
        { id: 'b4', title: 'mast', body: 'radar mast', popularity: 7, verified: false },
        { id: 'b5', title: 'radar array', body: 'pulse', popularity: 3, verified: true },
      ]);
      const search = (sortBy: string) => documents.search({ q: 'radar', query_by: 'title,body', sort_by: sortBy });
      const plain = await search('_text_match:desc,popularity:desc');
      assert.deepEqual(ids(plain), ['b1', 'b2', 'b5', 'b3', 'b4']);
      assert.deepEqual(ids(await search('_text_match(buckets: 1):desc,popularity:desc')), ['b3', 'b4', 'b2', 'b5', 'b1']);
      // Five hits in two buckets: blocks of two ([b1 b2] [b5 b3] [b4]), each sorted by popularity.
      assert.deepEqual(ids(await search('_text_match(buckets: 2):desc,popularity:desc')), ['b2', 'b1', 'b3', 'b5', 'b4']);
      assert.deepEqual(ids(await search('_text_match(bucket_size: 3):desc,popularity:desc')), ['b2', 'b5', 'b1', 'b3', 'b4']);
      assert.deepEqual(ids(await search('_text_match(buckets: 10):desc,popularity:desc')), ids(plain), 'more buckets than hits changes nothing');
      assert.deepEqual(ids(await search('_text_match(buckets: 0):desc,popularity:desc')), ids(plain));
      const boosted = await search('_text_match(buckets: 1):desc,_eval(verified:true):desc,popularity:desc');
      assert.deepEqual(ids(boosted), ['b5', 'b3', 'b4', 'b2', 'b1']);
      const reported = Object.fromEntries(boosted.hits!.map((hit) => [(hit.document as { id: string }).id, hit.text_match]));
      const original = Object.fromEntries(plain.hits!.map((hit) => [(hit.document as { id: string }).id, hit.text_match]));
      assert.deepEqual(reported, original, 'hits keep their own text_match');
      const paged = await documents.search({ q: 'radar', query_by: 'title,body', sort_by: '_text_match(buckets: 2):desc,popularity:desc', per_page: 2, page: 2 });
      assert.deepEqual(ids(paged), ['b3', 'b5']);
      for (const bad of ['_text_match(buckets: -1):desc', '_text_match(buckets: two):desc', '_text_match(bucket: 2):desc']) {
        assert.equal((await rejection(search(bad))).httpStatus, 400, bad);
      }
    });

    it('makes a new auto string field searchable once the write that introduced it is acknowledged', async () => {
      await client.collections().create({ name: 'dynamic', fields: [{ name: 'title', type: 'string' }, { name: '.*', type: 'auto' }] });
      const documents = client.collections('dynamic').documents();
      await documents.import(Array.from({ length: 5000 }, (_, i) => ({ id: `d${i}`, title: `item ${i}` })));
      // The first line adds a string field, so the index is rebuilt while the rest of the batch is written.
      const batch = [
        { id: 'n0', title: 'item n0', note: 'beacon n0' },
        ...Array.from({ length: 2000 }, (_, i) => ({ id: `d${i}`, title: i % 2 === 0 ? `renamed ${i}` : `item ${i}`, ...(i % 4 === 0 ? { note: `beacon ${i}` } : {}) })),
        ...Array.from({ length: 500 }, (_, i) => ({ id: `m${i}`, title: `item m${i}` })),
      ];
      const results = await documents.import(batch, { action: 'upsert' });
      assert.ok(results.every((result) => result.success));
      const search = (q: string, queryBy: string) => documents.search({ q, query_by: queryBy, per_page: 0, num_typos: 0, prefix: false });
      assert.equal((await search('beacon', 'note')).found, 501);
      assert.equal((await search('renamed', 'title')).found, 1000);
      assert.equal((await search('item', 'title')).found, 5000 + 1 + 500 - 1000);
      await documents.create({ id: 'late', title: 'item late', remark: 'lantern' });
      assert.deepEqual(ids(await documents.search({ q: 'lantern', query_by: 'remark' })), ['late']);
      await client.collections('dynamic').documents('d1').delete();
      assert.equal((await search('item', 'title')).found, 5000 + 1 + 500 - 1000, 'one added, one removed');
    });

    it('counts facets over all matches with stats, limits and facet_query', async () => {
      const documents = client.collections('products').documents();
      const result = await documents.search({ q: '*', facet_by: 'category,price,tags', max_facet_values: 2, per_page: 1 });
      const category = result.facet_counts!.find((facet) => facet.field_name === 'category')!;
      assert.equal(category.counts.length, 2);
      assert.deepEqual(category.counts.map((c) => c.count), [2, 2]);
      assert.equal(category.stats.total_values, 3);
      const price = result.facet_counts!.find((facet) => facet.field_name === 'price')!;
      assert.deepEqual(
        { min: price.stats.min, max: price.stats.max, sum: price.stats.sum, avg: price.stats.avg, total: price.stats.total_values },
        { min: 300, max: 9100, sum: 17450, avg: 17450 / 6, total: 6 },
      );
      const filtered = await documents.search({ q: '*', facet_by: 'tags', filter_by: 'category:=materials' });
      assert.deepEqual(filtered.facet_counts![0]!.counts.map((c) => [c.value, c.count]), [['composite', 2], ['aviation', 1]]);
      const queried = await documents.search({ q: '*', facet_by: 'tags', facet_query: 'tags:ma' });
      assert.deepEqual(queried.facet_counts![0]!.counts.map((c) => c.highlighted), ['<mark>ma</mark>chining']);
      const notFacet = await rejection(documents.search({ q: '*', facet_by: 'description' }));
      assert.equal(notFacet.httpStatus, 404);
    });

    it('paginates with page/per_page and offset/limit', async () => {
      const documents = client.collections('products').documents();
      const first = await documents.search({ q: '*', sort_by: 'price:asc', per_page: 4, page: 1 });
      const second = await documents.search({ q: '*', sort_by: 'price:asc', per_page: 4, page: 2 });
      assert.equal(first.found, 6);
      assert.deepEqual(ids(first), ['p4', 'p5', 'p3', 'p1']);
      assert.deepEqual(ids(second), ['p2', 'p6']);
      assert.equal(second.page, 2);
      assert.deepEqual(ids(await documents.search({ q: '*', sort_by: 'price:asc', offset: 1, limit: 2 })), ['p5', 'p3']);
      const tooMany = await rejection(documents.search({ q: '*', per_page: 251 }));
      assert.equal(tooMany.httpStatus, 422);
    });

    it('returns both highlight shapes with custom tags, snippets and full values', async () => {
      const long = `${'filler '.repeat(40)}hydraulic actuator ${'tail '.repeat(40)}`.trim();
      await client.collections('products').documents().create({ id: 'long', title: '长文本', description: long, category: 'x', tags: ['hydraulic pump', 'valve'], price: 1, rating: 1, in_stock: true });
      const result = await client.collections('products').documents().search({
        q: 'hydraulic',
        query_by: 'description,tags',
        highlight_start_tag: '<b>',
        highlight_end_tag: '</b>',
        highlight_full_fields: 'description',
      });
      const hit = result.hits![0]!;
      const description = (hit.highlight as Record<string, unknown>).description as { snippet: string; value: string; matched_tokens: string[] };
      assert.equal(description.snippet, 'filler filler filler filler <b>hydraulic</b> actuator tail tail tail');
      assert.equal(description.value, long.replace('hydraulic', '<b>hydraulic</b>'));
      assert.deepEqual(description.matched_tokens, ['hydraulic']);
      const tags = (hit.highlight as Record<string, unknown>).tags as Array<{ snippet: string }>;
      assert.equal(tags[0]!.snippet, '<b>hydraulic</b> pump');
      const legacy = hit.highlights!.find((h) => h.field === 'description')!;
      assert.equal(legacy.snippet, description.snippet);
      assert.deepEqual(legacy.matched_tokens, ['hydraulic']);
      assert.deepEqual(hit.highlights!.find((h) => h.field === 'tags')!.indices, [0]);
      assert.equal(result.request_params.q, 'hydraulic');
      assert.equal(result.request_params.collection_name, 'products');
      assert.equal(result.search_cutoff, false);
      const objectOnly = await client.collections('products').documents().search({ q: 'hydraulic', query_by: 'description,tags', enable_highlight_v1: false });
      assert.equal(objectOnly.hits![0]!.highlights, undefined);
      assert.deepEqual(((objectOnly.hits![0]!.highlight as Record<string, unknown>).description as { matched_tokens: string[] }).matched_tokens, ['hydraulic']);
    });

    it('highlights words of a Chinese field whatever their case, width or accents, across repeated searches', async () => {
      const documents = client.collections('products').documents();
      await documents.create({ id: 'folded', title: 'ＧＪＢ认证的Café雷达', description: '-', category: 'x', tags: [], price: 1, rating: 1, in_stock: true });
      await documents.create({ id: 'sigma', title: 'ΟΔΟΣ雷达系统', description: '-', category: 'x', tags: [], price: 2, rating: 1, in_stock: true });
      for (const round of [1, 2]) {
        for (const [q, id, marked] of [['gjb', 'folded', 'ＧＪＢ'], ['cafe', 'folded', 'Café'], ['οδος', 'sigma', 'ΟΔΟΣ']] as const) {
          const result = await documents.search({ q, query_by: 'title', prefix: false, num_typos: 0 });
          assert.deepEqual(ids(result), [id], `${q}, round ${round}`);
          assert.deepEqual(result.hits![0]!.highlights!.find((h) => h.field === 'title')!.matched_tokens, [marked], `${q}, round ${round}`);
        }
        // A value without any of the query's words gets no highlight.
        const other = await documents.search({ q: '雷达', query_by: 'title,description', prefix: false });
        assert.ok(other.hits!.every((hit) => !hit.highlights!.some((h) => h.field === 'description')));
      }
    });

    it('highlights Chinese fields from the offsets kept at indexing as it would by segmenting them again, through updates', async () => {
      const fields = ['title', 'keywords', 'body'] as const;
      await client.collections().create({
        name: 'zh_listings',
        fields: [
          ...fields.map((name) => ({ name, type: name === 'keywords' ? 'string[]' : 'string', locale: 'zh' }) as const),
          // Not searched, so highlighted by analysing the value at search time.
          ...fields.map((name) => ({ name: `${name}_copy`, type: name === 'keywords' ? 'string[]' : 'string', locale: 'zh', index: false, optional: true }) as const),
        ],
      });
      const documents = client.collections('zh_listings').documents();
      const listing = (id: string, title: string, keywords: string[], body: string) => ({ id, title, keywords, body, title_copy: title, keywords_copy: keywords, body_copy: body });
      await documents.import(
        [
          listing('a', '机载雷达罩复合材料', ['复合材料', '雷达罩', '透波'], '本单位长期从事航空航天复合材料研发，产品包括机载雷达罩、天线罩和透波窗口，具备完整的设计、仿真、成型和检测能力，可为无人机和有人机提供雷达罩整体解决方案，通过gjb 9001c质量管理体系认证，雷达罩年产能500套。'),
          listing('b', '北斗导航终端', ['北斗', '导航\n终端', '雷达'], '面向应急救援的北斗短报文终端，支持雷达联动与位置上报，符合GJB 9001C要求，可与机载雷达罩、舰载雷达和地面站组网使用，提供北斗短报文、位置上报、雷达目标信息转发等服务。'),
          listing('c', '雷达', ['RADAR 雷达'], '雷达雷达雷达，雷达；雷达。规格3，5型。'),
          listing('d', '光电吊舱 (EO/IR Pod) 北斗B3', ['EO Pod', 'pod'], 'Pod与吊舱：EO Pod、IR POD、Radar pod，北斗B3频点。'),
        ],
        { action: 'create' },
      );
      const compare = async (q: string, prefix = false): Promise<void> => {
        const result = await documents.search({ q, query_by: fields.join(','), highlight_fields: [...fields, ...fields.map((field) => `${field}_copy`)].join(','), prefix, num_typos: 0, per_page: 10 });
        assert.ok(result.hits!.length > 0, q);
        for (const hit of result.hits!) {
          const highlight = hit.highlight as Record<string, unknown>;
          for (const field of fields) assert.deepEqual(highlight[field], highlight[`${field}_copy`], `${q}: ${field} of ${(hit.document as { id: string }).id}`);
        }
      };
      for (const q of ['雷达', '复合材料', '终端', '透波', 'radar', '雷达 罩', '9001c', '3,5', 'pod', 'eo', 'b3', '北斗']) await compare(q);
      await compare('rad', true);
      const body = ((await documents.search({ q: '检测', query_by: 'body' })).hits![0]!.highlight as Record<string, { snippet: string }>).body!.snippet;
      assert.ok(body.includes('<mark>检测</mark>') && !body.startsWith('本单位'), body);
      await documents.upsert(listing('a', '雷达罩检测服务', ['检测'], '提供雷达罩电性能检测。'));
      await client.collections('zh_listings').documents('b').update({ keywords: ['终端', '雷达导航'], keywords_copy: ['终端', '雷达导航'] });
      for (const q of ['雷达', '检测', '终端']) await compare(q);
      await client.collections('zh_listings').delete();
    });

        it('applies multi-way synonym sets and one-way collection synonyms', async () => {
      const documents = client.collections('products').documents();
      await client.synonymSets('aero').upsert({ items: [{ id: 'uav', synonyms: ['drone', 'unmanned aircraft', 'uav'] }] });
      assert.deepEqual(ids(await documents.search({ q: 'uav', query_by: 'description', synonym_sets: 'aero' } as never)).sort(), ['p1', 'p2']);
      assert.deepEqual(ids(await documents.search({ q: 'uav', query_by: 'description' })), [], 'set not linked without the parameter');
      await client.collections('products').update({ synonym_sets: ['aero'] } as never);
      assert.deepEqual(ids(await documents.search({ q: 'unmanned aircraft', query_by: 'description' })).sort(), ['p1', 'p2']);
      assert.deepEqual((await client.synonymSets('aero').retrieve()).items.map((item) => item.id), ['uav']);

      await client.collections('products').synonyms().upsert('sheet-root', { root: 'panel', synonyms: ['sheet'] });
      assert.deepEqual(ids(await documents.search({ q: 'panel', query_by: 'description' })), ['p5']);
      assert.deepEqual(ids(await documents.search({ q: 'sheet', query_by: 'description' })), ['p5']);
      await client.collections('products').documents().create({ id: 'panel', title: '面板', description: 'Control panel', category: 'x', tags: [], price: 1, rating: 1, in_stock: true });
      assert.deepEqual(ids(await documents.search({ q: 'sheet', query_by: 'description' })), ['p5'], 'one-way: sheet does not find panel');
    });

    it('rejects unknown query_by fields with 404 and bad filters with 400', async () => {
      const documents = client.collections('products').documents();
      const unknownField = await rejection(documents.search({ q: 'radar', query_by: 'nope' }));
      assert.equal(unknownField.httpStatus, 404);
      assert.equal(unknownField.message, 'Could not find a field named `nope` in the schema.');
      const badFilter = await rejection(documents.search({ q: '*', filter_by: 'price:>' }));
      assert.equal(badFilter.httpStatus, 400);
      const unknownFilterField = await rejection(documents.search({ q: '*', filter_by: 'nope:=1' }));
      assert.equal(unknownFilterField.httpStatus, 404);
    });
  });

  it('serves every endpoint through an alias', async () => {
    await client.aliases().upsert('catalog', { collection_name: 'products' });
    assert.deepEqual(await client.aliases('catalog').retrieve(), { name: 'catalog', collection_name: 'products' });
    assert.deepEqual((await client.aliases().retrieve()).aliases, [{ name: 'catalog', collection_name: 'products' }]);
    const result = await client.collections('catalog').documents().search({ q: 'radar', query_by: 'description' });
    assert.deepEqual(ids(result), ['p2']);
    assert.equal(result.request_params.collection_name, 'catalog');
    await client.collections('catalog').documents().create({ ...PRODUCTS[0]!, id: 'via-alias' });
    assert.equal(((await client.collections('catalog').documents('via-alias').retrieve()) as Product).id, 'via-alias');
    assert.equal((await client.collections('catalog').retrieve()).name, 'products');
    await client.aliases('catalog').delete();
    assert.equal((await rejection(client.aliases('catalog').retrieve())).httpStatus, 404);
  });

  it('answers the searches of a multi_search sharing a filter and _eval boosts as it answers them one by one', async () => {
    const shared = { filter_by: 'in_stock:true && price:<6000', sort_by: '_text_match:desc,_eval([(category:materials):2,(tags:radar):1]):desc,price:asc', query_by: 'title,description' };
    const searches = ['composite', '复合材料', 'radar', 'module', '*'].map((q) => ({ collection: 'products', q, ...shared }));
    const together = (await client.multiSearch.perform({ searches })).results as Array<Record<string, unknown>>;
    for (const [i, search] of searches.entries()) {
      const alone = await client.collections('products').documents().search(search);
      assert.deepEqual(ids(together[i] as never), ids(alone), search.q);
      assert.equal(together[i]!.found, alone.found, search.q);
    }
    assert.deepEqual(ids(together[4] as never), ['p5', 'p1', 'p2', 'p4']);
  });

  it('runs multi_search with shared parameters and per-search errors', async () => {
    const response = await client.multiSearch.perform(
      {
        searches: [
          { collection: 'products', q: 'radar' },
          { collection: 'products', q: '复合材料', query_by: 'title', filter_by: 'price:<1000' },
          { collection: 'products', q: 'radar', query_by: 'nope' },
          { collection: 'missing', q: '*' },
        ],
      },
      { query_by: 'description' },
    );
    const results = response.results as Array<Record<string, unknown>>;
    assert.deepEqual(ids(results[0] as never), ['p2']);
    assert.deepEqual(ids(results[1] as never), ['p5']);
    assert.equal(results[2]!.code, 404);
    assert.equal(results[2]!.error, 'Could not find a field named `nope` in the schema.');
    assert.equal(results[3]!.code, 404);
  });
});
