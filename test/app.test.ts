import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import request from 'supertest';
import { makeTempDir, startTestPlatform, type TestPlatform } from './support/platform';
import { runTs } from './support/process';

describe('platform shell', () => {
  let platform: TestPlatform;

  before(async () => {
    platform = await startTestPlatform();
  });

  after(async () => {
    await platform?.close();
  });

  it('reports the store and its mode on /healthz', async () => {
    const res = await request(platform.app).get('/healthz').expect(200).expect('Content-Type', /json/);
    assert.equal(res.body.status, 'ok');
    assert.equal(res.body.dependencies.store.mode, 'embedded');
    assert.equal(res.body.dependencies.store.status, 'up');
    assert.equal(typeof res.body.dependencies.store.latencyMs, 'number');
    assert.equal(res.body.dependencies.search.mode, 'embedded');
    assert.equal(res.body.dependencies.search.status, 'up');
  });

  it('serves the Chinese home page with the industry domains from the store', async () => {
    const res = await request(platform.app).get('/').expect(200).expect('Content-Type', /html/);
    assert.match(res.text, /<html lang="zh-CN">/);
    assert.match(res.text, /军民融合供需对接平台/);
    assert.match(res.text, /航空航天/);
    assert.match(res.text, /船舶与海洋工程|船舶/);
    assert.ok(res.headers['x-request-id'], 'a request id is returned');
    assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
  });

  it('switches to English and back through the language link', async () => {
    const agent = request.agent(platform.app);
    const switched = await agent.get('/locale/en?next=/industries').expect(303);
    assert.equal(switched.headers.location, '/industries');
    const page = await agent.get('/industries').expect(200);
    assert.match(page.text, /<html lang="en">/);
    assert.match(page.text, /Aerospace and aviation/);
    await agent.get('/locale/zh').expect(303).expect('Location', '/');
    assert.match((await agent.get('/').expect(200)).text, /<html lang="zh-CN">/);
  });

  it('refuses to redirect the language switch off-site', async () => {
    await request(platform.app).get('/locale/en?next=//evil.example').expect(303).expect('Location', '/');
  });

  it('shows a domain with its leaves and keywords', async () => {
    const res = await request(platform.app).get('/industries/aerospace').expect(200);
    assert.match(res.text, /无人机与无人直升机/);
    assert.match(res.text, /长航时无人机/);
  });

  it('renders the 404 page for unknown pages and unknown industries', async () => {
    const page = await request(platform.app).get('/no/such/page').expect(404).expect('Content-Type', /html/);
    assert.match(page.text, /页面不存在/);
    const domain = await request(platform.app).get('/industries/no-such-domain').expect(404);
    assert.match(domain.text, /404/);
  });

  it('answers JSON errors under /api', async () => {
    const res = await request(platform.app).get('/api/nothing-here').expect(404).expect('Content-Type', /json/);
    assert.equal(res.body.error.code, 'not_found');
    assert.ok(res.body.requestId);
    const bad = await request(platform.app).post('/api/industries').set('Content-Type', 'application/json').send('{"broken":').expect(400);
    assert.equal(bad.body.error.code, 'entity_parse_failed');
  });

  it('serves static assets', async () => {
    await request(platform.app).get('/static/css/app.css').expect(200).expect('Content-Type', /css/);
  });

  it('renders the 500 page and reports the platform down when the store is gone', async () => {
    await platform.platform.store.connection.close();
    const page = await request(platform.app).get('/').expect(500).expect('Content-Type', /html/);
    assert.match(page.text, /服务器出错/);
    assert.match(page.text, /请求编号/);
    assert.doesNotMatch(page.text, /at .*\.ts:\d+/, 'no stack trace is shown');
    const api = await request(platform.app).get('/api/industries').expect(500);
    assert.equal(api.body.error.code, 'internal_error');
    const health = await request(platform.app).get('/healthz').expect(503);
    assert.equal(health.body.status, 'down');
    assert.equal(health.body.dependencies.store.status, 'down');
  });
});

describe('start-up and shutdown', () => {
  it('stops with a message naming a bad configuration value', async () => {
    const proc = runTs('server/main.ts', [], { PORT: 'not-a-port', LOG_LEVEL: 'silent' });
    const { code } = await proc.exited;
    assert.notEqual(code, 0);
    assert.match(proc.stderr(), /PORT/);
  });

  it('refuses a Typesense URL without its API key', async () => {
    const proc = runTs('server/main.ts', [], { TYPESENSE_URL: 'http://127.0.0.1:8108', LOG_LEVEL: 'silent' });
    const { code } = await proc.exited;
    assert.notEqual(code, 0);
    assert.match(proc.stderr(), /TYPESENSE_API_KEY/);
  });

  it('starts on the embedded store with no services and shuts down cleanly on SIGTERM', async function () {
    this.timeout(60_000);
    const dataDir = await makeTempDir('main');
    const proc = runTs('server/main.ts', [], { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    try {
      const [, url] = await proc.waitFor(/Rongtong listening on (http:\/\/\S+)/);
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(((await health.json()) as { dependencies: { store: { mode: string } } }).dependencies.store.mode, 'embedded');
      assert.match(await (await fetch(`${url}/`)).text(), /融通/);
      proc.child.kill('SIGTERM');
      const { code } = await proc.exited;
      assert.equal(code, 0);
      assert.match(proc.stdout(), /shutdown complete/);
    } finally {
      proc.child.kill('SIGKILL');
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
