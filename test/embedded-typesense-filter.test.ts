import assert from 'node:assert/strict';
import { Client, Errors, type CollectionCreateSchema } from 'typesense';
import { startEmbeddedTypesense } from '../search/embedded';

const API_KEY = 'filter-table-test-key';
const COLLECTION = 'parts';

const SCHEMA: CollectionCreateSchema = {
  name: COLLECTION,
  fields: [
    { name: 'title', type: 'string' },
    { name: 'brand', type: 'string', facet: true },
    { name: 'tags', type: 'string[]' },
    { name: 'qty', type: 'int32' },
    { name: 'views', type: 'int64' },
    { name: 'price', type: 'float' },
    { name: 'sizes', type: 'int32[]', optional: true },
    { name: 'active', type: 'bool' },
    { name: 'note', type: 'string', optional: true },
    { name: 'stock', type: 'int32', optional: true },
  ],
};

const DOCS = [
  { id: 'p01', title: 'Steel Bolt M8', brand: 'Acme', tags: ['metal', 'fastener'], qty: 10, views: 5_000_000_000, price: 1.5, sizes: [8], active: true, note: 'rush', stock: 100 },
  { id: 'p02', title: 'Steel Nut M8', brand: 'Acme', tags: ['metal', 'fastener'], qty: 0, views: 120, price: 0.5, sizes: [8], active: true, stock: 40 },
  { id: 'p03', title: 'Aluminium Plate', brand: 'Zeta', tags: ['metal', 'sheet'], qty: 25, views: 800, price: 42, sizes: [2, 4], active: false, note: 'fragile' },
  { id: 'p04', title: 'Carbon Fibre Tube', brand: 'Zeta Labs', tags: ['composite'], qty: 3, views: 60, price: 99.99, sizes: [20, 25], active: true, stock: 5 },
  { id: 'p05', title: 'Titanium Rod, Grade 5 (Ti-6Al-4V)', brand: 'Orbit', tags: ['metal', 'aerospace'], qty: 7, views: 3000, price: 250, sizes: [10], active: true, note: 'export licence' },
  { id: 'p06', title: 'Copper Wire', brand: 'Acme Corp', tags: ['metal', 'electrical'], qty: 500, views: 45, price: 12.25, sizes: [1, 2, 3], active: true, stock: 900 },
  { id: 'p07', title: 'Rubber Gasket', brand: 'Orbit', tags: ['seal'], qty: 60, views: 10, price: 0.99, active: false, note: 'rush order', stock: 0 },
  { id: 'p08', title: 'Steel Beam', brand: 'Ironworks', tags: ['metal', 'structural'], qty: 2, views: 9_000_000_000, price: 1500, sizes: [200], active: true },
  { id: 'p09', title: 'Nylon Washer', brand: 'Acme', tags: ['fastener', 'polymer'], qty: 1000, views: 15, price: 0.05, sizes: [8, 10], active: false, stock: 2000 },
  { id: 'p10', title: 'Sensor Module', brand: 'Café Électronique', tags: ['electronics'], qty: 12, views: 700, price: 35.2, active: true, note: 'Rush', stock: 12 },
  { id: 'p11', title: 'Bearing 6204', brand: 'Orbit', tags: ['metal', 'rotating'], qty: 80, views: 2500, price: 4.75, sizes: [20], active: true, stock: 80 },
  { id: 'p12', title: 'Solar Panel 300W', brand: 'Sunny', tags: ['electrical', 'energy'], qty: 9, views: 1200, price: 180, active: false, note: 'fragile' },
  { id: 'p13', title: 'Gear Box', brand: 'Ironworks', tags: ['metal', 'rotating'], qty: 4, views: 330, price: 640.5, sizes: [50], active: true, stock: 4 },
  { id: 'p14', title: 'Spring Steel Clip', brand: 'Acme', tags: ['metal', 'fastener'], qty: 300, views: 90, price: 0.2, sizes: [5], active: true },
  { id: 'p15', title: 'Hydraulic Hose', brand: 'Flux', tags: ['seal', 'fluid'], qty: 15, views: 50, price: 27, sizes: [12, 16], active: false, stock: 15 },
];

