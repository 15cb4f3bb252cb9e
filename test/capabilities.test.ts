import assert from 'node:assert/strict';
import request from 'supertest';
import { anonymousAgent, createOrganisation, createPerson, signInAs, type SignedIn, type TestPerson } from './support/agents';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { elfExecutable, minimalPdf, minimalPng, postMultipart, wordDocument, zipArchive } from './support/uploads';
import type { Actor } from '../server/core/actor';

/** Supertest leaves binary bodies alone only when asked to buffer them. */
function binary(response: request.Response, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

const MEGABYTE = 1024 * 1024;

describe('capabilities', () => {
  let test: TestPlatform;
  let organiserActor: Actor;
  let supplier: TestPerson;
  let supplierAgent: SignedIn;

  before(async function () {
    this.timeout(120_000);
    test = await startTestPlatform();
    const office = await createOrganisation(test.platform, { kind: 'government' });
    const organiser = await createPerson(test.platform, { roles: ['org-member', 'organiser'], organisationId: office.id });
    organiserActor = { id: organiser.id, roles: organiser.roles, organisationId: office.id };
    const enterprise = await createOrganisation(test.platform, { kind: 'enterprise' });
    await test.platform.features.organisations.service.setVerification(organiserActor, enterprise.id, 'verified', '');
    supplier = await createPerson(test.platform, { roles: ['org-admin'], organisationId: enterprise.id });
    supplierAgent = await signInAs(test.app, supplier);
  });

  after(async () => {
    await test?.close();
  });

  it('publishes a capability and finds it by its English synonym', async () => {
    const created = await supplierAgent.post('/capabilities', {
      kind: 'product',
      direction: 'civil-to-military',
      title: '长航时固定翼无人机平台',
      summary: '续航 20 小时的固定翼无人机，可挂载光电载荷。',
      description: '# 概述\n\n<script>alert(1)</script> 支持**多种**载荷。',
      industries: ['aerospace.uav'],
      keywords: '无人机、长航时',
      trl: '7',
      specName: ['续航时间', ''],
      specValue: ['20', ''],
      specUnit: ['h', ''],
      scenarios: '边境巡逻\n应急测绘',
      declaration: 'on',
      action: 'publish',
    });
    assert.equal(created.status, 303, created.text.slice(0, 2000));
    const page = await supplierAgent.agent.get(created.headers.location!).expect(200);
    assert.match(page.text, /长航时固定翼无人机平台/);
    assert.doesNotMatch(page.text, /<script>alert/);
    const client = test.platform.search.client;
    const result = await client.collections('capabilities').documents().search({ q: 'UAV', query_by: 'title,summary,keywords' });
    assert.equal(result.found, 1);
  });

  describe('attachments and images', () => {
    let member: SignedIn;
    let outsider: SignedIn;
    let organiser: SignedIn;
    let anonymous: SignedIn;

    before(async function () {
      this.timeout(60_000);
      member = await signInAs(test.app, await createPerson(test.platform, { roles: ['org-member'], organisationId: supplier.organisationId }));
      const other = await createOrganisation(test.platform, { kind: 'institute' });
      await test.platform.features.organisations.service.setVerification(organiserActor, other.id, 'verified', '');
      outsider = await signInAs(test.app, await createPerson(test.platform, { roles: ['org-admin'], organisationId: other.id }));
      // Organisers' second-factor codes work once: one sign-in for the file.
      const office = await createOrganisation(test.platform, { kind: 'government' });
      organiser = await signInAs(test.app, await createPerson(test.platform, { roles: ['org-member', 'organiser'], organisationId: office.id }));
      anonymous = await anonymousAgent(test.app);
    });

    const form = (title: string, action: 'draft' | 'publish') => ({
      kind: 'technology',
      direction: 'civil-to-military',
      title,
      summary: '高精度复合材料构件的设计与制造能力。',
      industries: ['aerospace.uav'],
      keywords: '复合材料',
      trl: '6',
      declaration: 'on',
      action,
    });

    async function draft(title: string): Promise<string> {
      const created = await supplierAgent.post('/capabilities', form(title, 'draft'));
      assert.equal(created.status, 303, created.text.slice(0, 1000));
      return /\/capabilities\/([a-f0-9]{24})/.exec(created.headers.location!)![1]!;
    }

    /** The file links the edit page shows, in page order. */
    async function links(id: string, kind: 'attachments' | 'images'): Promise<string[]> {
      const page = await supplierAgent.agent.get(`/capabilities/${id}/edit`).expect(200);
      const pattern = new RegExp(`/capabilities/${id}/${kind}/[a-f0-9]{24}(?=")`, 'g');
      return [...new Set(page.text.match(pattern) ?? [])];
    }

    const attach = (who: SignedIn, id: string, content: Buffer, filename: string, fields: Record<string, string> = { declaration: 'on' }) =>
      postMultipart(who, `/capabilities/${id}/attachments`, fields, { field: 'file', content, filename });
    const addImage = (who: SignedIn, id: string, content: Buffer, filename: string, fields: Record<string, string> = { declaration: 'on' }) =>
      postMultipart(who, `/capabilities/${id}/images`, fields, { field: 'image', content, filename, contentType: 'image/png' });

    it('uploads a real PDF and a PNG on the edit page and serves them with the type found in their content', async () => {
      const id = await draft('复合材料构件制造（附件）');
      const pdf = minimalPdf('composite datasheet');
      await attach(supplierAgent, id, pdf, '产品手册.pdf').expect(303).expect('Location', `/capabilities/${id}/edit?notice=capability-attachment-added#attachments`);
      // Members of the organisation edit its capabilities too.
      const png = minimalPng();
      await addImage(member, id, png, 'sample.png', { caption: '样机外观', declaration: 'on' }).expect(303).expect('Location', `/capabilities/${id}/edit?notice=capability-image-added#images`);

      const edit = await supplierAgent.agent.get(`/capabilities/${id}/edit?notice=capability-image-added`).expect(200);
      assert.match(edit.text, /图片已上传/);
      assert.match(edit.text, /产品手册\.pdf/);
      const [attachmentHref] = await links(id, 'attachments');
      const [imageHref] = await links(id, 'images');
      assert.ok(attachmentHref && imageHref);

      const document = await supplierAgent.agent.get(attachmentHref).buffer(true).parse(binary).expect(200);
      assert.equal(document.headers['content-type'], 'application/pdf');
      assert.equal(document.headers['content-disposition'], `attachment; filename="????.pdf"; filename*=UTF-8''%E4%BA%A7%E5%93%81%E6%89%8B%E5%86%8C.pdf`);
      assert.equal(document.headers['x-content-type-options'], 'nosniff');
      assert.deepEqual(document.body, pdf);

      const picture = await supplierAgent.agent.get(imageHref).buffer(true).parse(binary).expect(200);
      assert.equal(picture.headers['content-type'], 'image/png');
      assert.equal(picture.headers['content-disposition'], 'inline; filename=sample.png');
      assert.equal(picture.headers['x-content-type-options'], 'nosniff');
      assert.deepEqual(picture.body, png);
    });

    it('recognises an Office document inside its ZIP container and refuses a plain archive', async () => {
      const id = await draft('复合材料构件制造（Office）');
      const docx = wordDocument();
      await attach(supplierAgent, id, docx, '技术说明.zip').expect(303);
      const [href] = await links(id, 'attachments');
      const download = await supplierAgent.agent.get(href!).buffer(true).parse(binary).expect(200);
      assert.equal(download.headers['content-type'], 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      assert.match(download.headers['content-disposition'] ?? '', /filename\*=UTF-8''%E6%8A%80%E6%9C%AF%E8%AF%B4%E6%98%8E\.docx$/);
      assert.deepEqual(download.body, docx);

      const archive = await attach(supplierAgent, id, zipArchive({ 'readme.txt': 'not a document' }), 'slides.pptx').expect(422);
      assert.match(archive.text, /只接受 PDF、PNG、JPEG、Word、Excel、PowerPoint 文件（按文件内容判断）/);
      assert.equal((await links(id, 'attachments')).length, 1);
    });

    it('refuses an executable renamed .pdf, a PDF posing as an image and oversized files, keeping what was typed', async () => {
      const id = await draft('复合材料构件制造（拒收）');
      const executable = await attach(supplierAgent, id, elfExecutable(), 'spec.pdf').expect(422);
      assert.match(executable.text, /只接受 PDF、PNG、JPEG、Word、Excel、PowerPoint 文件（按文件内容判断）/);
      assert.match(executable.text, /value="复合材料构件制造（拒收）"/, 'the capability form keeps its values');
      assert.match(executable.text, /name="declaration" value="on" checked/, 'the ticked declaration stays ticked');

      const notAnImage = await addImage(supplierAgent, id, minimalPdf(), 'photo.png', { caption: '外观照片', declaration: 'on' }).expect(422);
      assert.match(notAnImage.text, /只接受 PNG、JPEG 文件（按文件内容判断）/);
      assert.match(notAnImage.text, /value="外观照片"/);

      const bigImage = await addImage(supplierAgent, id, minimalPng({ padTo: 5 * MEGABYTE + 1 }), 'big.png', { caption: '大图说明', declaration: 'on' }).expect(422);
      assert.match(bigImage.text, /文件超过 5 MB 上限/);
      assert.match(bigImage.text, /value="大图说明"/, 'the caption typed before the file survives');

      const bigDocument = await attach(supplierAgent, id, Buffer.concat([minimalPdf(), Buffer.alloc(20 * MEGABYTE, 0x20)]), 'big.pdf').expect(422);
      assert.match(bigDocument.text, /文件超过 20 MB 上限/);

      const undeclared = await attach(supplierAgent, id, minimalPdf(), 'ok.pdf', {}).expect(422);
      assert.match(undeclared.text, /请确认所填内容不含涉密信息/);

      assert.deepEqual(await links(id, 'attachments'), []);
      assert.deepEqual(await links(id, 'images'), []);
    });

    it('shows draft files to their organisation and organisers only, and published files to everyone', async () => {
      const id = await draft('复合材料构件制造（公开）');
      await attach(supplierAgent, id, minimalPdf(), 'brochure.pdf').expect(303);
      await addImage(supplierAgent, id, minimalPng(), 'part.png', { caption: '构件照片', declaration: 'on' }).expect(303);
      const [attachmentHref] = await links(id, 'attachments');
      const [imageHref] = await links(id, 'images');

      for (const who of [anonymous, outsider]) {
        await who.agent.get(attachmentHref!).expect(404);
        await who.agent.get(imageHref!).expect(404);
        await who.agent.get(`/capabilities/${id}`).expect(404);
      }
      await member.agent.get(attachmentHref!).expect(200);
      await organiser.agent.get(imageHref!).expect(200);

      await supplierAgent.post(`/capabilities/${id}`, form('复合材料构件制造（公开）', 'publish')).expect(303);
      const page = await anonymous.agent.get(`/capabilities/${id}`).expect(200);
      assert.match(page.headers['content-security-policy'] ?? '', /img-src 'self'/);
      assert.match(page.text, new RegExp(`<img src="${imageHref}" alt="构件照片"`), 'the image is in the gallery');
      assert.match(page.text, new RegExp(`href="${attachmentHref}" download>brochure\\.pdf`));
      const document = await anonymous.agent.get(attachmentHref!).expect(200);
      assert.match(document.headers['content-disposition'] ?? '', /^attachment; filename=brochure\.pdf$/);
      const picture = await request(test.app).get(imageHref!).buffer(true).parse(binary).expect(200);
      assert.equal(picture.headers['content-type'], 'image/png');
      await outsider.agent.get(attachmentHref!).expect(200);

      await supplierAgent.post(`/capabilities/${id}/withdraw`).expect(303);
      await anonymous.agent.get(attachmentHref!).expect(404);
      await anonymous.agent.get(imageHref!).expect(404);
    });

    it('screens file names and captions like the text of the listing', async () => {
      const id = await draft('复合材料构件制造（保密检查）');
      const marked = await attach(supplierAgent, id, minimalPdf(), '绝密-技术方案.pdf').expect(422);
      assert.match(marked.text, /含有密级标志或敏感词“绝密”/);
      const markedCaption = await addImage(supplierAgent, id, minimalPng(), 'photo.png', { caption: 'TOP SECRET prototype', declaration: 'on' }).expect(422);
      assert.match(markedCaption.text, /TOP SECRET/);
      assert.deepEqual(await links(id, 'attachments'), []);
      assert.deepEqual(await links(id, 'images'), []);

      // A held term is fine in a draft, but keeps it from being published until the file goes.
      await attach(supplierAgent, id, minimalPdf(), '内部资料-参数表.pdf').expect(303);
      const refused = await supplierAgent.post(`/capabilities/${id}`, form('复合材料构件制造（保密检查）', 'publish')).expect(422);
      assert.match(refused.text, /含有须审查的敏感词“内部资料”/);
      const [held] = await links(id, 'attachments');
      await supplierAgent.post(`${held}/delete`).expect(303);
      await supplierAgent.post(`/capabilities/${id}`, form('复合材料构件制造（保密检查）', 'publish')).expect(303);

      // Nobody reviews a published listing, so there the held name is refused at once.
      const onPublished = await attach(supplierAgent, id, minimalPdf(), '内部资料-参数表.pdf').expect(422);
      assert.match(onPublished.text, /含有须审查的敏感词“内部资料”/);
      assert.deepEqual(await links(id, 'attachments'), []);
    });

    it('lets the owning organisation delete its files, and nobody else', async () => {
      const id = await draft('复合材料构件制造（删除）');
      await attach(supplierAgent, id, minimalPdf(), 'old.pdf').expect(303);
      await addImage(supplierAgent, id, minimalPng(), 'old.png').expect(303);
      const [attachmentHref] = await links(id, 'attachments');
      const [imageHref] = await links(id, 'images');

      await outsider.post(`${attachmentHref}/delete`).expect(404);
      await supplierAgent.agent.get(attachmentHref!).expect(200);

      await supplierAgent.post(`${attachmentHref}/delete`).expect(303).expect('Location', `/capabilities/${id}/edit?notice=capability-file-removed#attachments`);
      await member.post(`${imageHref}/delete`).expect(303);
      await supplierAgent.agent.get(attachmentHref!).expect(404);
      await supplierAgent.agent.get(imageHref!).expect(404);
      assert.deepEqual(await links(id, 'attachments'), []);
      assert.deepEqual(await links(id, 'images'), []);
      await supplierAgent.post(`${attachmentHref}/delete`).expect(404);
    });
  });

  describe('who may publish, who sees drafts and withdrawn listings, screening, escaping and the index', () => {
    let owner: SignedIn;
    let colleague: SignedIn;
    let outsider: SignedIn;
    let organiser: SignedIn;
    let anonymous: SignedIn;
    let militaryUnit: SignedIn;
    let defenceEnterprise: SignedIn;
    let unverified: SignedIn;

    const listing = (overrides: Record<string, string | string[]> = {}) => ({
      kind: 'technology',
      direction: 'civil-to-military',
      title: '高原型燃料电池电源',
      summary: '面向高原野外环境的燃料电池移动电源，已批量交付。',
      description: '',
      industries: ['energy.hydrogen'],
      keywords: '',
      trl: '8',
      scenarios: '',
      declaration: 'on',
      action: 'publish',
      ...overrides,
    });

    async function create(agent: SignedIn, overrides: Record<string, string | string[]> = {}): Promise<string> {
      const response = await agent.post('/capabilities', listing(overrides));
      assert.equal(response.status, 303, response.text.slice(0, 1500));
      return response.headers.location!.split('/')[2]!.split('?')[0]!;
    }

    async function searchIds(agent: SignedIn, q: string): Promise<string[]> {
      const result = await agent.agent.get('/api/search').query({ tab: 'capabilities', q }).expect(200);
      return (result.body.hits as Array<{ id: string }>).map((hit) => hit.id);
    }

    async function indexed(id: string): Promise<boolean> {
      const result = await test.platform.search.client.collections('capabilities').documents().search({ q: '*', query_by: 'title', filter_by: `id:=${id}` });
      return result.found === 1;
    }

    async function verifiedMember(kind: string, role: 'org-admin' | 'org-member' = 'org-admin'): Promise<SignedIn> {
      const organisation = await createOrganisation(test.platform, { kind });
      await test.platform.features.organisations.service.setVerification(organiserActor, organisation.id, 'verified', '');
      return signInAs(test.app, await createPerson(test.platform, { roles: [role], organisationId: organisation.id }));
    }

    before(async function () {
      this.timeout(60_000);
      owner = supplierAgent;
      colleague = await signInAs(test.app, await createPerson(test.platform, { roles: ['org-member'], organisationId: supplier.organisationId }));
      outsider = await verifiedMember('university');
      militaryUnit = await verifiedMember('military-unit');
      defenceEnterprise = await verifiedMember('defence-enterprise');
      const pending = await createOrganisation(test.platform, { kind: 'enterprise' });
      unverified = await signInAs(test.app, await createPerson(test.platform, { roles: ['org-admin'], organisationId: pending.id }));
      const office = await createOrganisation(test.platform, { kind: 'government' });
      organiser = await signInAs(test.app, await createPerson(test.platform, { roles: ['org-member', 'organiser'], organisationId: office.id }));
      anonymous = await anonymousAgent(test.app);
    });

    it('lets verified civilian organisations publish either way and defence enterprises military-to-civil only', async () => {
      await anonymous.post('/capabilities', listing()).expect(401);
      await unverified.post('/capabilities', listing()).expect(403);
      const military = await militaryUnit.post('/capabilities', listing());
      assert.equal(military.status, 403);
      assert.match(military.text, /只有民口企业、科研院所、高校和军工企业/);
      const wrongWay = await defenceEnterprise.post('/capabilities', listing());
      assert.equal(wrongWay.status, 422);
      assert.match(wrongWay.text, /军工企业只能发布军转民能力/);
      await create(defenceEnterprise, { direction: 'military-to-civil', title: '军转民精密加工服务 FALCON2' });
      await create(outsider, { direction: 'military-to-civil', title: '高校军转民成果 FALCON2' });
      assert.equal((await searchIds(anonymous, 'FALCON2')).length, 2);
    });

    it('keeps a draft to its organisation and organisers, publishes it on request and follows every edit in search', async () => {
      const id = await create(owner, { title: '草稿能力 HERON6', action: 'draft' });
      for (const [who, agent, status] of [
        ['owner', owner, 200],
        ['colleague', colleague, 200],
        ['organiser', organiser, 200],
        ['outsider', outsider, 404],
        ['anonymous', anonymous, 404],
      ] as const) {
        assert.equal((await agent.agent.get(`/capabilities/${id}`)).status, status, who);
      }
      await outsider.agent.get(`/capabilities/${id}/edit`).expect(404);
      await outsider.post(`/capabilities/${id}`, listing({ title: '他人改写 HERON6' })).expect(404);
      assert.equal(await indexed(id), false);
      assert.deepEqual(await searchIds(organiser, 'HERON6'), []);

      await colleague.post(`/capabilities/${id}`, listing({ title: '已发布能力 HERON6' })).expect(303);
      assert.deepEqual(await searchIds(anonymous, 'HERON6'), [id]);
      await owner.post(`/capabilities/${id}`, listing({ title: '改名能力 IBIS9' })).expect(303);
      assert.deepEqual(await searchIds(anonymous, 'IBIS9'), [id]);
      assert.deepEqual(await searchIds(anonymous, 'HERON6'), []);

      await owner.post(`/capabilities/${id}`, listing({ title: '改名能力 IBIS9', action: 'draft' })).expect(303);
      assert.equal(await indexed(id), false);
      await anonymous.agent.get(`/capabilities/${id}`).expect(404);
    });

    it('lets the owner and organisers withdraw a published listing, nobody else, and takes it out of search', async () => {
      const id = await create(owner, { title: '撤回测试能力 PELICAN4' });
      assert.deepEqual(await searchIds(anonymous, 'PELICAN4'), [id]);
      await anonymous.post(`/capabilities/${id}/withdraw`).expect(401);
      await outsider.post(`/capabilities/${id}/withdraw`).expect(404);
      await organiser.post(`/capabilities/${id}/withdraw`).expect(303);
      const entry = await test.platform.store.connection.db!.collection('audit_log').findOne({ action: 'capability.withdrawn', 'target.id': id });
      assert.equal(entry?.details.byOwner, false);
      assert.equal(await indexed(id), false);
      assert.deepEqual(await searchIds(anonymous, 'PELICAN4'), []);
      await anonymous.agent.get(`/capabilities/${id}`).expect(404);
      await owner.agent.get(`/capabilities/${id}`).expect(200);
      assert.equal((await owner.post(`/capabilities/${id}/withdraw`)).status, 422);
    });

    it('hides the listings of an organisation that is no longer verified, on the page and in search', async () => {
      const organisation = await createOrganisation(test.platform, { kind: 'institute' });
      await test.platform.features.organisations.service.setVerification(organiserActor, organisation.id, 'verified', '');
      const institute = await signInAs(test.app, await createPerson(test.platform, { roles: ['org-admin'], organisationId: organisation.id }));
      const id = await create(institute, { title: '研究所能力 CONDOR1' });
      assert.deepEqual(await searchIds(anonymous, 'CONDOR1'), [id]);
      await test.platform.features.organisations.service.setVerification(organiserActor, organisation.id, 'rejected', '营业执照已过期');
      await anonymous.agent.get(`/capabilities/${id}`).expect(404);
      await outsider.agent.get(`/capabilities/${id}`).expect(404);
      assert.deepEqual(await searchIds(anonymous, 'CONDOR1'), []);
      assert.equal(await indexed(id), false);
    });

    it('refuses marked text in every field, and keeps text with a held term a draft until it is removed', async () => {
      for (const [field, value] of [
        ['title', 'TOP SECRET 电源'],
        ['summary', '面向野外环境的电源，资料标注 CONFIDENTIAL 字样。'],
        ['description', '详见（秘密★5年）附件'],
        ['keywords', '电源、绝密'],
        ['scenarios', '边防哨所\n国家秘密项目'],
      ] as const) {
        const response = await owner.post('/capabilities', listing({ title: `筛查能力${field}`, [field]: value }));
        assert.equal(response.status, 422, field);
        assert.match(response.text, new RegExp(`field-${field}-error|class="field-error"`), field);
      }
      const inSpecifications = await owner.post('/capabilities', listing({ title: '筛查能力参数', specName: ['密级'], specValue: ['绝密'], specUnit: [''] }));
      assert.equal(inSpecifications.status, 422);
      assert.match(inSpecifications.text, /绝密/);
      assert.equal(await test.platform.store.connection.db!.collection('capabilities').countDocuments({ title: /^筛查能力/ }), 0);

      const held = await owner.post('/capabilities', listing({ title: '含敏感词的能力 EGRET7', scenarios: '配套内部资料培训' }));
      assert.equal(held.status, 422);
      assert.match(held.text, /内部资料/);
      const id = await create(owner, { title: '含敏感词的能力 EGRET7', scenarios: '配套内部资料培训', action: 'draft' });
      assert.equal(await indexed(id), false);
      await owner.post(`/capabilities/${id}`, listing({ title: '含敏感词的能力 EGRET7', scenarios: '配套现场培训' })).expect(303);
      assert.deepEqual(await searchIds(anonymous, 'EGRET7'), [id]);
    });

    it('escapes markup in every text field on the listing, the organisation’s pages and search', async () => {
      const payload = '<img src=x onerror=alert(1)>';
      // Escaped text may sit inside a quoted attribute value (the edit form's inputs): only what is outside the quotes could run.
      const runs = (html: string) => /<(?:script|iframe|img|svg)\b|<[^>]*\son\w+=/i.test(html.replace(/"[^"]*"/g, '""')) || /href="\s*(?:javascript|data|vbscript):/i.test(html);
      const id = await create(owner, {
        title: `转义能力 MAGPIE3 ${payload}`,
        summary: `转义能力摘要测试内容 ${payload}`,
        description: `${payload}\n\n<script>alert(1)</script>\n\n[a](javascript:alert(1))`,
        keywords: `转义, ${payload}`,
        specName: [`指标${payload}`],
        specValue: [payload],
        specUnit: [payload.slice(0, 30)],
        scenarios: `场景 ${payload}`,
      });
      const organisationId = supplier.organisationId!;
      for (const [agent, path] of [
        [anonymous, `/capabilities/${id}`],
        [anonymous, `/organisations/${organisationId}`],
        [anonymous, '/search?tab=capabilities&q=MAGPIE3'],
        [anonymous, '/'],
        [owner, '/organisation/capabilities'],
        [owner, `/capabilities/${id}/edit`],
      ] as const) {
        const page = await agent.agent.get(path).expect(200);
        assert.equal(runs(page.text.slice(page.text.indexOf('<main'))), false, path);
      }
      const page = await anonymous.agent.get(`/capabilities/${id}`).expect(200);
      assert.match(page.text, /转义能力 MAGPIE3 &lt;img src=x onerror=alert\(1\)&gt;/);
    });
  });
});
