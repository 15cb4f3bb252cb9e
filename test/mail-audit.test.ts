import assert from 'node:assert/strict';
import net from 'node:net';
import { JOBS } from '../jobs/job-definitions';
import { createScheduler } from '../jobs/scheduler';
import { silentLogger } from '../server/core/logger';
import { createOrganisation, createRoleCast, signInAs, uniqueEmail, type SignedIn } from './support/agents';
import { startTestPlatform, type TestPlatform } from './support/platform';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('audit log and mail outbox', () => {
  let test: TestPlatform;
  let cast: Awaited<ReturnType<typeof createRoleCast>>;
  // Signed in once: a TOTP code is accepted only once, so admins do not sign in twice in the same 30 s.
  let admin: SignedIn;

  before(async () => {
    test = await startTestPlatform();
    cast = await createRoleCast(test.platform);
    admin = await signInAs(test.app, cast['platform-admin']);
  });

  after(async () => {
    await test?.close();
  });

  it('offers no way to change or delete an audit entry', () => {
    assert.deepEqual(Object.keys(test.platform.features.audit.service).sort(), ['record', 'search']);
  });

  it('records sign-ins, role changes and organisation decisions, filterable and paginated for platform admins', async () => {
    const office = await createOrganisation(test.platform, { kind: 'government' });
    const official = await test.platform.features.accounts.service.provision({ email: uniqueEmail('official'), name: '政府人员', password: 'Official-pass-1', roles: ['org-member'], organisationId: office.id });

    const page = await admin.agent.get('/admin/organisers').expect(200);
    assert.match(page.text, new RegExp(official.email));
    await admin.post('/admin/organisers', { userId: official.id }).expect(303).expect('Location', '/admin/organisers?notice=appointed');
    const appointed = await test.platform.features.accounts.service.findByEmail(official.email);
    assert.deepEqual(appointed?.roles.sort(), ['org-member', 'organiser']);

    const enterpriseMember = cast['org-member'];
    const refused = await admin.post('/admin/organisers', { userId: enterpriseMember.id }).expect(422);
    assert.match(refused.text, /组织者须属于政府部门/);

    const organiserActor = { id: cast.organiser.id, roles: cast.organiser.roles, organisationId: cast.office.id };
    const decided = await test.platform.features.organisations.service.setVerification(organiserActor, cast.enterprise.id, 'verified', '材料齐全');
    assert.equal(decided.status, 'verified');
    await assert.rejects(test.platform.features.organisations.service.setVerification(organiserActor, cast.enterprise.id, 'rejected', ''), { code: 'validation_failed' });
    await assert.rejects(
      test.platform.features.organisations.service.setVerification({ id: cast['org-admin'].id, roles: ['org-admin'] }, cast.enterprise.id, 'verified', ''),
      { code: 'forbidden' },
    );

    const logins = await admin.agent.get('/admin/audit?action=auth.login').expect(200);
    assert.match(logins.text, new RegExp(cast['platform-admin'].email));
    const roles = await admin.agent.get(`/admin/audit?action=role.granted&target=${encodeURIComponent(official.email)}`).expect(200);
    assert.match(roles.text, /共 1 条/);
    assert.match(roles.text, /organiser/);
    const decisions = await admin.agent.get('/admin/audit?action=organisation.verified').expect(200);
    assert.match(decisions.text, /材料齐全/);
    const byActor = await admin.agent.get(`/admin/audit?actor=${encodeURIComponent(cast.organiser.id)}&action=organisation`).expect(200);
    assert.match(byActor.text, /共 1 条/);
    const future = await admin.agent.get('/admin/audit?from=2999-01-01').expect(200);
    assert.match(future.text, /没有符合条件的记录/);

    for (let index = 0; index < 60; index++) {
      await test.platform.features.audit.service.record({ actor: null, actorLabel: 'load', action: 'test.filler', details: { index } });
    }
    const first = await admin.agent.get('/admin/audit?action=test.filler').expect(200);
    assert.match(first.text, /第 1 \/ 2 页/);
    assert.match(first.text, /rel="next"/);
    const second = await admin.agent.get('/admin/audit?action=test.filler&page=2').expect(200);
    assert.equal((second.text.match(/class="audit-row"/g) ?? []).length, 10);
  });

  it('keeps every message in the outbox as captured without SMTP and shows it to platform admins', async () => {
    const { id } = await test.platform.features.mail.service.send({
      to: 'someone@example.cn',
      template: 'password-reset',
      params: { name: '某人', link: 'http://127.0.0.1/password/reset/x', validMinutes: 60 },
    });
    const list = await admin.agent.get('/admin/outbox').expect(200);
    assert.match(list.text, /someone@example\.cn/);
    assert.match(list.text, /已留存/);
    const detail = await admin.agent.get(`/admin/outbox/${id}`).expect(200);
    assert.match(detail.text, /重置密码/);
    const member = await signInAs(test.app, cast['org-member']);
    await member.agent.get(`/admin/outbox/${id}`).expect(403);
  });
});

describe('mail delivery through SMTP with retries', () => {
  let test: TestPlatform;

  before(async () => {
    test = await startTestPlatform({ SMTP_URL: `smtp://127.0.0.1:${await closedPort()}` });
  });

  after(async () => {
    await test?.close();
  });

  it('marks a message failed when SMTP is unreachable and the Agenda job retries it', async function () {
    this.timeout(60_000);
    const mail = test.platform.features.mail.service;
    const { id, status } = await mail.send({ to: 'retry@example.cn', template: 'invitation', params: { organisation: '某单位', inviter: '某人', link: 'http://x/invitations/y', validDays: 7 } });
    assert.equal(status, 'failed');
    const outbox = test.platform.store.connection.db!.collection('outbox');
    const failed = await outbox.findOne({ to: 'retry@example.cn' });
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.attempts, 1);
    assert.match(failed?.lastError, /ECONNREFUSED|connect/i);
    assert.ok(failed?.nextAttemptAt > new Date(), 'the retry waits for its back-off');

    // The back-off has passed: the mail job picks it up again.
    await outbox.updateOne({ to: 'retry@example.cn' }, { $set: { nextAttemptAt: new Date(Date.now() - 1000) } });
    const scheduler = createScheduler({ connection: test.platform.store.connection, features: test.platform.features, logger: silentLogger, processEvery: '1 second' });
    const completed = new Promise<void>((resolve) => scheduler.agenda.once(`complete:${JOBS.mailRetry}`, () => resolve()));
    await scheduler.agenda.start();
    await scheduler.agenda.now(JOBS.mailRetry);
    await completed;
    await scheduler.agenda.stop();

    const retried = await outbox.findOne({ to: 'retry@example.cn' });
    assert.equal(retried?.status, 'failed');
    assert.equal(retried?.attempts, 2, 'the job attempted delivery again');
    assert.equal(String(retried?._id), id);
  });
});
