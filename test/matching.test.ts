import assert from 'node:assert/strict';
import { anonymousAgent, createOrganisation, createPerson, signInAs, type SignedIn } from './support/agents';
import { marketplace } from './support/marketplace';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { elfExecutable, minimalPdf, postMultipart } from './support/uploads';
import type { Actor } from '../server/core/actor';
import type { Organisation } from '../server/organisations';

describe('matching: matches, responses and the inbox', () => {
  let test: TestPlatform;
  let organiserActor: Actor;
  let organiser: SignedIn;
  let owner: SignedIn;
  let ownerOrganisation: Organisation;
  let qualified: SignedIn;
  let qualifiedOrganisation: Organisation;
  let unqualified: SignedIn;
  let unqualifiedOrganisation: Organisation;
  let bystander: SignedIn;
  let needId: string;
  let qualifiedCapabilityId: string;
  let unqualifiedCapabilityId: string;

  const db = () => test.platform.store.connection.db!;
  let verifiedOrganisation: ReturnType<typeof marketplace>['verifiedOrganisation'];
  let memberOf: ReturnType<typeof marketplace>['memberOf'];
  let holdSecrecy: ReturnType<typeof marketplace>['holdSecrecy'];
  let publishCapability: ReturnType<typeof marketplace>['publishCapability'];
  let publishNeed: ReturnType<typeof marketplace>['publishNeed'];
  let inboxTopics: ReturnType<typeof marketplace>['inboxTopics'];

  function threadIdFrom(location: string | undefined): string {
    const match = /^\/responses\/([a-f0-9]{24})/.exec(location ?? '');
    assert.ok(match, `expected a redirect to a response thread, got ${location}`);
    return match[1]!;
  }

  before(async function () {
    this.timeout(180_000);
    test = await startTestPlatform();
    ({ verifiedOrganisation, memberOf, holdSecrecy, publishCapability, publishNeed, inboxTopics } = marketplace(test, () => organiserActor));
    const office = await createOrganisation(test.platform, { kind: 'government', name: '测试军民融合办公室' });
    const organiserPerson = await createPerson(test.platform, { roles: ['org-member', 'organiser'], organisationId: office.id });
    organiserActor = { id: organiserPerson.id, roles: organiserPerson.roles, organisationId: office.id };
    await test.platform.features.organisations.service.setVerification(organiserActor, office.id, 'verified', '');
    organiser = await signInAs(test.app, organiserPerson);

    ownerOrganisation = await verifiedOrganisation('匹配测试军工集团', 'defence-enterprise');
    qualifiedOrganisation = await verifiedOrganisation('有资质复材公司', 'enterprise');
    unqualifiedOrganisation = await verifiedOrganisation('无资质复材公司', 'enterprise');
    owner = await memberOf(ownerOrganisation);
    qualified = await memberOf(qualifiedOrganisation);
    unqualified = await memberOf(unqualifiedOrganisation);
    bystander = await memberOf(await verifiedOrganisation('旁观单位', 'enterprise'));

    await holdSecrecy(qualified, '2', 'BM-MATCH-1');
    qualifiedCapabilityId = await publishCapability(qualified);
    unqualifiedCapabilityId = await publishCapability(unqualified, { title: '碳纤维复合材料旋翼桨叶', summary: '舰载无人机碳纤维复合材料旋翼桨叶，耐盐雾。' });
    // A good text fit below the required TRL: neither a match nor a near miss for qualifications.
    await publishCapability(bystander, { title: '复合材料旋翼样件', summary: '实验室阶段的复合材料旋翼样件，用于无人机。', trl: '3' });
    needId = await publishNeed(owner);
  });

  after(async () => {
    await test?.close();
  });

  describe('matches for a need', () => {
    it('lists only eligible capabilities, explains why, and names what keeps the near misses out', async () => {
      const page = await owner.agent.get(`/needs/${needId}/matches`).expect(200);
      assert.match(page.text, new RegExp(`/capabilities/${qualifiedCapabilityId}`));
      const matchesSection = page.text.split('class="near-misses"')[0]!;
      assert.doesNotMatch(matchesSection, new RegExp(`/capabilities/${unqualifiedCapabilityId}`), 'an ineligible capability is never a match');
      assert.doesNotMatch(matchesSection, /复合材料旋翼样件/, 'a capability below the minimum TRL is never a match');
      // Reasons: matched words, the shared industry, each requirement met, and the score's parts.
      assert.match(matchesSection, /<mark>(复合|材料|舰载)<\/mark>/);
      assert.match(matchesSection, /相同产业方向：[^<]*无人机/);
      assert.match(matchesSection, /✓ [^<]*保密资格/);
      assert.match(matchesSection, /✓ 技术成熟度不低于 TRL 6/);
      assert.match(matchesSection, /<svg class="score-bar"/);
      // The near miss names the missing qualification.
      const nearMisses = page.text.split('class="near-misses"')[1] ?? '';
      assert.match(nearMisses, new RegExp(`/capabilities/${unqualifiedCapabilityId}`));
      assert.match(nearMisses, /缺少：[^<]*保密资格[^<]*未持有/);
    });

    it('shows a need’s matches to its organisation and the organisers, to nobody else', async () => {
      await organiser.agent.get(`/needs/${needId}/matches`).expect(200);
      await qualified.agent.get(`/needs/${needId}/matches`).expect(404);
      const anonymous = await anonymousAgent(test.app);
      await anonymous.agent.get(`/needs/${needId}/matches`).expect(401);
    });

    it('follows qualification decisions: a newly verified qualification makes a supplier eligible', async () => {
      const late = await verifiedOrganisation('后补资质复材公司', 'enterprise');
      const lateAgent = await memberOf(late);
      const capabilityId = await publishCapability(lateAgent, { title: '舰载无人机复合材料旋翼总成' });
      const before = await owner.agent.get(`/needs/${needId}/matches`).expect(200);
      assert.doesNotMatch(before.text.split('class="near-misses"')[0]!, new RegExp(`/capabilities/${capabilityId}`));
      await holdSecrecy(lateAgent, '3', 'BM-MATCH-LATE');
      const after = await owner.agent.get(`/needs/${needId}/matches`).expect(200);
      assert.match(after.text.split('class="near-misses"')[0]!, new RegExp(`/capabilities/${capabilityId}`));
    });
  });

  describe('matches for a capability', () => {
    it('lists the open needs the supplier could answer, and to the unqualified the qualification it lacks', async () => {
      const page = await qualified.agent.get(`/capabilities/${qualifiedCapabilityId}/matches`).expect(200);
      assert.match(page.text, new RegExp(`/needs/${needId}"`));
      assert.match(page.text, new RegExp(`/needs/${needId}/respond\\?capability=${qualifiedCapabilityId}`));
      const lacking = await unqualified.agent.get(`/capabilities/${unqualifiedCapabilityId}/matches`).expect(200);
      const [matches, nearMisses = ''] = lacking.text.split('class="near-misses"');
      assert.doesNotMatch(matches!, new RegExp(`/needs/${needId}/respond`));
      assert.match(nearMisses, new RegExp(`/needs/${needId}"`));
      assert.match(nearMisses, /贵单位缺少：[^<]*保密资格/);
    });

    it('never lists a need the supplier may not find, nor leaks its details', async () => {
      const hiddenId = await publishNeed(owner, {
        title: '邀请制复合材料旋翼需求',
        summary: '邀请制复合材料旋翼需求摘要。',
        description: '仅受邀单位可见的复合材料旋翼细节：桨叶弦长 210 毫米。',
        visibility: 'invited',
        invitedCreditCodes: qualifiedOrganisation.creditCode,
      });
      const invitedView = await qualified.agent.get(`/capabilities/${qualifiedCapabilityId}/matches`).expect(200);
      assert.match(invitedView.text, new RegExp(`/needs/${hiddenId}"`));
      const outsiderView = await unqualified.agent.get(`/capabilities/${unqualifiedCapabilityId}/matches`).expect(200);
      assert.doesNotMatch(outsiderView.text, new RegExp(hiddenId));
      assert.doesNotMatch(outsiderView.text, /邀请制复合材料旋翼需求|桨叶弦长/);
    });

    it('is only for the capability’s own organisation', async () => {
      await unqualified.agent.get(`/capabilities/${qualifiedCapabilityId}/matches`).expect(404);
    });
  });

  describe('the response pipeline', () => {
    let invitedThread: string;
    let respondedThread: string;

    it('lets the owner invite a matched supplier, notifying it in the inbox and by e-mail', async () => {
      const invited = await owner.post(`/needs/${needId}/invitations`, { supplierOrganisationId: qualifiedOrganisation.id, capabilityId: qualifiedCapabilityId });
      assert.equal(invited.status, 303, invited.text.slice(0, 800));
      const thread = await db().collection('response_threads').findOne({ needId, supplierOrganisationId: qualifiedOrganisation.id });
      assert.equal(thread?.status, 'invited');
      invitedThread = thread!._id.toHexString();
      assert.deepEqual(await inboxTopics(qualifiedOrganisation.id), ['response.invited']);
      const inbox = await qualified.agent.get('/inbox').expect(200);
      assert.match(inbox.text, new RegExp(`/responses/${invitedThread}`));
      assert.ok(await db().collection('outbox').findOne({ to: qualifiedOrganisation.contact.email, subject: /邀请您响应需求/ }));
      assert.ok(await db().collection('audit_log').findOne({ action: 'response.invited', 'target.id': needId }));
      // Twice is refused, and nobody else may invite.
      await owner.post(`/needs/${needId}/invitations`, { supplierOrganisationId: qualifiedOrganisation.id }).expect(409);
      await bystander.post(`/needs/${needId}/invitations`, { supplierOrganisationId: unqualifiedOrganisation.id }).expect(404);
    });

    it('refuses to invite an organisation that may not see the need', async () => {
      const hiddenId = await publishNeed(owner, { title: '仅邀请可见的旋翼需求', visibility: 'invited', invitedCreditCodes: qualifiedOrganisation.creditCode });
      const refused = await owner.post(`/needs/${hiddenId}/invitations`, { supplierOrganisationId: unqualifiedOrganisation.id });
      assert.equal(refused.status, 422);
      assert.match(refused.text, /无权查看此需求/);
      assert.equal(await db().collection('response_threads').countDocuments({ needId: hiddenId }), 0);
    });

    it('lets the invited supplier respond with a proposal; the owner is told', async () => {
      const form = await qualified.agent.get(`/needs/${needId}/respond?capability=${qualifiedCapabilityId}`).expect(200);
      assert.match(form.text, /name="proposal"/);
      const blank = await qualified.post(`/needs/${needId}/responses`, { proposal: '短', capabilityId: qualifiedCapabilityId, declaration: 'on' });
      assert.equal(blank.status, 422);
      const response = await qualified.post(`/needs/${needId}/responses`, { proposal: '可提供 20 套碳纤维复合材料旋翼，45 天交付。', capabilityId: qualifiedCapabilityId, declaration: 'on' });
      assert.equal(response.status, 303, response.text.slice(0, 800));
      respondedThread = threadIdFrom(response.headers.location);
      assert.equal(respondedThread, invitedThread, 'the invitation’s thread carries the response');
      const thread = await owner.agent.get(`/responses/${respondedThread}`).expect(200);
      assert.match(thread.text, /已响应/);
      assert.match(thread.text, /45 天交付/);
      assert.ok((await inboxTopics(ownerOrganisation.id)).includes('response.responded'));
    });

    it('counts answered invitations as responsiveness in the index and among the preferences a match meets', async () => {
      const document = await test.platform.search.client.collections('capabilities').documents(qualifiedCapabilityId).retrieve();
      assert.equal((document as { responsiveness?: number }).responsiveness, 100);
      const page = await owner.agent.get(`/needs/${needId}/matches`).expect(200);
      const card = page.text.split('class="match card"').find((part) => part.includes(`/capabilities/${qualifiedCapabilityId}`))!;
      assert.match(card, /符合偏好：[^<]*响应积极/);
      // Invited and not yet answered: no record of answering either way.
      const silent = await verifiedOrganisation('未回复邀请复材公司', 'enterprise');
      const silentAgent = await memberOf(silent);
      await holdSecrecy(silentAgent, '3', 'BM-MATCH-SILENT');
      const silentCapability = await publishCapability(silentAgent, { title: '舰载无人机复合材料旋翼（未回复）' });
      await owner.post(`/needs/${needId}/invitations`, { supplierOrganisationId: silent.id, capabilityId: silentCapability }).expect(303);
      const unanswered = await test.platform.search.client.collections('capabilities').documents(silentCapability).retrieve();
      assert.equal((unanswered as { responsiveness?: number }).responsiveness, 0);
    });

    it('refuses a response from an organisation that does not meet the qualification requirement', async () => {
      const refused = await unqualified.post(`/needs/${needId}/responses`, { proposal: '我们也能做复合材料旋翼，交付期 60 天。', declaration: 'on' });
      assert.equal(refused.status, 422);
      assert.match(refused.text, /不满足该需求的硬性要求/);
      assert.equal(await db().collection('response_threads').countDocuments({ needId, supplierOrganisationId: unqualifiedOrganisation.id }), 0);
    });

    it('holds a proposal carrying a classification marking', async () => {
      const other = await publishNeed(owner, { title: '复合材料旋翼维修保障', qualifications: [], minTrl: '' });
      const marked = await unqualified.post(`/needs/${other}/responses`, { proposal: '附件为绝密级技术方案，请查收。', declaration: 'on' });
      assert.equal(marked.status, 422);
      assert.match(marked.text, /绝密/);
      assert.equal(await db().collection('response_threads').countDocuments({ needId: other }), 0);
    });

    it('moves through shortlist, talks and selection by the owner only, audited and notified', async () => {
      // The supplier cannot shortlist itself; an outsider cannot see the thread.
      await qualified.post(`/responses/${respondedThread}/status`, { action: 'shortlist' }).expect(409);
      await bystander.agent.get(`/responses/${respondedThread}`).expect(404);
      await bystander.post(`/responses/${respondedThread}/status`, { action: 'shortlist' }).expect(404);
      for (const [action, status] of [
        ['shortlist', 'shortlisted'],
        ['talks', 'in_talks'],
        ['select', 'selected'],
      ] as const) {
        await owner.post(`/responses/${respondedThread}/status`, { action }).expect(303);
        const thread = await db().collection('response_threads').findOne({ _id: (await db().collection('response_threads').findOne({ needId, supplierOrganisationId: qualifiedOrganisation.id }))!._id });
        assert.equal(thread?.status, status);
        assert.ok(await db().collection('audit_log').findOne({ action: `response.${status}`, 'target.id': respondedThread }));
      }
      assert.deepEqual((await inboxTopics(qualifiedOrganisation.id)).slice(-3), ['response.shortlisted', 'response.in_talks', 'response.selected']);
      // A step that is no longer possible is refused, not applied twice.
      await owner.post(`/responses/${respondedThread}/status`, { action: 'shortlist' }).expect(409);
      await owner.post(`/responses/${respondedThread}/outcome`, { intentSigned: 'on', contractValue: '1,200,000' }).expect(303);
      const thread = await db().collection('response_threads').findOne({ needId, supplierOrganisationId: qualifiedOrganisation.id });
      assert.equal(thread?.outcome?.intentSigned, true);
      assert.equal(thread?.outcome?.contractValue, 1_200_000);
    });

    it('keeps a shared message thread both sides see; organisers may read it', async () => {
      await qualified.post(`/responses/${respondedThread}/messages`, { body: '样件可于下周寄出。' }).expect(303);
      await owner.post(`/responses/${respondedThread}/messages`, { body: '请寄至青岛。<script>alert(1)</script>' }).expect(303);
      for (const agent of [owner, qualified, organiser]) {
        const page = await agent.agent.get(`/responses/${respondedThread}`).expect(200);
        assert.match(page.text, /样件可于下周寄出/);
        assert.match(page.text, /请寄至青岛。&lt;script&gt;/);
        assert.doesNotMatch(page.text, /<script>alert/);
      }
      await owner.post(`/responses/${respondedThread}/messages`, { body: '' }).expect(422);
    });

    it('shares attachments between the two sides only, checked by content and audited on download', async () => {
      const pdf = minimalPdf('proposal annex');
      await postMultipart(qualified, `/responses/${respondedThread}/attachments`, { declaration: 'on' }, { field: 'file', content: pdf, filename: '技术方案.pdf' }).expect(303);
      const page = await owner.agent.get(`/responses/${respondedThread}`).expect(200);
      const href = /href="(\/responses\/[a-f0-9]{24}\/attachments\/[a-f0-9]{24})"/.exec(page.text)?.[1];
      assert.ok(href, 'the owner sees the attachment');
      const download = await owner.agent.get(href!).buffer(true).parse((res, callback) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => callback(null, Buffer.concat(chunks)));
      }).expect(200);
      assert.deepEqual(download.body, pdf);
      assert.match(String(download.headers['content-disposition']), /^attachment/);
      assert.equal(download.headers['x-content-type-options'], 'nosniff');
      assert.ok(await db().collection('audit_log').findOne({ action: 'response.attachment-downloaded', 'target.id': respondedThread }));
      await organiser.agent.get(href!).expect(200);
      await bystander.agent.get(href!).expect(404);
      const anonymous = await anonymousAgent(test.app);
      await anonymous.agent.get(href!).expect(401);
      const exe = await postMultipart(qualified, `/responses/${respondedThread}/attachments`, { declaration: 'on' }, { field: 'file', content: elfExecutable(), filename: '方案.pdf' });
      assert.equal(exe.status, 422);
      assert.match(exe.text, /只接受/);
      const marked = await postMultipart(qualified, `/responses/${respondedThread}/attachments`, { declaration: 'on' }, { field: 'file', content: pdf, filename: '绝密方案.pdf' });
      assert.equal(marked.status, 422);
      await postMultipart(bystander, `/responses/${respondedThread}/attachments`, { declaration: 'on' }, { field: 'file', content: pdf, filename: 'x.pdf' }).expect(404);
      const thread = await db().collection('response_threads').findOne({ needId, supplierOrganisationId: qualifiedOrganisation.id });
      assert.equal(thread?.attachments.length, 1);
    });

    it('lets a supplier withdraw and the owner decline only with a reason', async () => {
      const other = await publishNeed(owner, { title: '复合材料旋翼修理', qualifications: [], minTrl: '' });
      const first = await bystander.post(`/needs/${other}/responses`, { proposal: '可承担复合材料旋翼修理，两周内完成。', declaration: 'on' });
      const firstThread = threadIdFrom(first.headers.location);
      const declined = await owner.post(`/responses/${firstThread}/status`, { action: 'decline', reason: '' });
      assert.equal(declined.status, 422);
      await owner.post(`/responses/${firstThread}/status`, { action: 'decline', reason: '交付周期不满足' }).expect(303);
      const page = await bystander.agent.get(`/responses/${firstThread}`).expect(200);
      assert.match(page.text, /已婉拒/);
      assert.match(page.text, /交付周期不满足/);
      await bystander.post(`/responses/${firstThread}/messages`, { body: '收到' }).expect(409);

      const second = await unqualified.post(`/needs/${other}/responses`, { proposal: '可承担复合材料旋翼修理，三周内完成。', declaration: 'on' });
      const secondThread = threadIdFrom(second.headers.location);
      await unqualified.post(`/responses/${secondThread}/status`, { action: 'withdraw' }).expect(303);
      assert.equal((await db().collection('response_threads').findOne({ needId: other, supplierOrganisationId: unqualifiedOrganisation.id }))?.status, 'withdrawn');
      assert.ok((await inboxTopics(ownerOrganisation.id)).includes('response.withdrawn'));
    });

    it('lists each organisation’s threads on both sides', async () => {
      const ownerList = await owner.agent.get('/responses').expect(200);
      assert.match(ownerList.text, new RegExp(`/responses/${respondedThread}`));
      const supplierList = await qualified.agent.get('/responses').expect(200);
      assert.match(supplierList.text, new RegExp(`/responses/${respondedThread}`));
      const outsider = await bystander.agent.get('/responses').expect(200);
      assert.doesNotMatch(outsider.text, new RegExp(`/responses/${respondedThread}`));
    });

    it('marks the inbox read', async () => {
      const before = await qualified.agent.get('/inbox').expect(200);
      assert.match(before.text, /条未读/);
      await qualified.post('/inbox/read').expect(303);
      assert.equal(await db().collection('notifications').countDocuments({ organisationId: qualifiedOrganisation.id, readAt: null }), 0);
    });
  });
});