function all(...except: string[]): string[] {
  return DOCS.map((doc) => doc.id).filter((id) => !except.includes(id));
}

/** `filter_by` → ids it must return, in id order. */
const TABLE: Array<[filter: string, expected: string[]]> = [
  // strings: `:=` whole value (case- and accent-insensitive), `:` words, lists, negations
  ['brand:=Acme', ['p01', 'p02', 'p09', 'p14']],
  ['brand:Acme', ['p01', 'p02', 'p06', 'p09', 'p14']],
  ['brand:=acme corp', ['p06']],
  ['brand:=cafe electronique', ['p10']],
  ['brand:=[Zeta, Orbit]', ['p03', 'p05', 'p07', 'p11']],
  ['brand:!=Orbit', all('p05', 'p07', 'p11')],
  ['brand:![Acme, Orbit]', ['p03', 'p04', 'p08', 'p10', 'p12', 'p13', 'p15']],
  ['title:steel', ['p01', 'p02', 'p08', 'p14']],
  ['title:M8 STEEL', ['p01', 'p02']],
  ['title:=Steel Beam', ['p08']],
  ['title:=steel', []],
  ['title:=`Titanium Rod, Grade 5 (Ti-6Al-4V)`', ['p05']],
  ['title:ste*', ['p01', 'p02', 'p08', 'p14']],
  ['tags:=fastener', ['p01', 'p02', 'p09', 'p14']],
  ['tags:[aerospace, energy]', ['p05', 'p12']],
  ['tags:!=metal', ['p04', 'p07', 'p09', 'p10', 'p12', 'p15']],
  // numbers: comparators, ranges, mixed lists, int64, float, arrays
  ['qty:>100', ['p06', 'p09', 'p14']],
  ['qty:>=60', ['p06', 'p07', 'p09', 'p11', 'p14']],
  ['qty:<3', ['p02', 'p08']],
  ['qty:<=3', ['p02', 'p04', 'p08']],
  ['qty:=25', ['p03']],
  ['qty:[10..15]', ['p01', 'p10', 'p15']],
  ['qty:[<2, 60, >=500]', ['p02', 'p06', 'p07', 'p09']],
  ['qty:!=10', all('p01')],
  ['qty:![0, 10, 25]', all('p01', 'p02', 'p03')],
  ['views:>4000000000', ['p01', 'p08']],
  ['views:[100..1000]', ['p02', 'p03', 'p10', 'p13']],
  ['price:<1', ['p02', 'p07', 'p09', 'p14']],
  ['price:[0.5..1.5]', ['p01', 'p02', 'p07']],
  ['price:>=99.99', ['p04', 'p05', 'p08', 'p12', 'p13']],
  ['sizes:8', ['p01', 'p02', 'p09']],
  ['sizes:[>=20]', ['p04', 'p08', 'p11', 'p13']],
  ['sizes:![8, 10]', all('p01', 'p02', 'p05', 'p09')],
  // bools
  ['active:true', ['p01', 'p02', 'p04', 'p05', 'p06', 'p08', 'p10', 'p11', 'p13', 'p14']],
  ['active:false', ['p03', 'p07', 'p09', 'p12', 'p15']],
  ['active:!=true', ['p03', 'p07', 'p09', 'p12', 'p15']],
  // optional fields: absent never matches a positive filter, always matches a negative one
  ['note:rush', ['p01', 'p07', 'p10']],
  ['note:=rush', ['p01', 'p10']],
  ['note:!=fragile', all('p03', 'p12')],
  ['stock:>=100', ['p01', 'p06', 'p09']],
  ['stock:!=0', all('p07')],
  // ids
  ['id:[p03, p07]', ['p03', 'p07']],
  ['id:!=p01 && brand:=Acme', ['p02', 'p09', 'p14']],
  // boolean structure: && and || fold left to right (as the server does), parentheses group, whitespace is free
  ['brand:=Acme && qty:>=10', ['p01', 'p09', 'p14']],
  ['brand:=Orbit || brand:=Ironworks', ['p05', 'p07', 'p08', 'p11', 'p13']],
  ['brand:=Orbit || brand:=Acme && active:false', ['p07', 'p09']],
  ['active:false && brand:=Acme || brand:=Orbit', ['p05', 'p07', 'p09', 'p11']],
  ['(brand:=Orbit || brand:=Acme) && active:false', ['p07', 'p09']],
  ['(tags:=metal && price:<5) || (tags:=seal && qty:>20)', ['p01', 'p02', 'p07', 'p11', 'p14']],
  ['  qty:>100&&active:true  ', ['p06', 'p14']],
];

