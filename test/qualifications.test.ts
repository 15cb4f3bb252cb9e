import assert from 'node:assert/strict';
import request from 'supertest';
import type { Actor } from '../server/core/actor';
import { addDays, beijingDay } from '../server/core/time';
import { createQualificationsFeature } from '../server/qualifications';
import { createOrganisation, createPerson, createRoleCast, signInAs, type SignedIn } from './support/agents';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { minimalPdf, postMultipart } from './support/uploads';

describe('qualifications: recorded by organisation admins, verified or rejected by organisers', () => {
  let test: TestPlatform;
  let cast: Awaited<ReturnType<typeof createRoleCast>>;
  let admin: SignedIn;
  let organiser: SignedIn;
  let organiserActor: Actor;
  const today = beijingDay(new Date());
  const secrecy = { type: 'secrecy', level: '2', certificateNumber: 'BM-2024-0815', issuingAuthority: '国家保密局', issuedOn: addDays(today, -100), expiresOn: addDays(today, 900) };

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
  const service = () => test.platform.features.qualifications.service;
  const scan = (filename = 'certificate.pdf') => ({ field: 'scan', content: minimalPdf(filename), filename });

  async function record(signedIn: SignedIn, fields: Record<string, string>): Promise<string> {
    await postMultipart(signedIn, '/organisation/qualifications', fields, scan()).expect(303);
    const stored = await db().collection('qualifications').find({ certificateNumber: fields.certificateNumber }).sort({ _id: -1 }).limit(1).next();
    return stored!._id.toHexString();
  }

  it('lets an organisation admin record a qualification with its scan, pending until reviewed', async () => {
    const form = await admin.agent.get('/organisation/qualifications/new').expect(200);
    assert.match(form.text, /enctype="multipart\/form-data"/);
    assert.match(form.text, /武器装备科研生产单位保密资格/);
    assert.match(form.text, /action="\/organisation\/qualifications\?_csrf=/);

    const id = await record(admin, secrecy);
    const list = await admin.agent.get('/organisation/qualifications?notice=qualification-recorded').expect(200);
    assert.match(list.text, /资质已登记，等待组织者审核/);
    assert.match(list.text, /BM-2024-0815/);
    assert.match(list.text, /status-pending/);
    assert.equal((await service().effectiveQualifications(cast.enterprise.id, new Date())).length, 0, 'pending does not count');
    const entry = await db().collection('audit_log').findOne({ action: 'qualification.recorded', 'target.id': id });
    assert.equal(entry?.actor.id, cast['org-admin'].id);

    const member = await signInAs(test.app, cast['org-member']);
    const own = await member.agent.get('/organisation/qualifications').expect(200);
    assert.match(own.text, /BM-2024-0815/, 'members see their organisation’s qualifications');
    assert.doesNotMatch(own.text, /\/edit"/, 'but cannot change them');
    await member.agent.get('/organisation/qualifications/new').expect(403);
    await postMultipart(member, '/organisation/qualifications', { ...secrecy, certificateNumber: 'MEMBER-1' }, scan()).expect(403);
    assert.equal(await db().collection('qualifications').countDocuments({ certificateNumber: 'MEMBER-1' }), 0);
  });

  it('checks levels against the catalogue and dates against each other and today, reporting all at once', async () => {
    const cases: Array<[Record<string, string>, RegExp[]]> = [
      [{ ...secrecy, level: '' }, [/请选择武器装备科研生产单位保密资格的等级/]],
      [{ ...secrecy, level: '4' }, [/请选择武器装备科研生产单位保密资格的等级/]],
      [{ ...secrecy, type: 'gjb-quality', level: 'A' }, [/不分等级/]],
      [{ ...secrecy, type: 'no-such-type' }, [/请选择资质类型/]],
      [{ ...secrecy, level: '', certificateNumber: '', expiresOn: addDays(secrecy.issuedOn, -1) }, [/请选择.*的等级/, /请填写证书编号/, /有效期须晚于发证日期/]],
    ];
    for (const [fields, messages] of cases) {
      const page = await postMultipart(admin, '/organisation/qualifications', fields, scan()).expect(422);
      for (const message of messages) assert.match(page.text, message, JSON.stringify(fields));
      assert.match(page.text, /请重新选择文件/);
    }
    const lapsed = await postMultipart(admin, '/organisation/qualifications', { ...secrecy, issuedOn: addDays(today, -800), expiresOn: addDays(today, -1) }, scan()).expect(422);
    assert.match(lapsed.text, /该证书已过有效期/);
    const future = await postMultipart(admin, '/organisation/qualifications', { ...secrecy, issuedOn: addDays(today, 1) }, scan()).expect(422);
    assert.match(future.text, /发证日期不能晚于今天/);
    const noScan = await postMultipart(admin, '/organisation/qualifications', secrecy).expect(422);
    assert.match(noScan.text, /请选择要上传的文件/);
  });

  it('lets organisers verify a qualification from the review queue: audited, e-mailed, and then it counts', async () => {
    const id = await record(admin, { ...secrecy, certificateNumber: 'BM-VERIFY' });
    await admin.agent.get('/review/qualifications').expect(403);
    await admin.post(`/review/qualifications/${id}`, { decision: 'verified' }).expect(403);

    const queue = await organiser.agent.get('/review/qualifications').expect(200);
    assert.match(queue.text, /BM-VERIFY/);
    assert.match(queue.text, new RegExp(cast.enterprise.name));
    assert.match(queue.text, /href="\/files\/[a-f0-9]{24}"/, 'the scan is linked for the reviewer');

    await organiser.post(`/review/qualifications/${id}`, { decision: 'verified', reason: '' }).expect(303).expect('Location', '/review/qualifications?notice=review-decided');
    const stored = await db().collection('qualifications').findOne({ certificateNumber: 'BM-VERIFY' });
    assert.equal(stored?.status, 'verified');
    assert.equal(stored?.decision.decidedBy, cast.organiser.id);
    assert.ok(await db().collection('audit_log').findOne({ action: 'qualification.verified', 'target.id': id, 'actor.id': cast.organiser.id }));
    const mail = await db().collection('outbox').findOne({ to: cast.enterprise.contact.email, template: 'qualification-decision' });
    assert.match(mail!.subject, /资质已通过认证/);
    assert.match(mail!.text, /BM-VERIFY/);

    const effective = await service().effectiveQualifications(cast.enterprise.id, new Date());
    assert.deepEqual(effective.map((qualification) => [qualification.type, qualification.level]), [['secrecy', '2']]);
    await organiser.post(`/review/qualifications/${id}`, { decision: 'verified' }).set('Accept', 'application/json').expect(409);
  });

  it('compares held levels with required ones through the catalogue, counting only verified and unexpired qualifications', async () => {
    const now = new Date();
    const meets = (requirements: Array<{ type: string; minLevel?: string | null }>) => service().meets(cast.enterprise.id, requirements, now);
    assert.equal(await meets([]), true);
    assert.equal(await meets([{ type: 'secrecy', minLevel: '3' }]), true, 'level 2 satisfies a level 3 requirement');
    assert.equal(await meets([{ type: 'secrecy', minLevel: '2' }]), true);
    assert.equal(await meets([{ type: 'secrecy', minLevel: '1' }]), false);
    assert.equal(await meets([{ type: 'secrecy' }]), true);
    assert.equal(await meets([{ type: 'secrecy', minLevel: '3' }, { type: 'gjb-quality' }]), false, 'the GJB record is still pending');
    const other = await createOrganisation(test.platform);
    assert.equal(await service().meets(other.id, [{ type: 'secrecy' }], now), false);
  });

  it('requires a reason to reject, re-rendering that queue entry, and e-mails the reason', async () => {
    const id = await record(admin, { ...secrecy, certificateNumber: 'BM-REJECT' });
    const missing = await organiser.post(`/review/qualifications/${id}`, { decision: 'rejected', reason: '' }).expect(422);
    assert.match(missing.text, /驳回时请填写原因/);
    assert.equal((await db().collection('qualifications').findOne({ certificateNumber: 'BM-REJECT' }))?.status, 'pending');

    await organiser.post(`/review/qualifications/${id}`, { decision: 'rejected', reason: '扫描件不清晰，证书编号无法辨认' }).expect(303);
    assert.equal((await db().collection('qualifications').findOne({ certificateNumber: 'BM-REJECT' }))?.status, 'rejected');
    const mail = await db().collection('outbox').findOne({ template: 'qualification-decision', text: /BM-REJECT/ });
    assert.match(mail!.text, /扫描件不清晰/);
    const list = await admin.agent.get('/organisation/qualifications').expect(200);
    assert.match(list.text, /扫描件不清晰/, 'the organisation sees why');
  });

  it('sends a verified qualification back to pending when its substance changes, and lets only its own admin change it', async () => {
    const id = await record(admin, { ...secrecy, certificateNumber: 'BM-EDIT' });
    await organiser.post(`/review/qualifications/${id}`, { decision: 'verified' }).expect(303);

    const form = await admin.agent.get(`/organisation/qualifications/${id}/edit`).expect(200);
    assert.match(form.text, /value="BM-EDIT"/);
    assert.match(form.text, /保存修改后将重新进入审核/);

    // Saving the same values changes nothing.
    await postMultipart(admin, `/organisation/qualifications/${id}`, { ...secrecy, certificateNumber: 'BM-EDIT' }).expect(303);
    assert.equal((await db().collection('qualifications').findOne({ certificateNumber: 'BM-EDIT' }))?.status, 'verified');

    await postMultipart(admin, `/organisation/qualifications/${id}`, { ...secrecy, certificateNumber: 'BM-EDIT', level: '1' }).expect(303).expect('Location', '/organisation/qualifications?notice=qualification-updated');
    const changed = await db().collection('qualifications').findOne({ certificateNumber: 'BM-EDIT' });
    assert.equal(changed?.status, 'pending');
    assert.equal(changed?.level, '1');
    assert.equal(changed?.decision, null);
    const entry = await db().collection('audit_log').findOne({ action: 'qualification.updated', 'target.id': id });
    assert.deepEqual(entry?.details.changed, ['level']);
    assert.equal(entry?.details.previousStatus, 'verified');
    const counted = await service().effectiveQualifications(cast.enterprise.id, new Date());
    assert.ok(!counted.some((qualification) => qualification.id === id), 'a changed qualification stops counting until verified again');

    const other = await createOrganisation(test.platform);
    const outsider = await signInAs(test.app, await createPerson(test.platform, { roles: ['org-admin'], organisationId: other.id }));
    await outsider.agent.get(`/organisation/qualifications/${id}/edit`).expect(404);
    await postMultipart(outsider, `/organisation/qualifications/${id}`, { ...secrecy, certificateNumber: 'HIJACK' }).expect(404);
    assert.doesNotMatch((await outsider.agent.get('/organisation/qualifications').expect(200)).text, /BM-EDIT/);
  });

  it('reports qualifications to other features and calls onQualificationsChanged on decisions and on edits of verified ones', async () => {
    const changes: string[] = [];
    const hooked = createQualificationsFeature({
      connection: test.platform.store.connection,
      organisations: test.platform.features.organisations.service,
      files: test.platform.features.files.service,
      uploads: test.platform.features.files.uploads,
      audit: test.platform.features.audit.service,
      mail: test.platform.features.mail.service,
      onQualificationsChanged: (organisationId) => {
        changes.push(organisationId);
      },
    }).service;
    const id = await record(admin, { ...secrecy, type: 'iso9001', level: '', certificateNumber: 'ISO-HOOK' });
    await hooked.decide(organiserActor, id, 'verified', '', '127.0.0.1');
    assert.deepEqual(changes, [cast.enterprise.id]);
    await hooked.decide(organiserActor, id, 'rejected', '证书已被发证机关撤销', '127.0.0.1');
    assert.deepEqual(changes, [cast.enterprise.id, cast.enterprise.id], 'revoking a verified qualification is a change too');
    const adminActor: Actor = { id: cast['org-admin'].id, roles: ['org-admin'], organisationId: cast.enterprise.id };
    await assert.rejects(hooked.decide(adminActor, id, 'verified', ''), { code: 'forbidden' });

    const renewed = await record(admin, { ...secrecy, type: 'high-tech', level: '', certificateNumber: 'HT-HOOK' });
    await hooked.decide(organiserActor, renewed, 'verified', '');
    changes.length = 0;
    await hooked.update(adminActor, renewed, { type: 'high-tech', level: null, certificateNumber: 'HT-HOOK-2', issuingAuthority: secrecy.issuingAuthority, issuedOn: secrecy.issuedOn, expiresOn: secrecy.expiresOn, scan: undefined });
    assert.deepEqual(changes, [cast.enterprise.id], 'a verified qualification edited back to pending stops counting');

    const held = (await hooked.forOrganisations([cast.enterprise.id])).get(cast.enterprise.id)!;
    assert.ok(held.some((qualification) => qualification.type === 'secrecy' && qualification.verified && qualification.validUntil === secrecy.expiresOn));
    assert.ok(!held.some((qualification) => qualification.id === id), 'rejected ones are left out');
  });

  it('keeps scans away from anonymous visitors', async () => {
    const stored = await db().collection('stored_files').findOne({ kind: 'qualification-scan' });
    await request(test.app).get(`/files/${stored!._id.toHexString()}`).expect(401);
  });
});
