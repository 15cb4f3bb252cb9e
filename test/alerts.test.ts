import assert from 'node:assert/strict';
import { createOrganisation, createPerson, type SignedIn } from './support/agents';
import { marketplace } from './support/marketplace';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { startEmbeddedTypesense, type EmbeddedTypesense } from '../search/embedded';
import type { Actor } from '../server/core/actor';
import type { Organisation } from '../server/organisations';

describe('alerts: subscriptions, daily digests and strong-match notices', () => {
  let test: TestPlatform;
  let organiserActor: Actor;
  let market: ReturnType<typeof marketplace>;
  let owner: SignedIn;
  let ownerOrganisation: Organisation;
  let subscriber: SignedIn;
  let subscriberOrganisation: Organisation;
  let qualifiedSupplier: SignedIn;
  let qualifiedOrganisation: Organisation;
  let outsider: Organisation;
  // An engine of the test's own, so one test can stop it and start it again.
  const apiKey = 'alerts-test-key';
  let engine: EmbeddedTypesense;

  const db = () => test.platform.store.connection.db!;
  const alerts = () => test.platform.features.alerts.service;

  async function notificationsOf(organisationId: string, topic: string) {
    return db().collection('notifications').find({ organisationId, topic }).sort({ createdAt: 1, _id: 1 }).toArray();
  }

  async function mailsTo(email: string): Promise<string> {
    return (await db().collection('outbox').find({ to: email }).toArray()).map((mail) => `${mail.subject}\n${mail.text}`).join('\n----\n');
  }

  before(async function () {
    this.timeout(180_000);
    engine = await startEmbeddedTypesense({ apiKey });
    test = await startTestPlatform({ TYPESENSE_URL: engine.url, TYPESENSE_API_KEY: apiKey });
    market = marketplace(test, () => organiserActor);
    const office = await createOrganisation(test.platform, { kind: 'government', name: '订阅测试军民融合办公室' });
    const organiser = await createPerson(test.platform, { roles: ['org-member', 'organiser'], organisationId: office.id });
    organiserActor = { id: organiser.id, roles: organiser.roles, organisationId: office.id };
    await test.platform.features.organisations.service.setVerification(organiserActor, office.id, 'verified', '');

    ownerOrganisation = await market.verifiedOrganisation('订阅测试军工集团', 'defence-enterprise');
    subscriberOrganisation = await market.verifiedOrganisation('订阅测试复材公司', 'enterprise');
    qualifiedOrganisation = await market.verifiedOrganisation('订阅测试保密资质公司', 'enterprise');
    outsider = await market.verifiedOrganisation('订阅测试受邀单位', 'enterprise');
    owner = await market.memberOf(ownerOrganisation);
    subscriber = await market.memberOf(subscriberOrganisation);
    qualifiedSupplier = await market.memberOf(qualifiedOrganisation);
    await market.holdSecrecy(qualifiedSupplier, '2', 'BM-ALERTS-1');
  });

  after(async () => {
    await test?.close();
    await engine?.close();
  });

  describe('the subscription form', () => {
    it('refuses a subscription that asks for nothing, keeping what was typed', async () => {
      const refused = await subscriber.post('/organisation/alerts', { enabled: 'on', watch: 'needs', keywords: '' });
      assert.equal(refused.status, 422);
      assert.match(refused.text, /请至少选择一个产业方向或填写一个关键词/);
      const unknown = await subscriber.post('/organisation/alerts', { enabled: 'on', watch: 'needs', leaves: 'nowhere.nothing', keywords: '北斗' });
      assert.equal(unknown.status, 422);
      assert.match(unknown.text, /北斗/);
    });

    it('saves leaves, keywords and what to watch', async () => {
      await subscriber.post('/organisation/alerts', { enabled: 'on', watch: ['needs', 'capabilities'], leaves: 'aerospace.uav', keywords: '北斗、 旋翼 ,旋翼' }).expect(303);
      const page = await subscriber.agent.get('/organisation/alerts').expect(200);
      assert.match(page.text, /value="aerospace.uav" checked/);
      assert.match(page.text, /北斗、旋翼/);
      assert.deepEqual(await alerts().subscription({ id: 'x', roles: ['org-member'], organisationId: subscriberOrganisation.id }), {
        enabled: true,
        leaves: ['aerospace.uav'],
        keywords: ['北斗', '旋翼'],
        watch: ['needs', 'capabilities'],
        lastDigestAt: null,
      });
    });
  });

  describe('the daily digest', () => {
    it('lists new listings the subscription asks for, never a need the organisation may not find', async () => {
      const open = await market.publishNeed(owner, { title: '无人机数据链订阅测试需求', qualifications: [], minTrl: '' });
      const qualifiedOnly = await market.publishNeed(owner, { title: '保密旋翼订阅测试需求', visibility: 'qualified', industries: ['materials.composites'] });
      const invitedOnly = await market.publishNeed(owner, {
        title: '邀请制旋翼订阅测试需求',
        summary: '邀请制需求摘要，仅受邀单位可见。',
        visibility: 'invited',
        invitedCreditCodes: outsider.creditCode,
      });
      const elsewhere = await market.publishNeed(owner, { title: '与订阅无关的服装需求', summary: '采购一批作训服，要求透气耐磨。', industries: ['protective.cbrn'], qualifications: [], minTrl: '' });
      const capability = await market.publishCapability(qualifiedSupplier, { title: '北斗定位终端订阅测试', summary: '北斗高精度定位终端。', industries: ['satellite.navigation'] });

      const result = await alerts().sendDigests(new Date());
      assert.ok(result.sent >= 1);
      const [digest] = await notificationsOf(subscriberOrganisation.id, 'alert.digest');
      assert.ok(digest, 'a digest was sent');
      assert.match(digest.body, /无人机数据链订阅测试需求/, 'filed under a subscribed leaf');
      assert.match(digest.body, /保密旋翼订阅测试需求/, 'a keyword in the title; the summary of a qualified-only need is for every finder');
      assert.match(digest.body, /北斗定位终端订阅测试/, 'a capability naming a keyword');
      assert.doesNotMatch(digest.body, /邀请制旋翼订阅测试需求/, 'an invitation-only need the subscriber was not invited to');
      assert.doesNotMatch(digest.body, /服装需求/);
      const mail = await mailsTo(subscriberOrganisation.contact.email);
      assert.match(mail, /订阅动态/);
      assert.doesNotMatch(mail, /邀请制旋翼订阅测试需求|邀请制需求摘要/);
      for (const id of [open, qualifiedOnly, invitedOnly, elsewhere, capability]) assert.match(id, /^[a-f0-9]{24}$/);
    });

    it('sends at most one digest a day and then only what is new', async () => {
      const now = new Date();
      await alerts().sendDigests(new Date(now.getTime() + 60_000));
      assert.equal((await notificationsOf(subscriberOrganisation.id, 'alert.digest')).length, 1);
      await market.publishNeed(owner, { title: '次日无人机订阅测试需求', qualifications: [], minTrl: '' });
      await alerts().sendDigests(new Date(now.getTime() + 25 * 3_600_000));
      const digests = await notificationsOf(subscriberOrganisation.id, 'alert.digest');
      assert.equal(digests.length, 2);
      assert.match(digests[1]!.body, /次日无人机订阅测试需求/);
      assert.doesNotMatch(digests[1]!.body, /无人机数据链订阅测试需求/);
    });

    it('sends nothing to an organisation that turned its digest off', async () => {
      await subscriber.post('/organisation/alerts', { watch: 'needs', leaves: 'aerospace.uav' }).expect(303);
      await market.publishNeed(owner, { title: '关闭后无人机订阅测试需求', qualifications: [], minTrl: '' });
      await alerts().sendDigests(new Date(Date.now() + 50 * 3_600_000));
      assert.equal((await notificationsOf(subscriberOrganisation.id, 'alert.digest')).length, 2);
    });
  });

  describe('strong-match notices', () => {
    it('tells a supplier at once when a new need fits its capability, if it may find the need', async () => {
      await alerts().processPublications();
      const capability = await market.publishCapability(qualifiedSupplier, { title: '舰载无人机碳纤维复合材料旋翼' });
      await alerts().processPublications();
      const before = (await notificationsOf(qualifiedOrganisation.id, 'alert.strong-need')).length;
      const need = await market.publishNeed(owner, { title: '舰载无人机复合材料旋翼（强匹配测试）' });
      const hidden = await market.publishNeed(owner, {
        title: '舰载无人机复合材料旋翼（邀请制强匹配测试）',
        summary: '邀请制强匹配摘要，仅受邀单位可见。',
        visibility: 'invited',
        invitedCreditCodes: outsider.creditCode,
      });
      const result = await alerts().processPublications();
      assert.ok(result.processed >= 2);
      const notices = (await notificationsOf(qualifiedOrganisation.id, 'alert.strong-need')).slice(before);
      assert.equal(notices.length, 1, JSON.stringify(notices.map((notice) => notice.title)));
      assert.equal(notices[0]!.link, `/needs/${need}`);
      assert.match(notices[0]!.body, new RegExp('舰载无人机碳纤维复合材料旋翼'));
      const mail = await mailsTo(qualifiedOrganisation.contact.email);
      assert.doesNotMatch(mail, /邀请制强匹配/);
      assert.doesNotMatch(JSON.stringify(await db().collection('notifications').find({ organisationId: qualifiedOrganisation.id }).toArray()), new RegExp(hidden));
      assert.match(capability, /^[a-f0-9]{24}$/);
    });

    it('tells a need’s owner when a new capability fits the need', async () => {
      await alerts().processPublications();
      const before = (await notificationsOf(ownerOrganisation.id, 'alert.strong-capability')).length;
      const capability = await market.publishCapability(qualifiedSupplier, { title: '舰载无人机复合材料旋翼总成（新品）' });
      await alerts().processPublications();
      const notices = (await notificationsOf(ownerOrganisation.id, 'alert.strong-capability')).slice(before);
      assert.ok(notices.length >= 1);
      assert.ok(notices.every((notice) => /^\/needs\/[a-f0-9]{24}\/matches$/.test(notice.link)));
      assert.ok(notices.some((notice) => notice.title.includes('舰载无人机复合材料旋翼总成（新品）')));
      assert.match(capability, /^[a-f0-9]{24}$/);
    });

    it('keeps a publication to tell until the search engine answers', async () => {
      await alerts().processPublications();
      const port = engine.port;
      await engine.close();
      await market.publishNeed(owner, { title: '搜索停机时发布的无人机旋翼需求' });
      const during = await alerts().processPublications();
      assert.deepEqual(during, { processed: 0, notified: 0, failed: 1 });
      assert.ok(await db().collection('publication_events').findOne({ processedAt: null }), 'the event waits');
      // A restarted in-memory engine comes back empty: the reconcile job rebuilds it from MongoDB.
      engine = await startEmbeddedTypesense({ apiKey, port });
      await test.platform.features.indexer.ensureCollections();
      await test.platform.features.indexer.reconcile();
      const before = (await notificationsOf(qualifiedOrganisation.id, 'alert.strong-need')).length;
      const after = await alerts().processPublications({ now: new Date(Date.now() + 11 * 60_000) });
      assert.equal(after.processed, 1);
      assert.equal(await db().collection('publication_events').countDocuments({ processedAt: null }), 0);
      assert.equal((await notificationsOf(qualifiedOrganisation.id, 'alert.strong-need')).length, before + 1, 'the delayed notice went out');
    });
  });
});
