import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { anonymousAgent, createOrganisation, createPerson, signInAs, type SignedIn } from './support/agents';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { elfExecutable, minimalPdf, postMultipart } from './support/uploads';
import type { Actor } from '../server/core/actor';
import type { Organisation } from '../server/organisations';

type Who = 'anonymous' | 'unverified' | 'verified' | 'qualified' | 'invited' | 'owner' | 'organiser';

const inAMonth = () => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

function needForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    kind: 'product',
    title: '舰载无人机复合材料旋翼',
    summary: '采购一批舰载无人机用复合材料旋翼，要求耐盐雾。',
    description: '## 技术要求\n\n- 耐盐雾 **500 小时**\n- 重量不超过 3 kg',
    industries: ['aerospace.uav'],
    quantity: '20 套',
    budgetMin: '50',
    budgetMax: '80',
    responseDeadline: inAMonth(),
    deliveryPlace: '青岛',
    deliveryTime: '2026 年第二季度',
    contactPerson: '赵采购',
    contactPhone: '13800138001',
    contactEmail: 'buyer@example.cn',
    visibility: 'public',
    invitedCreditCodes: '',
    declaration: 'on',
    ...overrides,
  };
}

/** Every string drawn on the PDF's pages: standard-font text is written as hex strings inside Flate streams. */
function pdfText(bytes: Buffer): string {
  const raw = bytes.toString('latin1');
  let text = raw;
  for (const match of raw.matchAll(/stream\r?\n([\s\S]*?)endstream/g)) {
    try {
      text += zlib.inflateSync(Buffer.from(match[1]!, 'latin1')).toString('latin1');
    } catch {
      // Not compressed.
    }
  }
  return text + [...text.matchAll(/<([0-9A-Fa-f]{6,})>/g)].map((match) => Buffer.from(match[1]!, 'hex').toString('latin1')).join('\n');
}

