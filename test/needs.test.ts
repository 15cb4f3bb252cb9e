import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { ObjectId } from 'mongodb';
import { PDFDocument } from 'pdf-lib';
import { anonymousAgent, createOrganisation, createPerson, signInAs, type SignedIn } from './support/agents';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { elfExecutable, minimalPdf, minimalPng, postMultipart, zipArchive } from './support/uploads';
import type { Actor } from '../server/core/actor';
import { addDays, beijingDay } from '../server/core/time';
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

/** An OLE compound file carrying a Word 97–2003 stream name. */
function oleWordDocument(): Buffer {
  return Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504, 0), Buffer.from('WordDocument', 'utf16le'), Buffer.alloc(512, 0)]);
}

function binary(request: ReturnType<SignedIn['agent']['get']>) {
  return request.buffer(true).parse((response, callback) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => callback(null, Buffer.concat(chunks)));
  });
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

    it('hides the needs of an organisation that loses its verification everywhere but from its own people and the organisers', async () => {
      const publisher = await verifiedOrganisation('撤销认证军工', 'defence-enterprise');
      const poster = await memberOf(publisher);
      const id = await post(poster, { title: '撤销认证测试需求', summary: '撤销认证测试需求摘要，所有人可见。' });
      await poster.post(`/needs/${id}/submit`).expect(303);
      const anonymous = agents.get('anonymous')!.agent;
      await anonymous.get(`/needs/${id}`).expect(200);
      await test.platform.features.organisations.service.setVerification(organiserActor, publisher.id, 'rejected', '营业执照已吊销');
      await anonymous.get(`/needs/${id}`).expect(404);
      await agents.get('verified')!.agent.get(`/api/needs/${id}`).expect(404);
      assert.equal(await indexed(id), false, 'out of search');
      assert.doesNotMatch((await anonymous.get('/').expect(200)).text, new RegExp(id));
      await poster.agent.get(`/needs/${id}`).expect(200);
      await agents.get('organiser')!.agent.get(`/needs/${id}`).expect(200);
      await test.platform.features.organisations.service.setVerification(organiserActor, publisher.id, 'verified', '');
      await anonymous.get(`/needs/${id}`).expect(200);
      assert.equal(await indexed(id), true, 'back in search');
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

    it('lists the latest findable needs on the home page with their summaries only, never an invitation-only one', async () => {
      const home = await agents.get('anonymous')!.agent.get('/').expect(200);
      for (const visibility of ['public', 'registered', 'qualified']) {
        assert.match(home.text, new RegExp(`/needs/${ids[visibility]}`));
        assert.match(home.text, new RegExp(`可见性矩阵摘要 ${visibility}`));
        assert.doesNotMatch(home.text, new RegExp(DESCRIPTION(visibility)));
      }
      assert.doesNotMatch(home.text, new RegExp(ids.invited!));
      assert.doesNotMatch(home.text, /可见性矩阵invited需求/);
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

  describe('transitions, screening, visibility edges, files, expiry and the index', () => {
    const orgs = new Map<string, Organisation>();
    const people = new Map<string, SignedIn>();
    const agent = (who: string) => people.get(who)!;
    let office: Organisation;

    /** Records a secrecy qualification; `decide` verifies it as an organiser would. */
    async function secrecy(who: string, level: string, certificateNumber: string, decide: boolean): Promise<void> {
      await postMultipart(
        agent(who),
        '/organisation/qualifications',
        { type: 'secrecy', level, certificateNumber, issuingAuthority: '国家保密局', issuedOn: '2024-01-01', expiresOn: '2030-12-31' },
        { field: 'scan', content: minimalPdf(certificateNumber), filename: `${certificateNumber}.pdf` },
      ).expect(303);
      if (!decide) return;
      const qualification = await db().collection('qualifications').findOne({ certificateNumber });
      await test.platform.features.qualifications.service.decide(organiserActor, qualification!._id.toHexString(), 'verified', '');
    }

    function attach(poster: SignedIn, id: string, content: Buffer, filename: string) {
      return postMultipart(poster, `/needs/${id}/attachments`, { declaration: 'on' }, { field: 'file', content, filename });
    }

    /** A military unit's need through review to publication. */
    async function published(overrides: Record<string, string | string[]> = {}, files: Array<[Buffer, string]> = []): Promise<string> {
      const id = await post(agent('owner'), overrides);
      for (const [content, name] of files) await attach(agent('owner'), id, content, name).expect(303);
      await agent('owner').post(`/needs/${id}/submit`).expect(303);
      await agent('organiser').post(`/needs/${id}/review`, { decision: 'approve' }).expect(303);
      return id;
    }

    async function statusOf(id: string): Promise<string> {
      return (await db().collection('needs').findOne({ _id: new ObjectId(id) }))!.status;
    }

    async function attachmentIds(id: string): Promise<string[]> {
      return (await db().collection('needs').findOne({ _id: new ObjectId(id) }))!.attachments.map((attachment: { _id: ObjectId }) => attachment._id.toHexString());
    }

    /** What one viewer gets of one need on every path: d(etails), s(ummary) or n(othing), and how search answers. */
    async function observe(who: string, id: string, secret: string, q: string) {
      const viewer = agent(who).agent;
      const html = await viewer.get(`/needs/${id}`);
      const json = await viewer.get(`/api/needs/${id}`);
      const search = await viewer.get('/api/search').query({ q }).expect(200);
      const hit = (search.body.hits as Array<{ need: { id: string }; access: string }>).find((candidate) => candidate.need.id === id);
      const files = await Promise.all((await attachmentIds(id)).map(async (attachmentId) => (await binary(viewer.get(`/needs/${id}/attachments/${attachmentId}`))).status));
      const level = (status: number, text: string) => (status === 404 ? 'n' : status === 200 ? (text.includes(secret) ? 'd' : 's') : `HTTP ${status}`);
      return {
        page: level(html.status, html.text),
        json: level(json.status, JSON.stringify(json.body)),
        files: files.map((status) => (status === 200 ? 'd' : status === 404 ? 'n' : `HTTP ${status}`)).join(),
        found: hit ? hit.access : 'n',
        searchLeaks: search.text.includes(secret),
        facetTotal: ((search.body.facets?.kind ?? []) as Array<{ count: number }>).reduce((sum, entry) => sum + entry.count, 0),
      };
    }

    before(async function () {
      this.timeout(60_000);
      for (const who of ['anonymous', 'unverified', 'verified', 'qualified', 'invited', 'owner', 'organiser'] as const) people.set(who, agents.get(who)!);
      people.set('defence', defencePoster);
      for (const [label, name] of [
        ['owner', '部队'],
        ['verified', '民企'],
        ['qualified', '保密资质'],
        ['invited', '受邀'],
        ['unverified', '未认证'],
      ]) {
        orgs.set(label!, organisations.get(name!)!);
      }
      office = await test.platform.features.organisations.service.get(organiserActor.organisationId!);
      for (const label of ['lower', 'lapsed', 'pending']) {
        const organisation = await verifiedOrganisation(`边界${label}`, 'enterprise');
        orgs.set(label, organisation);
        people.set(label, await memberOf(organisation));
      }
      // Secrecy levels run 一级 (highest) to 三级; the qualified supplier holds 二级 (set up above), the needs below ask for 二级 or better.
      await secrecy('lower', '3', 'BM-EDGE-LOWER', true);
      await secrecy('lapsed', '1', 'BM-EDGE-LAPSED', true);
      await secrecy('pending', '1', 'BM-EDGE-PENDING', false);
      // Verified, but its last valid day was yesterday (the daily expiry job has not run yet).
      await db().collection('qualifications').updateOne({ certificateNumber: 'BM-EDGE-LAPSED' }, { $set: { expiresOn: addDays(beijingDay(new Date()), -1) } });
    });

    describe('who may move a need along its lifecycle', () => {
      it('refuses steps out of order and steps by anyone but the poster', async () => {
        const defence = agent('defence');
        const id = await post(defence, { title: '越权操作测试需求' });
        await agent('anonymous').post(`/needs/${id}/submit`).expect(401);
        await agent('verified').post(`/needs/${id}/submit`).expect(404);
        await agent('organiser').post(`/needs/${id}/submit`).expect(404);
        await defence.post(`/needs/${id}/withdraw`).expect(409);
        await defence.post(`/needs/${id}/close`, { reason: 'fulfilled' }).expect(409);
        await agent('organiser').post(`/needs/${id}/review`, { decision: 'approve' }).expect(409);
        assert.equal(await statusOf(id), 'draft');

        await defence.post(`/needs/${id}/submit`).expect(303);
        await defence.post(`/needs/${id}/submit`).expect(409);
        await agent('organiser').post(`/needs/${id}/review`, { decision: 'approve' }).expect(409);
        await agent('owner').post(`/needs/${id}/withdraw`).expect(404);
        await agent('owner').post(`/needs/${id}/close`, { reason: 'cancelled' }).expect(404);
        await agent('anonymous').post(`/needs/${id}/close`, { reason: 'cancelled' }).expect(401);
        await agent('owner').agent.get(`/needs/${id}/edit`).expect(404);
        await attach(defence, id, minimalPdf(), 'late.pdf').expect(409);
        assert.equal(await statusOf(id), 'published');
        assert.equal(await indexed(id), true);
      });

      it('lets organisers take any published need down as cancelled only, audited and out of search', async () => {
        const id = await post(agent('defence'), { title: '组织者下架测试需求' });
        await agent('defence').post(`/needs/${id}/submit`).expect(303);
        await agent('organiser').post(`/needs/${id}/close`, { reason: 'fulfilled' }).expect(403);
        assert.equal(await statusOf(id), 'published');
        await agent('organiser').post(`/needs/${id}/close`, { reason: 'cancelled' }).expect(303);
        assert.equal(await statusOf(id), 'closed');
        assert.equal(await indexed(id), false);
        const entry = await db().collection('audit_log').findOne({ action: 'need.closed-cancelled', 'target.id': id });
        assert.equal(entry?.actor?.id, organiserActor.id);
      });

      it('refuses an edit while in review and lets the poster withdraw it from the queue', async () => {
        const owner = agent('owner');
        const id = await post(owner, { title: '审查中撤回测试需求' });
        await owner.post(`/needs/${id}/submit`).expect(303);
        await owner.post(`/needs/${id}`, needForm({ title: '审查中修改测试需求' })).expect(409);
        assert.match((await agent('organiser').agent.get('/review/needs').expect(200)).text, /审查中撤回测试需求/);
        await owner.post(`/needs/${id}/withdraw`).expect(303);
        assert.equal(await statusOf(id), 'draft');
        assert.doesNotMatch((await agent('organiser').agent.get('/review/needs').expect(200)).text, /审查中撤回测试需求/);
        await agent('organiser').post(`/needs/${id}/review`, { decision: 'approve' }).expect(409);
      });

      it('keeps the review queue to organisers', async () => {
        await agent('anonymous').agent.get('/review/needs').expect(401);
        await agent('owner').agent.get('/review/needs').expect(403);
        await agent('verified').agent.get('/review/needs').expect(403);
      });

      it('sends an edited military-unit need back to review and out of search until approved again', async () => {
        const owner = agent('owner');
        const id = await published({ title: '方舱医院配套净化设备' });
        assert.equal(await indexed(id), true);
        await owner.post(`/needs/${id}`, needForm({ title: '方舱医院配套空气净化设备' })).expect(303);
        assert.equal(await statusOf(id), 'in_review');
        assert.equal(await indexed(id), false);
        assert.match((await agent('organiser').agent.get('/review/needs').expect(200)).text, /方舱医院配套空气净化设备/);
        await agent('anonymous').agent.get(`/needs/${id}`).expect(404);
        await agent('organiser').post(`/needs/${id}/review`, { decision: 'approve' }).expect(303);
        const hits = await agent('anonymous').agent.get('/api/search').query({ q: '空气净化' }).expect(200);
        assert.deepEqual(
          (hits.body.hits as Array<{ need: { id: string } }>).map((hit) => hit.need.id),
          [id],
        );
      });

      it('refuses a deadline in the past, and refuses to send on or approve a need whose deadline has passed', async () => {
        const yesterday = addDays(beijingDay(new Date()), -1);
        const refused = await agent('defence').post('/needs', needForm({ responseDeadline: yesterday }));
        assert.equal(refused.status, 422);
        assert.match(refused.text, /field-responseDeadline-error/);

        const draft = await post(agent('defence'), { title: '截止日期已过的草稿' });
        await db().collection('needs').updateOne({ _id: new ObjectId(draft) }, { $set: { responseDeadline: new Date(Date.now() - 60_000) } });
        const submit = await agent('defence').post(`/needs/${draft}/submit`);
        assert.equal(submit.status, 422);
        assert.equal(await statusOf(draft), 'draft');

        const inReview = await post(agent('owner'), { title: '截止日期已过的审查中需求' });
        await agent('owner').post(`/needs/${inReview}/submit`).expect(303);
        await db().collection('needs').updateOne({ _id: new ObjectId(inReview) }, { $set: { responseDeadline: new Date(Date.now() - 60_000) } });
        await agent('organiser').post(`/needs/${inReview}/review`, { decision: 'approve' }).expect(409);
        assert.equal(await statusOf(inReview), 'in_review');
        assert.equal(await indexed(inReview), false);
      });
    });

    describe('confidentiality screening of every field', () => {
      for (const field of ['title', 'summary', 'description', 'quantity', 'deliveryPlace', 'deliveryTime', 'contactPerson'] as const) {
        it(`refuses a classification marking in ${field} and names the field`, async () => {
          const value = field === 'summary' ? '本需求说明标注为 TOP SECRET 的部分。' : field === 'title' ? 'TOP SECRET 旋翼' : '绝密';
          const response = await agent('defence').post('/needs', needForm({ [field]: value, title: field === 'title' ? value : `筛查字段${field}` }));
          assert.equal(response.status, 422);
          assert.match(response.text, new RegExp(`id="field-${field}-error"`));
          assert.equal(await db().collection('needs').countDocuments({ title: `筛查字段${field}` }), 0);
        });
      }

      it('publishes clean text at once, and holds a marked edit of a published need for review, out of search', async () => {
        const defence = agent('defence');
        const id = await post(defence, { title: '野外净水单元采购', summary: '采购野外用便携式净水单元，处理能力每小时一吨。' });
        await defence.post(`/needs/${id}/submit`).expect(303).expect('location', `/needs/${id}?notice=published`);
        assert.equal(await indexed(id), true);

        await defence.post(`/needs/${id}`, needForm({ title: '野外净水单元采购', summary: '采购野外用便携式净水单元，配套技术资料为内部资料。' })).expect(303);
        assert.equal(await statusOf(id), 'in_review');
        assert.equal(await indexed(id), false);
        await agent('anonymous').agent.get(`/needs/${id}`).expect(404);
        const queue = await agent('organiser').agent.get('/review/needs').expect(200);
        const row = queue.text.slice(queue.text.indexOf('野外净水单元采购'));
        assert.match(row.slice(0, row.indexOf('</tr>')), /内部资料/);

        await agent('organiser').post(`/needs/${id}/review`, { decision: 'approve' }).expect(303);
        const stored = await db().collection('needs').findOne({ _id: new ObjectId(id) });
        assert.equal(stored!.status, 'published');
        assert.deepEqual(stored!.review.heldFindings, []);
        assert.equal(await indexed(id), true);
        const approval = await db().collection('audit_log').findOne({ action: 'need-review.approved', 'target.id': id });
        assert.deepEqual(approval!.details.heldFindings, ['内部资料']);
      });
    });

    describe('visibility of needs that are not published', () => {
      const SECRET = (label: string) => `状态矩阵${label}详细条件QRS`;
      const ids: Record<string, string> = {};
      const WHO = ['anonymous', 'unverified', 'verified', 'qualified', 'invited', 'owner', 'organiser'] as const;
      const insidersOnly = { anonymous: 'n', unverified: 'n', verified: 'n', qualified: 'n', invited: 'n', owner: 'd', organiser: 'd' };
      /** Drafts and needs in review exist only for their poster and the reviewers; a closed need stays readable as it was, but is never found. */
      const MATRIX: Record<string, Record<(typeof WHO)[number], string>> = {
        draft: insidersOnly,
        'in-review': insidersOnly,
        'closed-qualified': { anonymous: 's', unverified: 's', verified: 's', qualified: 'd', invited: 's', owner: 'd', organiser: 'd' },
        'closed-invited': { anonymous: 'n', unverified: 'n', verified: 'n', qualified: 'n', invited: 'd', owner: 'd', organiser: 'd' },
      };

      before(async function () {
        this.timeout(60_000);
        const owner = agent('owner');
        const form = (label: string, visibility: string) => ({
          title: `状态矩阵${label}需求 ZEBRA5`,
          summary: `状态矩阵摘要 ${label} 所有人可见部分。`,
          description: SECRET(label),
          visibility,
          qualifications: 'secrecy',
          minLevel_secrecy: '2',
          invitedCreditCodes: orgs.get('invited')!.creditCode,
        });
        ids.draft = await post(owner, form('draft', 'qualified'));
        await attach(owner, ids.draft, minimalPdf('draft'), 'draft.pdf').expect(303);
        ids['in-review'] = await post(owner, form('in-review', 'qualified'));
        await attach(owner, ids['in-review'], minimalPdf('review'), 'review.pdf').expect(303);
        await owner.post(`/needs/${ids['in-review']}/submit`).expect(303);
        for (const [label, visibility] of [
          ['closed-qualified', 'qualified'],
          ['closed-invited', 'invited'],
        ]) {
          ids[label!] = await published(form(label!, visibility!), [[minimalPdf(label), `${label}.pdf`]]);
          await owner.post(`/needs/${ids[label!]}/close`, { reason: 'fulfilled' }).expect(303);
        }
      });

      for (const who of WHO) {
        it(`shows ${who} drafts, needs in review and closed needs as the rules say, and never finds them`, async function () {
          this.timeout(30_000);
          const failures: string[] = [];
          for (const [label, expectations] of Object.entries(MATRIX)) {
            const expected = expectations[who];
            const seen = await observe(who, ids[label]!, SECRET(label), 'ZEBRA5');
            if (seen.page !== expected || seen.json !== expected) failures.push(`${label}: page ${seen.page}, json ${seen.json}, expected ${expected}`);
            if (seen.files !== (expected === 'd' ? 'd' : 'n')) failures.push(`${label}: attachment ${seen.files}`);
            if (seen.found !== 'n') failures.push(`${label}: found in search (${seen.found})`);
            if (seen.searchLeaks) failures.push(`${label}: search JSON carries the description`);
            if (seen.facetTotal !== 0) failures.push(`${label}: facet counts ${seen.facetTotal}`);
          }
          assert.deepEqual(failures, []);
        });
      }
    });

    describe('qualification edge cases', () => {
      const SECRET = '资质边界详细条件LMN';
      let qualifiedNeed: string;
      let invitedNeed: string;

      before(async function () {
        this.timeout(60_000);
        qualifiedNeed = await published(
          { title: '资质边界测试需求 OSPREY3', summary: '资质边界测试摘要，所有人可见部分。', description: SECRET, visibility: 'qualified', qualifications: 'secrecy', minLevel_secrecy: '2' },
          [[minimalPdf('edge'), 'edge.pdf']],
        );
        invitedNeed = await published(
          {
            title: '邀请边界测试需求 NAUTILUS7',
            summary: '邀请边界测试摘要，所有人可见部分。',
            description: SECRET,
            visibility: 'invited',
            invitedCreditCodes: `${orgs.get('unverified')!.creditCode}\n${orgs.get('invited')!.creditCode}`,
          },
          [[minimalPdf('invited edge'), 'edge.pdf']],
        );
      });

      const cases: Array<[string, string, string]> = [
        ['qualified', 'd', 'holds 二级, verified and in date'],
        ['lower', 's', 'holds only 三级'],
        ['lapsed', 's', 'holds 一级 whose last valid day was yesterday'],
        ['pending', 's', 'holds 一级 not yet verified'],
        ['verified', 's', 'holds nothing'],
      ];
      for (const [who, expected, why] of cases) {
        it(`gives an organisation that ${why} the ${expected === 'd' ? 'details' : 'summary'} of a qualified-only need on every path`, async () => {
          const seen = await observe(who, qualifiedNeed, SECRET, 'OSPREY3');
          assert.deepEqual(seen, { page: expected, json: expected, files: expected === 'd' ? 'd' : 'n', found: expected === 'd' ? 'details' : 'summary', searchLeaks: false, facetTotal: 1 });
        });
      }

      it('hides an invitation-only need from an invited organisation until it is verified', async () => {
        assert.deepEqual(await observe('unverified', invitedNeed, SECRET, 'NAUTILUS7'), { page: 'n', json: 'n', files: 'n', found: 'n', searchLeaks: false, facetTotal: 0 });
        assert.deepEqual(await observe('invited', invitedNeed, SECRET, 'NAUTILUS7'), { page: 'd', json: 'd', files: 'd', found: 'details', searchLeaks: false, facetTotal: 1 });
      });

      it('audits a restricted detail view but not a summary view', async () => {
        await agent('lower').agent.get(`/needs/${qualifiedNeed}`).expect(200);
        await agent('qualified').agent.get(`/needs/${qualifiedNeed}`).expect(200);
        const views = await db().collection('audit_log').find({ action: 'need.details-viewed', 'target.id': qualifiedNeed }).toArray();
        const organisationIds = new Set(views.map((entry) => entry.details.organisationId));
        assert.ok(organisationIds.has(orgs.get('qualified')!.id));
        assert.ok(!organisationIds.has(orgs.get('lower')!.id));
      });

      it('hides a hidden budget from readers of the details, but not from the poster', async () => {
        const id = await published({ title: '预算保密测试需求', visibility: 'registered', budgetMin: '123.45', budgetMax: '678.9', budgetHidden: 'on' });
        const reader = await agent('verified').agent.get(`/needs/${id}`).expect(200);
        assert.doesNotMatch(reader.text, /123\.45|678\.9/);
        const json = await agent('verified').agent.get(`/api/needs/${id}`).expect(200);
        assert.equal(json.body.need.budget, null);
        assert.doesNotMatch(JSON.stringify(json.body), /123\.45|678\.9/);
        const owner = await agent('owner').agent.get(`/needs/${id}`).expect(200);
        assert.match(owner.text, /123\.45–678\.9 万元/);
      });
    });

    describe('attachments: types judged by content, watermarks and downloads', () => {
      it('accepts PDF, PNG, JPEG and Office documents by their content and refuses everything else', async () => {
        const owner = agent('owner');
        const id = await post(owner, { title: '附件类型测试需求' });
        const refusals: Array<[Buffer, string, RegExp]> = [
          [Buffer.concat([Buffer.from('MZ'), Buffer.alloc(4096, 0)]), '技术规格.docx', /按文件内容判断/],
          [zipArchive({ 'readme.txt': 'not an office document' }), '清单.xlsx', /按文件内容判断/],
          [Buffer.from('<html><script>alert(1)</script></html>'), '说明.pdf', /按文件内容判断/],
          [Buffer.from('%PDF-1.7\nthis is not a readable PDF body\n%%EOF\n'), '损坏.pdf', /无法打开或已加密/],
          [Buffer.from(minimalPdf().toString('latin1').replace('/Root 1 0 R >>', '/Root 1 0 R /Encrypt << /Filter /Standard /V 1 /R 2 /O (owner) /U (user) /P -4 >> >>'), 'latin1'), '加密.pdf', /无法打开或已加密/],
        ];
        for (const [content, name, message] of refusals) {
          const response = await attach(owner, id, content, name);
          assert.equal(response.status, 422, name);
          assert.match(response.text, message);
        }
        const undeclared = await postMultipart(owner, `/needs/${id}/attachments`, {}, { field: 'file', content: minimalPdf(), filename: 'ok.pdf' });
        assert.equal(undeclared.status, 422);
        assert.equal((await attachmentIds(id)).length, 0, 'nothing refused was kept');

        await attach(owner, id, minimalPng(), '现场照片.png').expect(303);
        await attach(owner, id, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(256, 1)]), '样品.jpg').expect(303);
        await attach(owner, id, zipArchive({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' }), '需求清单.zip').expect(303);
        await attach(owner, id, oleWordDocument(), '旧版说明.bin').expect(303);
        const stored = (await db().collection('needs').findOne({ _id: new ObjectId(id) }))!.attachments as Array<{ name: string; type: string }>;
        assert.deepEqual(
          stored.map((attachment) => [attachment.name, attachment.type]),
          [
            ['现场照片.png', 'png'],
            ['样品.jpg', 'jpeg'],
            ['需求清单.docx', 'docx'],
            ['旧版说明.doc', 'doc'],
          ],
        );
      });

      it('stamps each downloader’s own credit code on a restricted need’s PDF, and serves images as uploaded but audited', async () => {
        const png = minimalPng();
        const id = await published(
          { title: '水印测试需求', visibility: 'invited', invitedCreditCodes: orgs.get('invited')!.creditCode },
          [
            [minimalPdf('watermark'), 'spec.pdf'],
            [png, 'photo.png'],
          ],
        );
        const [pdfId, pngId] = await attachmentIds(id);
        for (const [who, organisation] of [
          ['invited', orgs.get('invited')!],
          ['owner', orgs.get('owner')!],
          ['organiser', office],
        ] as const) {
          const response = await binary(agent(who).agent.get(`/needs/${id}/attachments/${pdfId}`)).expect(200);
          assert.match(response.headers['content-disposition']!, /^attachment;/);
          assert.equal(response.headers['x-content-type-options'], 'nosniff');
          assert.match(response.headers['cache-control']!, /no-store/);
          assert.match(pdfText(response.body as Buffer), new RegExp(`downloaded by ${organisation.creditCode}`), who);
          const document = await PDFDocument.load(response.body as Buffer);
          assert.match(document.getSubject() ?? '', new RegExp(organisation.name), who);
        }
        const image = await binary(agent('invited').agent.get(`/needs/${id}/attachments/${pngId}`)).expect(200);
        assert.equal(image.headers['content-type'], 'image/png');
        assert.ok((image.body as Buffer).equals(png), 'the image is served as uploaded');
        const audit = await db().collection('audit_log').findOne({ action: 'need.attachment-downloaded', 'target.id': id, 'details.attachment': 'photo.png' });
        assert.equal(audit?.details.watermarked, false);
        assert.equal(audit?.details.organisationId, orgs.get('invited')!.id);
      });

      it('serves a public need’s PDF unchanged and without auditing each download', async () => {
        const pdf = minimalPdf('public spec');
        const id = await published({ title: '公开附件测试需求', visibility: 'public' }, [[pdf, 'public.pdf']]);
        const [pdfId] = await attachmentIds(id);
        const response = await binary(agent('anonymous').agent.get(`/needs/${id}/attachments/${pdfId}`)).expect(200);
        assert.ok((response.body as Buffer).equals(pdf));
        assert.equal(await db().collection('audit_log').countDocuments({ action: 'need.attachment-downloaded', 'target.id': id }), 0);
      });
    });

    describe('escaping', () => {
      const payload = '<img src=x onerror=alert(1)>';
      const liveTag = /<(?:script|iframe|img|svg)\b|<[^>]*\son\w+=|href="\s*(?:javascript|data|vbscript):/i;

      it('escapes markup in the description however it is disguised', async () => {
        const id = await published({
          title: '描述转义测试需求',
          visibility: 'public',
          description: [
            '<script>alert(1)</script>',
            '<iframe src="javascript:alert(1)"></iframe>',
            '<svg onload=alert(1)>',
            '[a](JaVaScRiPt:alert(1))',
            '[b](javascript&#58;alert(1))',
            '[c](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
            '[d](vbscript:msgbox(1))',
            '![e](x" onerror="alert(1))',
          ].join('\n\n'),
        });
        const page = await agent('anonymous').agent.get(`/needs/${id}`).expect(200);
        const article = page.text.slice(page.text.indexOf('<article'), page.text.indexOf('</article>'));
        assert.doesNotMatch(article, liveTag);
        assert.match(article, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      });

      it('escapes review comments, attachment names and the search box', async () => {
        const owner = agent('owner');
        const id = await post(owner, { title: '意见转义测试需求' });
        await attach(owner, id, minimalPdf(), `${payload}.pdf`).expect(303);
        await owner.post(`/needs/${id}/submit`).expect(303);
        await agent('organiser').post(`/needs/${id}/review`, { decision: 'return', comments: `请修改 ${payload}` }).expect(303);
        const page = await owner.agent.get(`/needs/${id}`).expect(200);
        assert.doesNotMatch(page.text, liveTag);
        assert.match(page.text, /请修改 &lt;img src=x onerror=alert\(1\)&gt;/);

        const search = await agent('anonymous').agent.get('/search').query({ q: `"><script>alert(1)</script>` }).expect(200);
        assert.doesNotMatch(search.text, /<script>alert\(1\)/);
      });

      it('escapes every text field in the review queue, the poster’s list and search, and answers JSON as JSON', async () => {
        const owner = agent('owner');
        const id = await post(owner, { title: `队列转义${payload}`, summary: `队列转义测试摘要内容${payload}`, quantity: payload, deliveryPlace: payload, deliveryTime: payload, contactPerson: `钱${payload}` });
        await owner.post(`/needs/${id}/submit`).expect(303);
        for (const [viewer, path] of [
          ['organiser', '/review/needs'],
          ['owner', '/needs/mine'],
          ['organiser', `/needs/${id}`],
        ] as const) {
          const page = await agent(viewer).agent.get(path).expect(200);
          assert.doesNotMatch(page.text, liveTag, path);
        }
        await agent('organiser').post(`/needs/${id}/review`, { decision: 'approve' }).expect(303);
        const results = await agent('anonymous').agent.get('/search').query({ q: '队列转义' }).expect(200);
        assert.ok(results.text.includes(`/needs/${id}`));
        assert.doesNotMatch(results.text, liveTag);
        await agent('anonymous').agent.get(`/api/needs/${id}`).expect('content-type', /^application\/json/);
        await agent('anonymous').agent.get('/api/search').query({ q: '队列转义' }).expect('content-type', /^application\/json/);
      });
    });

    describe('the deadline expiry job', () => {
      it('closes only published needs past the end of their deadline day, once, and keeps them readable but unfound', async () => {
        const today = beijingDay(new Date());
        const owner = agent('owner');
        const dueToday = await published({ title: '今日截止测试需求', responseDeadline: today, visibility: 'qualified', qualifications: 'secrecy', minLevel_secrecy: '2', description: '今日截止详细条件' });
        const overdue = await published({ title: '逾期未关闭测试需求', visibility: 'qualified', qualifications: 'secrecy', minLevel_secrecy: '2', description: '逾期详细条件' });
        const draft = await post(owner, { title: '逾期草稿测试需求' });
        const inReview = await post(owner, { title: '逾期审查中测试需求' });
        await owner.post(`/needs/${inReview}/submit`).expect(303);
        const past = new Date(Date.now() - 60_000);
        await db().collection('needs').updateMany({ _id: { $in: [overdue, draft, inReview].map((id) => new ObjectId(id)) } }, { $set: { responseDeadline: past } });

        await needs().closeExpired(new Date());
        assert.equal(await statusOf(overdue), 'closed');
        assert.equal(await statusOf(dueToday), 'published', 'a need is open through the end of its deadline day');
        assert.equal(await statusOf(draft), 'draft');
        assert.equal(await statusOf(inReview), 'in_review');
        assert.equal(await indexed(overdue), false);
        assert.equal(await indexed(dueToday), true);
        const closing = await db().collection('audit_log').findOne({ action: 'need.closed-expired', 'target.id': overdue });
        assert.deepEqual([closing?.actor.id, closing?.actor.label], [null, 'system']);
        assert.deepEqual(await needs().closeExpired(new Date()), { closed: 0 }, 'running again changes nothing');

        const summary = await agent('anonymous').agent.get(`/needs/${overdue}`).expect(200);
        assert.match(summary.text, /已过截止日期/);
        assert.doesNotMatch(summary.text, /逾期详细条件/);
        const details = await agent('qualified').agent.get(`/api/needs/${overdue}`).expect(200);
        assert.equal(details.body.need.closure.reason, 'expired');
        assert.equal(details.body.need.description, '逾期详细条件');

        await needs().closeExpired(new Date(`${addDays(today, 1)}T00:00:00+08:00`));
        assert.equal(await statusOf(dueToday), 'closed');
      });
    });

    describe('the search index follows every change', () => {
      it('drops the description from full text when a public need becomes restricted, and the need from strangers’ results when it becomes invitation-only', async () => {
        const defence = agent('defence');
        const form = { title: '索引跟随测试需求 KESTREL8', summary: '索引跟随测试摘要，所有人可见。', description: '索引跟随独有描述词汇 QUOKKA4', visibility: 'public' };
        const id = await post(defence, form);
        await defence.post(`/needs/${id}/submit`).expect(303);
        const byDescription = () => searchClient().collections('needs').documents().search({ q: 'QUOKKA4', query_by: 'description' });
        assert.equal((await byDescription()).found, 1);

        await defence.post(`/needs/${id}`, needForm({ ...form, visibility: 'qualified', qualifications: 'secrecy', minLevel_secrecy: '2' })).expect(303);
        assert.equal((await byDescription()).found, 0, 'a restricted description is not indexed');
        const anonymous = await agent('anonymous').agent.get('/api/search').query({ q: 'QUOKKA4' }).expect(200);
        assert.equal(anonymous.body.found, 0);
        const strangers = await agent('verified').agent.get('/api/search').query({ q: 'KESTREL8' }).expect(200);
        assert.deepEqual(
          (strangers.body.hits as Array<{ need: { id: string }; access: string }>).map((hit) => [hit.need.id, hit.access]),
          [[id, 'summary']],
        );

        await defence.post(`/needs/${id}`, needForm({ ...form, visibility: 'invited', invitedCreditCodes: orgs.get('invited')!.creditCode })).expect(303);
        for (const who of ['anonymous', 'verified', 'qualified']) {
          const result = await agent(who).agent.get('/api/search').query({ q: 'KESTREL8' }).expect(200);
          assert.equal(result.body.found, 0, who);
          assert.equal(((result.body.facets.kind ?? []) as Array<{ count: number }>).reduce((sum, entry) => sum + entry.count, 0), 0, who);
        }
        const invited = await agent('invited').agent.get('/api/search').query({ q: 'KESTREL8' }).expect(200);
        assert.deepEqual(
          (invited.body.hits as Array<{ need: { id: string }; access: string }>).map((hit) => [hit.need.id, hit.access]),
          [[id, 'details']],
        );
      });

      it('keeps a returned need out of search and puts it in once approved', async () => {
        const owner = agent('owner');
        const id = await post(owner, { title: '退回索引测试需求' });
        await owner.post(`/needs/${id}/submit`).expect(303);
        await agent('organiser').post(`/needs/${id}/review`, { decision: 'return', comments: '请补充交付要求' }).expect(303);
        assert.equal(await indexed(id), false);
        await owner.post(`/needs/${id}/submit`).expect(303);
        assert.equal(await indexed(id), false);
        await agent('organiser').post(`/needs/${id}/review`, { decision: 'approve' }).expect(303);
        assert.equal(await indexed(id), true);
      });
    });
  });
});
