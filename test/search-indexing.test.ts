import assert from 'node:assert/strict';
import request from 'supertest';
import { Client } from 'typesense';
import { startEmbeddedTypesense, type EmbeddedTypesense } from '../search/embedded';
import type { Actor } from '../server/core/actor';
import { startTestPlatform, type TestPlatform } from './support/platform';

/** The search results section of the industries page (the page also lists the whole taxonomy). */
function resultsOf(html: string): string {
  return html.match(/<section class="search-results"[\s\S]*?<\/section>/)?.[0] ?? '';
}

const organiser: Actor = { id: 'organiser-1', roles: ['organiser'] };

describe('search indexing (built-in engine, in process)', () => {
  let platform: TestPlatform;

  before(async () => {
    platform = await startTestPlatform();
  });

  after(async () => {
    await platform?.close();
  });

  it('indexes the taxonomy at start-up so Chinese and English queries find industries', async () => {
    const composites = await request(platform.app).get('/industries').query({ q: '复合材料' }).expect(200);
    assert.match(resultsOf(composites.text), /复合材料/);
    assert.match(composites.text, /找到 \d+ 条结果/);
    const beidou = await request(platform.app).get('/industries').query({ q: '北斗' }).expect(200);
    assert.match(resultsOf(beidou.text), /北斗/);
    const drone = await request(platform.app).get('/industries').query({ q: 'drone' }).expect(200);
    assert.match(resultsOf(drone.text), /无人机与无人直升机/);
  });

  it('reindexes an industry when an organiser edits its keywords', async () => {
    const before = await request(platform.app).get('/industries').query({ q: '量子陀螺' }).expect(200);
    assert.doesNotMatch(resultsOf(before.text), /无人机与无人直升机/);
    await platform.platform.features.taxonomy.service.updateIndustry(organiser, 'aerospace.uav', {
      keywords: ['长航时无人机', '量子陀螺'],
    });
    const after = await request(platform.app).get('/industries').query({ q: '量子陀螺' }).expect(200);
    assert.match(resultsOf(after.text), /无人机与无人直升机/);
    assert.equal(await platform.platform.features.indexer.pending(), 0);
  });

  it('refuses keyword edits from someone who is not an organiser', async () => {
    await assert.rejects(
      platform.platform.features.taxonomy.service.updateIndustry({ id: 'm', roles: ['org-member'] }, 'aerospace.uav', { keywords: [] }),
      { code: 'forbidden' },
    );
  });

  it('repairs drift between MongoDB and the index', async () => {
    const client = platform.platform.search.client;
    await client.collections('industries').documents('aerospace.uav').delete();
    await client.collections('industries').documents().create({
      id: 'stale.entry', revision: 1, code: 'stale.entry', domain: 'stale', level: 'leaf', zh: '陈旧条目', en: 'Stale', keywords: [], position: 0,
    });
    const results = await platform.platform.features.indexer.reconcile();
    // Only the industries collection drifted; every other collection is reported clean.
    assert.deepEqual(results.filter((result) => result.upserted || result.deleted), [{ collection: 'industries', upserted: 1, deleted: 1 }]);
    const restored = await client.collections('industries').documents('aerospace.uav').retrieve();
    assert.equal((restored as { zh: string }).zh, '无人机与无人直升机');
    await assert.rejects(client.collections('industries').documents('stale.entry').retrieve(), { httpStatus: 404 });
  });

  it('rebuilds everything behind the alias with no gap', async () => {
    const client = platform.platform.search.client;
    const before = (await client.aliases('industries').retrieve()).collection_name;
    const [result] = await platform.platform.features.indexer.reindex();
    assert.equal(result!.documents, 18 + 96);
    const after = (await client.aliases('industries').retrieve()).collection_name;
    assert.notEqual(after, before);
    assert.match(after, /^industries_v1_/);
    await assert.rejects(client.collections(before).retrieve(), { httpStatus: 404 });
    const found = await client.collections('industries').documents().search({ q: '*', query_by: 'zh', per_page: 1 });
    assert.equal(found.found, 18 + 96);
  });
});

describe('search indexing while the engine is down', () => {
  const apiKey = 'outbox-test-key';
  let engine: EmbeddedTypesense;
  let port: number;
  let platform: TestPlatform;

  before(async () => {
    engine = await startEmbeddedTypesense({ apiKey });
    port = engine.port;
    platform = await startTestPlatform({ TYPESENSE_URL: engine.url, TYPESENSE_API_KEY: apiKey });
  });

  after(async () => {
    await platform?.close();
    await engine?.close();
  });

  it('reports external search mode', async () => {
    const health = await request(platform.app).get('/healthz').expect(200);
    assert.equal(health.body.dependencies.search.mode, 'external');
    assert.equal(health.body.status, 'ok');
  });

  it('keeps serving, queues writes, and catches up when the engine returns', async () => {
    await engine.close();

    const health = await request(platform.app).get('/healthz').expect(200);
    assert.equal(health.body.status, 'degraded');
    assert.equal(health.body.dependencies.search.status, 'down');

    const page = await request(platform.app).get('/industries').query({ q: '复合材料' }).expect(200);
    assert.match(page.text, /搜索服务暂时不可用/);
    assert.match(page.text, /航空航天/, 'browsing still works');

    await platform.platform.features.taxonomy.service.updateIndustry(organiser, 'aerospace.uav', { keywords: ['离线时新增的关键词'] });
    assert.equal(await platform.platform.features.indexer.pending(), 1);

    // A restarted in-memory engine comes back empty: the indexer rebuilds from MongoDB.
    engine = await startEmbeddedTypesense({ apiKey, port });
    // The failed attempt was rescheduled with a backoff; run the drain job until it is due.
    const indexer = platform.platform.features.indexer;
    for (let round = 0; round < 50 && (await indexer.pending()) > 0; round++) {
      await indexer.drain();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(await indexer.pending(), 0);

    const client = new Client({ nodes: [{ host: '127.0.0.1', port, protocol: 'http' }], apiKey, logLevel: 'silent' });
    const found = await client.collections('industries').documents().search({ q: '离线时新增的关键词', query_by: 'keywords' });
    assert.equal((found.hits?.[0]?.document as { id?: string } | undefined)?.id, 'aerospace.uav');
    const page2 = await request(platform.app).get('/industries').query({ q: '复合材料' }).expect(200);
    assert.doesNotMatch(page2.text, /搜索服务暂时不可用/);
  });
});
