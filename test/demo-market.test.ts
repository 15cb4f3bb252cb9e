import assert from 'node:assert/strict';
import { anonymousAgent, signIn, type SignedIn } from './support/agents';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { beijingDay } from '../server/core/time';
import { isValidCreditCode } from '../server/organisations';
import { DEMO_PASSWORD, seedDemoAccounts } from '../seeds/demo-accounts.seed';
import { demoMarket, removeDemoMarket, seedDemoMarket, type DemoMarket } from '../seeds/demo-market.seed';

/** Text as EJS prints it, to look for a title in a page. */
function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

/** A page's text without search highlights, which split titles into pieces. */
function pageText(response: { text: string }): string {
  return response.text.replace(/<\/?mark>/g, '');
}

const today = () => beijingDay(new Date());

describe('demo marketplace', () => {
  let test: TestPlatform;
  let market: DemoMarket;
  let anonymous: SignedIn;

  const db = () => test.platform.store.connection.db!;
  const features = () => test.platform.features;
  const organisation = (id: string) => market.organisations.find((candidate) => candidate.id === id)!;
  const need = (id: string) => market.needs.find((candidate) => candidate.id === id)!;
  const capability = (id: string) => market.capabilities.find((candidate) => candidate.id === id)!;
  const demoAdmin = (id: string) => signIn(test.app, { email: organisation(id).contact.email, password: DEMO_PASSWORD });

  async function needId(title: string): Promise<string> {
    const record = await db().collection('needs').findOne({ title });
    assert.ok(record, `no need titled ${title}`);
    return record._id.toHexString();
  }

  /** How many records of the demo organisations each collection holds. */
  async function demoRecords(): Promise<Record<string, number>> {
    const organisations = await db()
      .collection('organisations')
      .find({ creditCode: { $in: market.organisations.map((entry) => entry.creditCode) } })
      .toArray();
    const owned = { organisationId: { $in: organisations.map((record) => record._id.toHexString()) } };
    const counts: Record<string, number> = { organisations: organisations.length };
    for (const name of ['users', 'qualifications', 'stored_files', 'capabilities', 'needs']) counts[name] = await db().collection(name).countDocuments(owned);
    return counts;
  }

  /** Documents per collection, but for the logs, which a reload rightly adds to. */
  async function collectionSizes(): Promise<Record<string, number>> {
    const sizes: Record<string, number> = {};
    for (const { name } of await db().listCollections().toArray()) {
      if (name !== 'audit_log' && name !== 'outbox') sizes[name] = await db().collection(name).countDocuments();
    }
    return sizes;
  }

  async function searchable(collection: string): Promise<number> {
    const result = await test.platform.search.client.collections(collection).documents().search({ q: '*', query_by: 'title' });
    return result.found;
  }

  before(async function () {
    this.timeout(300_000);
    market = demoMarket();
    test = await startTestPlatform();
    await seedDemoAccounts(features());
    const counts = await seedDemoMarket(features(), { dataDir: test.dataDir });
    assert.deepEqual(
      { organisations: counts.organisations, people: counts.people, capabilities: counts.capabilities, needs: counts.needs },
      { organisations: market.organisations.length, people: market.organisations.length, capabilities: market.capabilities.length, needs: market.needs.length },
    );
    anonymous = await anonymousAgent(test.app);
  });

  after(async () => {
    await test?.close();
  });

  it('describes organisations with valid credit codes, regions and distinct contacts', () => {
    const regions = features().regions.service;
    for (const entry of market.organisations) {
      assert.ok(isValidCreditCode(entry.creditCode), `${entry.name}: ${entry.creditCode}`);
      assert.ok(regions.isValid(entry.province, entry.city), `${entry.name}: ${entry.province} ${entry.city}`);
    }
    assert.equal(new Set(market.organisations.map((entry) => entry.creditCode)).size, market.organisations.length);
    assert.equal(new Set(market.organisations.map((entry) => entry.contact.email)).size, market.organisations.length);
  });

  it('lists every demo organisation as verified, with qualifications valid today', async () => {
    const directory = await anonymous.agent.get('/organisations').expect(200);
    for (const entry of market.organisations) assert.ok(directory.text.includes(html(entry.name)), `${entry.name} is not in the directory`);

    const qualifications = await db().collection('qualifications').find({ status: 'verified' }).toArray();
    assert.ok(qualifications.length > market.organisations.length);
    for (const record of qualifications) assert.ok(record.expiresOn >= today() && record.issuedOn <= today(), `${record.certificateNumber}: ${record.issuedOn}–${record.expiresOn}`);

    // Unverified in the data set: recorded, waiting for the organiser.
    const beidou = await db().collection('organisations').findOne({ creditCode: organisation('o28').creditCode });
    const pending = await db().collection('qualifications').findOne({ organisationId: beidou!._id.toHexString(), type: 'secrecy' });
    assert.equal(pending?.status, 'pending');
    const profile = await anonymous.agent.get(`/organisations/${beidou!._id.toHexString()}`).expect(200);
    assert.match(profile.text, /高新技术企业/);
    assert.doesNotMatch(profile.text, /保密资格/);
  });

  it('publishes every need with a future response deadline, military units’ needs after the organiser’s review', async () => {
    const records = await db().collection('needs').find({ title: { $in: market.needs.map((entry) => entry.title) } }).toArray();
    assert.equal(records.length, market.needs.length);
    for (const record of records) {
      assert.equal(record.status, 'published', record.title);
      assert.ok(record.responseDeadline.getTime() > Date.now(), record.title);
    }
    const reviewed = records.filter((record) => record.organisation.kind === 'military-unit');
    assert.ok(reviewed.length > 0);
    for (const record of reviewed) assert.ok(record.revisions.some((revision: { action: string }) => revision.action === 'review-approved'), record.title);
  });

  it('shows the demo capabilities and counts on the home page', async () => {
    const home = await anonymous.agent.get('/').expect(200);
    const shown = market.capabilities.filter((entry) => home.text.includes(html(entry.title)));
    assert.ok(shown.length >= 3, `only ${shown.length} demo capabilities on the home page`);
    assert.match(home.text, new RegExp(`<strong>${market.capabilities.length}</strong>`));
    // Everything but the invitation-only needs is findable by anyone.
    const findable = market.needs.filter((entry) => entry.visibility !== 'invited').length;
    assert.match(home.text, new RegExp(`<strong>${findable}</strong>`));
  });

  it('finds demo listings with Chinese queries on /search', async () => {
    const capabilities = await anonymous.agent.get('/search').query({ tab: 'capabilities', q: '液压减震器' }).expect(200);
    assert.ok(pageText(capabilities).includes(html(capability('c037').title)));
    const needs = await anonymous.agent.get('/search').query({ q: '机械化桥' }).expect(200);
    assert.ok(pageText(needs).includes(html(need('n09').title)));
    const organisations = await anonymous.agent.get('/search').query({ tab: 'organisations', q: '伺服' }).expect(200);
    assert.ok(pageText(organisations).includes(html(organisation('o23').name)));
  });

  it('keeps restricted demo needs from anonymous visitors', async () => {
    // `qualified`: anyone finds the summary; the details only for holders of the required qualifications.
    const qualified = need('n03');
    assert.equal(qualified.visibility, 'qualified');
    const qualifiedId = await needId(qualified.title);
    const detail = '视轴稳定精度优于20μrad';
    assert.ok(qualified.description.includes(detail));
    const summary = await anonymous.agent.get(`/needs/${qualifiedId}`).expect(200);
    assert.ok(summary.text.includes(html(qualified.summary)));
    assert.ok(!summary.text.includes(detail));
    const byDetail = await anonymous.agent.get('/search').query({ q: '视轴稳定精度' }).expect(200);
    assert.ok(!pageText(byDetail).includes(html(qualified.title)), 'a restricted description must not be searchable');
    const supplier = await demoAdmin('o46');
    assert.ok((await supplier.agent.get(`/needs/${qualifiedId}`).expect(200)).text.includes(detail));

    // `registered`: the summary for anonymous visitors.
    const registered = need('n07');
    assert.equal(registered.visibility, 'registered');
    const registeredPage = await anonymous.agent.get(`/needs/${await needId(registered.title)}`).expect(200);
    assert.ok(!registeredPage.text.includes('单节点速率不低于20Mbps'));

    // `invited`: not even found by anybody but the invited organisations.
    const invited = need('n06');
    assert.equal(invited.visibility, 'invited');
    const invitedId = await needId(invited.title);
    await anonymous.agent.get(`/needs/${invitedId}`).expect(404);
    const search = await anonymous.agent.get('/search').query({ q: '北斗三号' }).expect(200);
    assert.ok(!pageText(search).includes(html(invited.title)));
    const guest = await demoAdmin(invited.invited[0]!);
    assert.ok((await guest.agent.get(`/needs/${invitedId}`).expect(200)).text.includes('干信比不低于80dB'));
  });

  it('changes nothing when it runs again', async () => {
    const before = await demoRecords();
    const again = await seedDemoMarket(features(), { dataDir: test.dataDir });
    assert.deepEqual(again, { organisations: 0, people: 0, qualifications: 0, capabilities: 0, needs: 0 });
    assert.deepEqual(await demoRecords(), before);
  });

  it('reloads (npm run seed:demo) without duplicating records or search documents', async function () {
    this.timeout(300_000);
    const before = await demoRecords();
    const sizes = await collectionSizes();
    const oldNeed = await needId(need('n09').title);
    const capabilityDocuments = await searchable('capabilities');
    const needDocuments = await searchable('needs');

    const removed = await removeDemoMarket({ connection: test.platform.store.connection, features: features() });
    assert.equal(removed.organisations, market.organisations.length);
    assert.deepEqual(Object.values(await demoRecords()), [0, 0, 0, 0, 0, 0]);
    assert.equal(await searchable('capabilities'), capabilityDocuments - market.capabilities.length);

    await seedDemoMarket(features(), { dataDir: test.dataDir });
    assert.deepEqual(await demoRecords(), before);
    assert.deepEqual(await collectionSizes(), sizes, 'a reload leaves exactly one copy of everything');
    assert.equal(await searchable('capabilities'), capabilityDocuments);
    assert.equal(await searchable('needs'), needDocuments);
    await anonymous.agent.get(`/needs/${oldNeed}`).expect(404);
    const found = await anonymous.agent.get('/search').query({ q: '机械化桥' }).expect(200);
    assert.ok(found.text.includes(`/needs/${await needId(need('n09').title)}`));
  });
});