/** Malformed filters and the status the engine must answer with. */
const ERRORS: Array<[filter: string, status: 400 | 404, message: RegExp]> = [
  ['brand', 400, /Server said: Could not parse the filter query/],
  ['brand:=Acme &&', 400, /unbalanced `&&` operands/],
  ['(brand:=Acme || qty:>5', 400, /unbalanced parentheses/],
  ['qty:abc', 400, /Server said: Error with filter field `qty`: Numerical field has an invalid comparator\.$/],
  ['qty:1.5', 400, /Server said: Error with filter field `qty`: Not an int32\.$/],
  ['active:maybe', 400, /must be `true` or `false`/],
  ['colour:red', 404, /Server said: Could not find a filter field named `colour` in the schema\.$/],
];

describe('embedded Typesense filter_by through the official client', function () {
  this.timeout(60_000);
  let engine: Awaited<ReturnType<typeof startEmbeddedTypesense>> | undefined;
  let client: Client;

  before(async () => {
    engine = await startEmbeddedTypesense({ apiKey: API_KEY });
    client = new Client({
      nodes: [{ protocol: 'http', host: engine.host, port: engine.port }],
      apiKey: engine.apiKey,
      connectionTimeoutSeconds: 10,
      numRetries: 1,
      logLevel: 'silent',
    });
    await client.collections().create({ ...SCHEMA, fields: [...SCHEMA.fields, { name: 'catalogue', type: 'string' }] });
    const results = await client
      .collections(COLLECTION)
      .documents()
      .import(
        DOCS.map((doc) => ({ ...doc, catalogue: 'everything' })),
        { action: 'create' },
      );
    assert.deepEqual(
      results.filter((r) => !r.success),
      [],
      'every document imports',
    );
  });

  after(async () => {
    await engine?.close();
  });

  it('holds all the table documents', async () => {
    const res = await client.collections(COLLECTION).documents().search({ q: '*', per_page: 0 });
    assert.equal(res.found, DOCS.length);
  });

  for (const [filter, expected] of TABLE) {
    it(`filter_by ${JSON.stringify(filter)} → [${expected.join(', ')}]`, async () => {
      const res = await client
        .collections(COLLECTION)
        .documents()
        .search({ q: '*', filter_by: filter, per_page: 50 });
      const found = (res.hits ?? []).map((hit) => String((hit.document as { id: string }).id)).sort();
      assert.deepEqual(found, expected);
      assert.equal(res.found, expected.length);
    });
  }

  // A text query that every document matches, so the same filters also run beside text matching.
  for (const [filter, expected] of TABLE) {
    it(`filter_by ${JSON.stringify(filter)} beside a text query → [${expected.join(', ')}]`, async () => {
      const res = await client
        .collections(COLLECTION)
        .documents()
        .search({ q: 'everything', query_by: 'catalogue', filter_by: filter, per_page: 50 });
      const found = (res.hits ?? []).map((hit) => String((hit.document as { id: string }).id)).sort();
      assert.deepEqual(found, expected);
      assert.equal(res.found, expected.length);
    });
  }

  it('keeps numeric filters right through updates and deletes', async () => {
    const name = 'parts_numbers';
    await client.collections().create({ ...SCHEMA, name, fields: [...SCHEMA.fields, { name: 'catalogue', type: 'string' }, { name: 'grade', type: 'int32', optional: true }, { name: 'weight', type: 'float', optional: true }] });
    const documents = client.collections(name).documents();
    await documents.import(
      DOCS.slice(0, 6).map((doc, i) => ({ ...doc, catalogue: 'everything', grade: i, weight: i / 2 })),
      { action: 'create' },
    );
    const ids = async (filter: string, q = 'everything'): Promise<string[]> => {
      const res = await documents.search({ q, query_by: 'catalogue', filter_by: filter, per_page: 50 });
      assert.equal(res.found, res.hits!.length);
      return res.hits!.map((hit) => String((hit.document as { id: string }).id)).sort();
    };
    assert.deepEqual(await ids('qty:>=10 && stock:!=40'), ['p01', 'p03', 'p06']);
    assert.deepEqual(await ids('grade:>=4'), ['p05', 'p06']);
    await client.collections(name).documents('p02').update({ qty: 70, stock: 41 });
    await client.collections(name).documents('p03').update({ stock: 40, weight: 7.5 });
    await client.collections(name).documents('p01').delete();
    await documents.create({ ...DOCS[6]!, catalogue: 'everything', grade: 9 });
    assert.deepEqual(await ids('qty:>=10 && stock:!=40'), ['p02', 'p06', 'p07']);
    assert.deepEqual(await ids('qty:>=10 && stock:!=40', '*'), ['p02', 'p06', 'p07']);
    assert.deepEqual(await ids('grade:>=4 || qty:<4'), ['p04', 'p05', 'p06', 'p07']);
    await client.collections(name).documents('p05').update({ grade: null });
    assert.deepEqual(await ids('grade:>=4'), ['p06', 'p07']);
    assert.deepEqual(await ids('grade:!=3'), ['p02', 'p03', 'p05', 'p06', 'p07']);
    // First filtered on only now, after the writes (its values were gathered with the other number fields' on the first numeric filter).
    assert.deepEqual(await ids('weight:<1.5 || weight:>7'), ['p02', 'p03']);
    await client.collections(name).delete();
  });

  it('keeps _eval boosts right through updates, deletes and creates', async () => {
    const name = 'parts_boosts';
    await client.collections().create({ ...SCHEMA, name, fields: [...SCHEMA.fields, { name: 'catalogue', type: 'string' }] });
    const documents = client.collections(name).documents();
    await documents.import(
      DOCS.slice(0, 6).map((doc) => ({ ...doc, catalogue: 'everything' })),
      { action: 'create' },
    );
    const boost = '_eval([(brand:=Acme && active:true):3, (qty:>=20):1]):desc';
    const exact = { prefix: false, num_typos: 0, drop_tokens_threshold: 0, typo_tokens_threshold: 0 };
    // Each form twice: the second search of a form finds the scores the first one left.
    const ranked = async (): Promise<string[]> => {
      const orders: string[][] = [];
      const text = { q: 'everything', query_by: 'catalogue', sort_by: `_text_match:desc,${boost}` };
      for (const search of [{ q: '*', sort_by: boost }, text, { ...text, ...exact }]) {
        for (let time = 0; time < 2; time += 1) {
          const res = await documents.search({ ...search, per_page: 50 });
          orders.push(res.hits!.map((hit) => String((hit.document as { id: string }).id)));
          // A short page keeps only the best few as they come, by the kept scores alone.
          const page = await documents.search({ ...search, per_page: 2 });
          orders.push([...page.hits!.map((hit) => String((hit.document as { id: string }).id)), ...orders.at(-1)!.slice(2)]);
        }
      }
      assert.ok(orders.every((order) => JSON.stringify(order) === JSON.stringify(orders[0])), JSON.stringify(orders));
      return orders[0]!;
    };
    // Ties go to the newest document.
    assert.deepEqual(await ranked(), ['p02', 'p01', 'p06', 'p03', 'p05', 'p04']);
    await client.collections(name).documents('p01').update({ active: false });
    await client.collections(name).documents('p04').update({ qty: 30 });
    await client.collections(name).documents('p02').delete();
    assert.deepEqual(await ranked(), ['p06', 'p04', 'p03', 'p05', 'p01']);
    await documents.create({ ...DOCS[6]!, catalogue: 'everything' });
    assert.deepEqual(await ranked(), ['p07', 'p06', 'p04', 'p03', 'p05', 'p01']);
    await client.collections(name).delete();
  });

  it('keeps exact-match filters of wildcard searches right through updates, deletes and schema changes', async () => {
    const name = 'parts_changing';
    await client.collections().create({ ...SCHEMA, name });
    const documents = client.collections(name).documents();
    await documents.import(DOCS.slice(0, 6), { action: 'create' });
    const ids = async (filter: string): Promise<string[]> => {
      const res = await documents.search({ q: '*', filter_by: filter, per_page: 50 });
      assert.equal(res.found, res.hits!.length);
      return res.hits!.map((hit) => String((hit.document as { id: string }).id)).sort();
    };
    assert.deepEqual(await ids('brand:=Acme && active:true'), ['p01', 'p02']);
    await client.collections(name).documents('p02').update({ brand: 'Zeta', active: false });
    await documents.upsert({ ...DOCS[6]!, id: 'p07', brand: 'ACME', tags: ['seal', 'Fastener'] });
    await client.collections(name).documents('p01').delete();
    assert.deepEqual(await ids('brand:=Acme'), ['p07']);
    assert.deepEqual(await ids('brand:=[Zeta, Acme]'), ['p02', 'p03', 'p07']);
    assert.deepEqual(await ids('tags:=fastener && active:false'), ['p02', 'p07']);
    assert.deepEqual(await ids('active:false'), ['p02', 'p03', 'p07']);
    assert.deepEqual(await ids('id:[p02, p07, missing] && brand:=zeta'), ['p02']);
    await client.collections(name).update({ fields: [{ name: 'brand', drop: true }] });
    await client.collections(name).update({ fields: [{ name: 'brand', type: 'string', facet: true, optional: true }] });
    assert.deepEqual(await ids('brand:=Acme'), ['p07']);
    await client.collections(name).delete();
  });

  it('answers more distinct filters than it keeps clause results for, again and after a write', async () => {
    const name = 'parts_many_filters';
    await client.collections().create({ ...SCHEMA, name });
    const documents = client.collections(name).documents();
    await documents.import(DOCS, { action: 'create' });
    const ids = async (filter: string): Promise<string[]> => {
      const res = await documents.search({ q: '*', filter_by: filter, per_page: 50 });
      return res.hits!.map((hit) => String((hit.document as { id: string }).id)).sort();
    };
    // Each threshold is a clause of its own, and the bool clause is shared: well past the engine's 64 kept clause results, so old ones are let go and their space reused.
    const expected = (docs: typeof DOCS, least: number): string[] => docs.filter((doc) => doc.qty >= least && doc.active).map((doc) => doc.id).sort();
    const thresholds = Array.from({ length: 90 }, (_, i) => i * 7);
    for (let pass = 0; pass < 2; pass += 1) {
      for (const least of thresholds) assert.deepEqual(await ids(`qty:>=${least} && active:true`), expected(DOCS, least), `qty:>=${least}, pass ${pass + 1}`);
    }
    await client.collections(name).documents('p09').update({ active: true });
    const changed = DOCS.map((doc) => (doc.id === 'p09' ? { ...doc, active: true } : doc));
    for (const least of thresholds.slice().reverse()) assert.deepEqual(await ids(`qty:>=${least} && active:true`), expected(changed, least), `qty:>=${least} after the write`);
    await client.collections(name).delete();
  });

  for (const [filter, status, message] of ERRORS) {
    it(`rejects filter_by ${JSON.stringify(filter)} with ${status}`, async () => {
      await assert.rejects(
        client.collections(COLLECTION).documents().search({ q: '*', filter_by: filter }),
        (error: unknown) => {
          assert.ok(error instanceof (status === 404 ? Errors.ObjectNotFound : Errors.RequestMalformed));
          assert.equal(error.httpStatus, status);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});
