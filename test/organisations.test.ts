import assert from 'node:assert/strict';
import request from 'supertest';
import type { Actor } from '../server/core/actor';
import { addDays, beijingDay } from '../server/core/time';
import { createOrganisation, createPerson, createRoleCast, signInAs, validCreditCode, type SignedIn } from './support/agents';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { elfExecutable, minimalPdf, postMultipart } from './support/uploads';

describe('organisations: licence review, verification, profiles and the directory', () => {
  let test: TestPlatform;
  let cast: Awaited<ReturnType<typeof createRoleCast>>;
  let admin: SignedIn;
  let organiser: SignedIn;
  let organiserActor: Actor;

  before(async () => {
    test = await startTestPlatform();
    cast = await createRoleCast(test.platform);
    admin = await signInAs(test.app, cast['org-admin']);
    organiser = await signInAs(test.app, cast.organiser);
    organiserActor = { id: cast.organiser.id, roles: cast.organiser.roles, organisationId: cast.office.id };
  });

  after(async () => {
    await test?.close();
  });

  const db = () => test.platform.store.connection.db!;
  const organisations = () => test.platform.features.organisations.service;
  const licence = (name = '营业执照.pdf') => ({ field: 'licence', content: minimalPdf('business licence'), filename: name });
  const status = async (id: string) => (await organisations().get(id)).status;

  async function organisationWithAdmin(): Promise<{ id: string; admin: SignedIn; actor: Actor }> {
    const organisation = await createOrganisation(test.platform);
    const person = await createPerson(test.platform, { roles: ['org-admin'], organisationId: organisation.id });
    return { id: organisation.id, admin: await signInAs(test.app, person), actor: { id: person.id, roles: ['org-admin'], organisationId: organisation.id } };
  }

  it('takes the business licence from the organisation admin and queues the organisation for organisers', async () => {
    const page = await admin.agent.get('/organisation').expect(200);
    assert.match(page.text, /未认证单位可以浏览公开内容，但不能发布内容或查看受限内容/);
    assert.match(page.text, /action="\/organisation\/licence\?_csrf=[^"]+" enctype="multipart\/form-data"/);

    const refused = await postMultipart(admin, '/organisation/licence', {}, { ...licence(), content: elfExecutable() }).expect(422);
    assert.match(refused.text, /只接受 PDF、PNG、JPEG 文件/);
    const member = await signInAs(test.app, cast['org-member']);
    await postMultipart(member, '/organisation/licence', {}, licence()).expect(403);

    await postMultipart(admin, '/organisation/licence', {}, licence()).expect(303).expect('Location', '/organisation?notice=licence-submitted');
    const organisation = await organisations().get(cast.enterprise.id);
    assert.equal(organisation.status, 'pending');
    assert.ok(organisation.licenceFileId);
    assert.ok(await db().collection('audit_log').findOne({ action: 'organisation.licence_submitted', 'target.id': cast.enterprise.id }));
    const after = await admin.agent.get('/organisation?notice=licence-submitted').expect(200);
    assert.match(after.text, /营业执照已提交，请等待组织者审核/);
    assert.match(after.text, new RegExp(`href="/files/${organisation.licenceFileId}"`));

    await admin.agent.get('/review/organisations').expect(403);
    const queue = await organiser.agent.get('/review/organisations').expect(200);
    assert.match(queue.text, new RegExp(cast.enterprise.name));
    assert.match(queue.text, new RegExp(`href="/files/${organisation.licenceFileId}"`));
    assert.match(queue.text, /value="verified"/);
    const download = await organiser.agent.get(`/files/${organisation.licenceFileId}`).expect(200);
    assert.match(String(download.headers['content-disposition']), /^attachment;/);
  });

  it('lets organisers verify an organisation from the queue: audited and e-mailed; a verified one cannot resubmit', async () => {
    await organiser.post(`/review/organisations/${cast.enterprise.id}`, { decision: 'verified', reason: '执照与注册信息一致' }).expect(303).expect('Location', '/review/organisations?notice=review-decided');
    assert.equal(await status(cast.enterprise.id), 'verified');
    assert.ok(await db().collection('audit_log').findOne({ action: 'organisation.verified', 'target.id': cast.enterprise.id, 'actor.id': cast.organiser.id }));
    assert.ok(await db().collection('outbox').findOne({ to: cast.enterprise.contact.email, template: 'organisation-decision' }));
    const queue = await organiser.agent.get('/review/organisations').expect(200);
    assert.doesNotMatch(queue.text, new RegExp(cast.enterprise.name));

    const page = await admin.agent.get('/organisation').expect(200);
    assert.doesNotMatch(page.text, /action="\/organisation\/licence/);
    await postMultipart(admin, '/organisation/licence', {}, licence()).set('Accept', 'application/json').expect(409);
  });

  it('requires a reason to reject, shows it to the organisation, and takes a new licence as a resubmission', async () => {
    const other = await organisationWithAdmin();
    await postMultipart(other.admin, '/organisation/licence', {}, licence()).expect(303);

    const missing = await organiser.post(`/review/organisations/${other.id}`, { decision: 'rejected', reason: ' ' }).expect(422);
    assert.match(missing.text, /驳回时请填写原因/);
    await organiser.post(`/review/organisations/${other.id}`, { decision: 'rejected', reason: '营业执照名称与注册名称不符' }).expect(303);
    assert.equal(await status(other.id), 'rejected');
    const page = await other.admin.agent.get('/organisation').expect(200);
    assert.match(page.text, /营业执照名称与注册名称不符/);

    await postMultipart(other.admin, '/organisation/licence', {}, licence('更正后的营业执照.pdf')).expect(303);
    const resubmitted = await organisations().get(other.id);
    assert.equal(resubmitted.status, 'pending');
    assert.equal(resubmitted.verification, null);
    const entry = await db().collection('audit_log').find({ action: 'organisation.licence_submitted', 'target.id': other.id }).sort({ at: -1 }).limit(1).next();
    assert.equal(entry?.details.resubmission, true);
  });

  it('refuses publishing-type actions to unverified organisations and exposes isVerified', async () => {
    const pending = await organisationWithAdmin();
    assert.equal(await organisations().isVerified(pending.id), false);
    assert.equal(await organisations().isVerified(cast.enterprise.id), true);
    assert.equal(await organisations().isVerified('not-an-id'), false);
    await assert.rejects(organisations().requireVerified(pending.actor), { status: 403, code: 'organisation_unverified' });
    await assert.rejects(organisations().requireVerified({ id: cast['platform-admin'].id, roles: ['platform-admin'] }), { code: 'organisation_unverified' });
    const verified = await organisations().requireVerified({ id: cast['org-admin'].id, roles: ['org-admin'], organisationId: cast.enterprise.id });
    assert.equal(verified.id, cast.enterprise.id);

    // An unverified organisation publishes nothing: no profile for others, no directory entry.
    await request(test.app).get(`/organisations/${pending.id}`).expect(404);
    await admin.agent.get(`/organisations/${pending.id}`).expect(404);
    const own = await pending.admin.agent.get(`/organisations/${pending.id}`).expect(200);
    assert.match(own.text, /该单位尚未通过认证/);
    await organiser.agent.get(`/organisations/${pending.id}`).expect(200);
    const directory = await request(test.app).get('/organisations').expect(200);
    assert.match(directory.text, new RegExp(cast.enterprise.name));
    assert.doesNotMatch(directory.text, new RegExp((await organisations().get(pending.id)).name));
  });

  it('shows a public profile with taxonomy labels, the verified badge and only verified, unexpired qualifications — never scans', async () => {
    const today = beijingDay(new Date());
    const base = { issuingAuthority: '发证机关', issuedOn: addDays(today, -10), expiresOn: addDays(today, 365) };
    const recordQualification = async (fields: Record<string, string>) => {
      await postMultipart(admin, '/organisation/qualifications', { ...base, ...fields }, { field: 'scan', content: minimalPdf(), filename: 'scan.pdf' }).expect(303);
      return (await db().collection('qualifications').findOne({ certificateNumber: fields.certificateNumber }))!._id.toHexString();
    };
    const qualifications = test.platform.features.qualifications.service;
    await qualifications.decide(organiserActor, await recordQualification({ type: 'secrecy', level: '2', certificateNumber: 'SHOWN-1' }), 'verified', '');
    await recordQualification({ type: 'gjb-quality', level: '', certificateNumber: 'PENDING-1' });
    await qualifications.decide(organiserActor, await recordQualification({ type: 'classified-it', level: 'A', certificateNumber: 'REJECTED-1' }), 'rejected', '材料不全');
    await qualifications.decide(organiserActor, await recordQualification({ type: 'airworthiness', level: '', certificateNumber: 'LAPSED-1' }), 'verified', '');
    // Verified, but its last valid day has passed and the daily job has not run yet.
    await db().collection('qualifications').updateOne({ certificateNumber: 'LAPSED-1' }, { $set: { expiresOn: addDays(today, -1) } });

    const page = await request(test.app).get(`/organisations/${cast.enterprise.id}`).expect(200);
    assert.match(page.text, new RegExp(cast.enterprise.name));
    assert.match(page.text, /class="badge verified"/);
    assert.match(page.text, /民口企业/);
    assert.match(page.text, /广东省 深圳市/);
    assert.match(page.text, /无人机与无人直升机/, 'industries by their taxonomy labels');
    const rows = page.text.match(/<tr class="profile-qualification">[\s\S]*?<\/tr>/g) ?? [];
    assert.equal(rows.length, 1, rows.join('\n'));
    assert.match(rows[0]!, /武器装备科研生产单位保密资格/);
    assert.match(rows[0]!, /二级/);
    assert.match(rows[0]!, new RegExp(base.expiresOn));
    assert.match(rows[0]!, /已认证/);
    for (const hidden of [/国军标质量管理体系/, /涉密信息系统集成资质/, /适航认证/, /\/files\//, /SHOWN-1/]) assert.doesNotMatch(page.text, hidden);

    const english = await request(test.app).get(`/organisations/${cast.enterprise.id}`).set('Cookie', 'lang=en').expect(200);
    assert.match(english.text, /Secrecy qualification for weapons R&amp;D and production units/);
    assert.match(english.text, /UAVs and unmanned helicopters/);
  });

  it('lets the admin edit the profile; a new name or credit code withdraws the verification and the licence', async () => {
    const form = await admin.agent.get('/organisation/edit').expect(200);
    assert.match(form.text, /修改单位名称或统一社会信用代码将撤销认证/);
    assert.doesNotMatch(form.text, /name="kind"/, 'the kind stays as registered');
    const member = await signInAs(test.app, cast['org-member']);
    await member.agent.get('/organisation/edit').expect(403);

    const current = await organisations().get(cast.enterprise.id);
    const fields = {
      name: current.name,
      creditCode: current.creditCode,
      province: '510000',
      city: '成都市',
      industries: ['aerospace.uav', 'satellite.navigation'],
      introduction: '专注北斗导航终端与无人机载设备。',
      contactPerson: '王经理',
      contactPhone: '028-87654321',
      contactEmail: 'contact@example.cn',
    };
    const invalid = await admin.post('/organisation/edit', { ...fields, city: '深圳市' }).expect(422);
    assert.match(invalid.text, /所选城市不属于该省份/);
    assert.match(invalid.text, /专注北斗导航终端与无人机载设备/, 'the input is kept');
    const taken = await admin.post('/organisation/edit', { ...fields, creditCode: cast.office.creditCode }).expect(422);
    assert.match(taken.text, /该统一社会信用代码已注册/);

    await admin.post('/organisation/edit', fields).expect(303).expect('Location', '/organisation?notice=saved');
    const saved = await organisations().get(cast.enterprise.id);
    assert.equal(saved.status, 'verified', 'other fields change at once');
    assert.equal(saved.city, '成都市');
    assert.deepEqual(saved.industries, ['aerospace.uav', 'satellite.navigation']);
    const profile = await request(test.app).get(`/organisations/${cast.enterprise.id}`).expect(200);
    assert.match(profile.text, /专注北斗导航终端与无人机载设备/);
    assert.match(profile.text, /北斗导航与位置服务/);

    await admin.post('/organisation/edit', { ...fields, name: '更名后的测试有限公司', creditCode: validCreditCode() }).expect(303).expect('Location', '/organisation?notice=verification-withdrawn');
    const renamed = await organisations().get(cast.enterprise.id);
    assert.equal(renamed.status, 'pending');
    assert.equal(renamed.licenceFileId, null);
    const entry = await db().collection('audit_log').find({ action: 'organisation.profile_updated', 'target.id': cast.enterprise.id }).sort({ at: -1 }).limit(1).next();
    assert.equal(entry?.details.verificationWithdrawn, true);
    assert.equal(entry?.details.previousName, current.name);
    await request(test.app).get(`/organisations/${cast.enterprise.id}`).expect(404);
    const page = await admin.agent.get('/organisation').expect(200);
    assert.match(page.text, /action="\/organisation\/licence/, 'the new licence can be uploaded');
  });
});