describe('needs', () => {
  let test: TestPlatform;
  let organiserActor: Actor;
  const agents = new Map<Who, SignedIn>();
  const organisations = new Map<string, Organisation>();
  let defencePoster: SignedIn;
  let civilianAgent: SignedIn;

  const db = () => test.platform.store.connection.db!;
  const needs = () => test.platform.features.needs.service;
  const searchClient = () => test.platform.search.client;

  async function verifiedOrganisation(label: string, kind: string): Promise<Organisation> {
    const organisation = await createOrganisation(test.platform, { kind, name: `${label}测试单位` });
    await test.platform.features.organisations.service.setVerification(organiserActor, organisation.id, 'verified', '');
    organisations.set(label, organisation);
    return organisation;
  }

  async function memberOf(organisation: Organisation): Promise<SignedIn> {
    return signInAs(test.app, await createPerson(test.platform, { roles: ['org-admin'], organisationId: organisation.id }));
  }

  async function post(agent: SignedIn, overrides: Record<string, string | string[]> = {}): Promise<string> {
    const response = await agent.post('/needs', needForm(overrides));
    assert.equal(response.status, 303, response.text.slice(0, 1500));
    return response.headers.location!.replace(/\?.*$/, '').split('/').pop()!;
  }

  async function indexed(id: string): Promise<boolean> {
    const result = await searchClient().collections('needs').documents().search({ q: '*', query_by: 'title', filter_by: `id:=${id}` });
    return result.found === 1;
  }

  before(async function () {
    this.timeout(180_000);
    test = await startTestPlatform();
    const office = await createOrganisation(test.platform, { kind: 'government', name: '测试军民融合办公室' });
    const organiser = await createPerson(test.platform, { roles: ['org-member', 'organiser'], organisationId: office.id });
    organiserActor = { id: organiser.id, roles: organiser.roles, organisationId: office.id };
    await test.platform.features.organisations.service.setVerification(organiserActor, office.id, 'verified', '');

    const militaryUnit = await verifiedOrganisation('部队', 'military-unit');
    const defence = await verifiedOrganisation('军工', 'defence-enterprise');
    const verified = await verifiedOrganisation('民企', 'enterprise');
    const qualified = await verifiedOrganisation('保密资质', 'enterprise');
    const invited = await verifiedOrganisation('受邀', 'enterprise');
    const unverified = await createOrganisation(test.platform, { kind: 'enterprise', name: '未认证测试单位' });
    organisations.set('未认证', unverified);

    agents.set('anonymous', await anonymousAgent(test.app));
    agents.set('unverified', await memberOf(unverified));
    agents.set('verified', await memberOf(verified));
    agents.set('qualified', await memberOf(qualified));
    agents.set('invited', await memberOf(invited));
    agents.set('owner', await memberOf(militaryUnit));
    agents.set('organiser', await signInAs(test.app, organiser));
    defencePoster = await memberOf(defence);
    civilianAgent = agents.get('verified')!;

    // The qualified supplier holds a verified secrecy qualification (level 2) through the qualifications service.
    const qualifiedAgent = agents.get('qualified')!;
    await postMultipart(
      qualifiedAgent,
      '/organisation/qualifications',
      { type: 'secrecy', level: '2', certificateNumber: 'BM-NEEDS-1', issuingAuthority: '国家保密局', issuedOn: '2024-01-01', expiresOn: '2030-12-31' },
      { field: 'scan', content: minimalPdf('certificate'), filename: 'certificate.pdf' },
    ).expect(303);
    const qualification = await db().collection('qualifications').findOne({ certificateNumber: 'BM-NEEDS-1' });
    await test.platform.features.qualifications.service.decide(organiserActor, qualification!._id.toHexString(), 'verified', '');
  });

  after(async () => {
    await test?.close();
  });

  describe('lifecycle', () => {
    it('publishes a defence enterprise’s need on submission and indexes it at once', async () => {
      const id = await post(defencePoster);
      const draft = await defencePoster.agent.get(`/needs/${id}`).expect(200);
      assert.match(draft.text, /草稿/);
      assert.equal(await indexed(id), false, 'a draft is not searchable');
      await defencePoster.post(`/needs/${id}/submit`).expect(303).expect('location', `/needs/${id}?notice=published`);
      assert.equal(await indexed(id), true);
      const entry = await db().collection('audit_log').findOne({ action: 'need.published', 'target.id': id });
      assert.ok(entry);
    });

    it('sends a military unit’s need to review and lets only organisers decide', async () => {
      const owner = agents.get('owner')!;
      const id = await post(owner, { title: '营区安防视频监控改造', visibility: 'registered' });
      await owner.post(`/needs/${id}/submit`).expect(303).expect('location', `/needs/${id}?notice=submitted`);
      const stored = await db().collection('needs').findOne({ title: '营区安防视频监控改造' });
      assert.equal(stored!.status, 'in_review');
      assert.equal(await indexed(id), false);

      const queue = await agents.get('organiser')!.agent.get('/review/needs').expect(200);
      assert.match(queue.text, /营区安防视频监控改造/);
      await owner.post(`/needs/${id}/review`, { decision: 'approve' }).expect(403);

      const missingComment = await agents.get('organiser')!.post(`/needs/${id}/review`, { decision: 'return', comments: '' });
      assert.equal(missingComment.status, 422);
      assert.match(missingComment.text, /退回时请填写意见/);

      await agents.get('organiser')!.post(`/needs/${id}/review`, { decision: 'return', comments: '请删去部队番号' }).expect(303);
      const returned = await owner.agent.get(`/needs/${id}`).expect(200);
      assert.match(returned.text, /请删去部队番号/);
      assert.equal((await db().collection('needs').findOne({ _id: stored!._id }))!.status, 'draft');

      await owner.post(`/needs/${id}/submit`).expect(303);
      await agents.get('organiser')!.post(`/needs/${id}/review`, { decision: 'approve', comments: '' }).expect(303);
      assert.equal((await db().collection('needs').findOne({ _id: stored!._id }))!.status, 'published');
      assert.equal(await indexed(id), true);
      const audits = await db().collection('audit_log').find({ 'target.id': id, action: /^need-review\./ }).toArray();
      assert.deepEqual(audits.map((entry) => entry.action).sort(), ['need-review.approved', 'need-review.returned']);
    });

    it('refuses needs from civilian, unverified and foreign posters', async () => {
      await civilianAgent.post('/needs', needForm()).expect(403);
      await agents.get('unverified')!.post('/needs', needForm()).expect(403);
      await agents.get('anonymous')!.post('/needs', needForm()).expect(401);
      const id = await post(defencePoster, { title: '他人不能修改的需求' });
      await agents.get('owner')!.post(`/needs/${id}`, needForm()).expect(404);
      await agents.get('owner')!.post(`/needs/${id}/submit`).expect(404);
    });

    it('follows edits, withdrawal and closing in search, keeping the edit history', async () => {
      const id = await post(defencePoster, { title: '高原型发电机组' });
      await defencePoster.post(`/needs/${id}/submit`).expect(303);
      await defencePoster.post(`/needs/${id}`, needForm({ title: '高原型柴油发电机组' })).expect(303);
      const hit = await searchClient().collections('needs').documents().search({ q: '柴油', query_by: 'title' });
      assert.equal(hit.found, 1);
      const stored = await db().collection('needs').findOne({ title: '高原型柴油发电机组' });
      const edit = stored!.revisions.find((revision: { action: string }) => revision.action === 'edited');
      assert.equal(edit.previous.title, '高原型发电机组');

      await defencePoster.post(`/needs/${id}/withdraw`).expect(303);
      assert.equal(await indexed(id), false);
      await defencePoster.post(`/needs/${id}/submit`).expect(303);
      assert.equal(await indexed(id), true);
      await defencePoster.post(`/needs/${id}/close`, { reason: 'fulfilled' }).expect(303);
      assert.equal(await indexed(id), false);
      await defencePoster.post(`/needs/${id}/close`, { reason: 'fulfilled' }).expect(409);
      await defencePoster.post(`/needs/${id}`, needForm()).expect(409);
    });

    it('closes needs past their deadline in the expiry job', async () => {
      const id = await post(defencePoster, { title: '即将到期的需求' });
      await defencePoster.post(`/needs/${id}/submit`).expect(303);
      const result = await needs().closeExpired(new Date(Date.now() + 40 * 86_400_000));
      assert.ok(result.closed >= 1);
      const stored = await db().collection('needs').findOne({ title: '即将到期的需求' });
      assert.equal(stored!.status, 'closed');
      assert.equal(stored!.closure.reason, 'expired');
      assert.equal(await indexed(id), false);
    });
  });

  describe('confidentiality screening', () => {
    it('refuses classification markings and names the term and the field', async () => {
      const response = await defencePoster.post('/needs', needForm({ description: '详见附件（机密★10年）' }));
      assert.equal(response.status, 422);
      assert.match(response.text, /机密★/);
      assert.match(response.text, /field-description-error/);
      const english = await defencePoster.post('/needs', needForm({ title: 'SECRET radar spares list' }));
      assert.equal(english.status, 422);
      assert.match(english.text, /SECRET/);
    });

    it('requires the declaration', async () => {
      const response = await defencePoster.post('/needs', needForm({ declaration: '' }));
      assert.equal(response.status, 422);
      assert.match(response.text, /不含涉密信息/);
    });

    it('holds configured sensitive terms for review even from a defence enterprise', async () => {
      const id = await post(defencePoster, { title: '数据机密性保护网关', summary: '采购具备数据机密性保护能力的网关设备。' });
      await defencePoster.post(`/needs/${id}/submit`).expect(303).expect('location', `/needs/${id}?notice=submitted`);
      const page = await defencePoster.agent.get(`/needs/${id}`).expect(200);
      assert.match(page.text, /“机密”/);
    });

    it('lets organisers add terms that then refuse submissions', async () => {
      await agents.get('organiser')!.post('/review/terms', { term: '演习代号', action: 'reject', note: '测试' }).expect(303);
      const response = await defencePoster.post('/needs', needForm({ summary: '配合演习代号任务的保障需求说明。' }));
      assert.equal(response.status, 422);
      assert.match(response.text, /演习代号/);
      await civilianAgent.post('/review/terms', { term: '另一个词', action: 'hold' }).expect(403);
    });

    it('screens attachment names and checks attachment types by content', async () => {
      const id = await post(defencePoster, { title: '带附件的需求' });
      const marked = await postMultipart(defencePoster, `/needs/${id}/attachments`, { declaration: 'on' }, { field: 'file', content: minimalPdf(), filename: '绝密-技术要求.pdf' });
      assert.equal(marked.status, 422);
      assert.match(marked.text, /绝密/);
      const executable = await postMultipart(defencePoster, `/needs/${id}/attachments`, { declaration: 'on' }, { field: 'file', content: elfExecutable(), filename: 'spec.pdf' });
      assert.equal(executable.status, 422);
      assert.match(executable.text, /按文件内容判断/);
      await postMultipart(defencePoster, `/needs/${id}/attachments`, { declaration: 'on' }, { field: 'file', content: minimalPdf(), filename: '技术要求.pdf' }).expect(303);
    });
  });

  describe('visibility', () => {
    const ids: Record<string, string> = {};
    const WHO: Who[] = ['anonymous', 'unverified', 'verified', 'qualified', 'invited', 'owner', 'organiser'];
    /** Expected access per visibility: d(etails), s(ummary) or n(othing). */
    const MATRIX: Record<string, Record<Who, 'd' | 's' | 'n'>> = {
      public: { anonymous: 'd', unverified: 'd', verified: 'd', qualified: 'd', invited: 'd', owner: 'd', organiser: 'd' },
      registered: { anonymous: 's', unverified: 's', verified: 'd', qualified: 'd', invited: 'd', owner: 'd', organiser: 'd' },
      qualified: { anonymous: 's', unverified: 's', verified: 's', qualified: 'd', invited: 's', owner: 'd', organiser: 'd' },
      invited: { anonymous: 'n', unverified: 'n', verified: 'n', qualified: 'n', invited: 'd', owner: 'd', organiser: 'd' },
    };
    const DESCRIPTION = (visibility: string) => `详细技术条件${visibility}XYZ`;

    before(async function () {
      this.timeout(60_000);
      const owner = agents.get('owner')!;
      for (const visibility of Object.keys(MATRIX)) {
        const id = await post(owner, {
          title: `可见性矩阵${visibility}需求`,
          summary: `可见性矩阵摘要 ${visibility} 所有人可见部分。`,
          description: DESCRIPTION(visibility),
          visibility,
          qualifications: 'secrecy',
          minLevel_secrecy: '3',
          invitedCreditCodes: organisations.get('受邀')!.creditCode,
        });
        await postMultipart(owner, `/needs/${id}/attachments`, { declaration: 'on' }, { field: 'file', content: minimalPdf('spec sheet'), filename: 'spec.pdf' }).expect(303);
        await owner.post(`/needs/${id}/submit`).expect(303);
        await agents.get('organiser')!.post(`/needs/${id}/review`, { decision: 'approve' }).expect(303);
        ids[visibility] = id;
      }
    });

    for (const who of WHO) {
      it(`shows ${who} what the matrix says on the page, the JSON API, search, facets and files`, async function () {
        this.timeout(60_000);
        const agent = agents.get(who)!.agent;
        const failures: string[] = [];
        const search = await agent.get('/api/search').query({ q: '可见性矩阵' }).expect(200);
        const found = new Set((search.body.hits as Array<{ need: { id: string } }>).map((hit) => hit.need.id));
        const facetTotal = (search.body.facets.kind as Array<{ count: number }>).reduce((sum, entry) => sum + entry.count, 0);
        const page = await agent.get('/search').query({ q: '可见性矩阵' }).expect(200);
        let visible = 0;
        for (const [visibility, expectations] of Object.entries(MATRIX)) {
          const id = ids[visibility]!;
          const expected = expectations[who];
          if (expected !== 'n') visible += 1;
          const html = await agent.get(`/needs/${id}`);
          const json = await agent.get(`/api/needs/${id}`);
          if (expected === 'n') {
            if (html.status !== 404 || json.status !== 404) failures.push(`${visibility}: page ${html.status}, json ${json.status}, expected 404`);
            if (found.has(id)) failures.push(`${visibility}: found in search`);
            if (page.text.includes(`/needs/${id}`)) failures.push(`${visibility}: on the search page`);
          } else {
            const details = html.text.includes(DESCRIPTION(visibility));
            if (html.status !== 200 || details !== (expected === 'd')) failures.push(`${visibility}: page ${html.status}, details ${details}`);
            if (JSON.stringify(json.body).includes(DESCRIPTION(visibility)) !== (expected === 'd')) failures.push(`${visibility}: json leaks or lacks details`);
            if (!found.has(id)) failures.push(`${visibility}: not found in search`);
          }
          if (search.text.includes(DESCRIPTION(visibility)) && visibility !== 'public') failures.push(`${visibility}: search JSON carries the description`);
          const attachmentId = (await db().collection('needs').findOne({ title: `可见性矩阵${visibility}需求` }))!.attachments[0]._id.toHexString();
          const file = await agent.get(`/needs/${id}/attachments/${attachmentId}`).buffer(true).parse((response, callback) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => callback(null, Buffer.concat(chunks)));
          });
          if ((file.status === 200) !== (expected === 'd')) failures.push(`${visibility}: attachment ${file.status}`);
        }
        if (facetTotal !== visible) failures.push(`facet counts ${facetTotal}, findable ${visible}`);
        assert.deepEqual(failures, []);
      });
    }

    it('audits restricted detail views and downloads and watermarks the PDF with the viewer', async () => {
      const agent = agents.get('qualified')!;
      const id = ids.qualified!;
      const organisation = organisations.get('保密资质')!;
      const attachmentId = (await db().collection('needs').findOne({ title: '可见性矩阵qualified需求' }))!.attachments[0]._id.toHexString();
      const response = await agent.agent
        .get(`/needs/${id}/attachments/${attachmentId}`)
        .buffer(true)
        .parse((res, callback) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => callback(null, Buffer.concat(chunks)));
        })
        .expect(200);
      assert.equal(response.headers['content-type'], 'application/pdf');
      const text = pdfText(response.body as Buffer);
      assert.match(text, new RegExp(`downloaded by ${organisation.creditCode}`));
      const viewed = await db().collection('audit_log').findOne({ action: 'need.details-viewed', 'target.id': id, 'actor.organisationId': organisation.id });
      assert.ok(viewed, 'the detail view is audited');
      const downloaded = await db().collection('audit_log').findOne({ action: 'need.attachment-downloaded', 'target.id': id, 'actor.organisationId': organisation.id });
      assert.ok(downloaded, 'the download is audited');
      const publicView = await db().collection('audit_log').findOne({ action: 'need.details-viewed', 'target.id': ids.public });
      assert.equal(publicView, null, 'public needs are not audited per view');
    });
  });

  it('escapes XSS payloads in every text field and in search snippets', async () => {
    const payload = '<img src=x onerror=alert(1)>';
    const id = await post(defencePoster, {
      title: `旋翼${payload}`,
      summary: `摘要旋翼测试内容${payload}`,
      description: `描述 ${payload} [link](javascript:alert(1))`,
      quantity: payload,
      deliveryPlace: payload,
      deliveryTime: payload,
      contactPerson: `赵${payload}`,
    });
    await defencePoster.post(`/needs/${id}/submit`).expect(303);
    const page = await agents.get('anonymous')!.agent.get(`/needs/${id}`).expect(200);
    assert.doesNotMatch(page.text, /<img src=x/);
    assert.doesNotMatch(page.text, /href="javascript:/);
    assert.match(page.text, /&lt;img src=x onerror=alert\(1\)&gt;/);
    const results = await agents.get('anonymous')!.agent.get('/search').query({ q: '旋翼' }).expect(200);
    assert.doesNotMatch(results.text, /<img src=x/);
    assert.match(results.text, /<mark>/);
  });
});
