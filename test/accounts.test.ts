import assert from 'node:assert/strict';
import request from 'supertest';
import { SESSION_COOKIE, SESSIONS_COLLECTION } from '../server/core/session';
import { isValidCreditCode } from '../server/organisations';
import { anonymousAgent, createOrganisation, createPerson, csrfFrom, signIn, signInAs, TEST_PASSWORD, uniqueEmail, validCreditCode } from './support/agents';
import { startTestPlatform, type TestPlatform } from './support/platform';

function sessionCookie(headers: Record<string, unknown>): string | undefined {
  const cookies = ([] as string[]).concat((headers['set-cookie'] as string[] | undefined) ?? []);
  return cookies.find((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`))?.split(';')[0];
}

function linkFrom(text: string, path: string): string {
  const match = text.match(new RegExp(`https?://[^\\s]+(${path}/[A-Za-z0-9_-]+)`));
  assert.ok(match, `no ${path} link in:\n${text}`);
  return match[1]!;
}

describe('accounts: registration, e-mail verification, sign-in and password reset', () => {
  let test: TestPlatform;

  before(async () => {
    test = await startTestPlatform();
  });

  after(async () => {
    await test?.close();
  });

  const outbox = () => test.platform.store.connection.db!.collection('outbox');

  function registration(overrides: Record<string, string | string[]> = {}) {
    return {
      name: '深圳北斗导航科技有限公司',
      creditCode: validCreditCode(),
      kind: 'enterprise',
      province: '440000',
      city: '深圳市',
      industries: ['aerospace.uav', 'aerospace.components'],
      introduction: '北斗导航终端研发与生产。',
      contactPerson: '陈经理',
      contactPhone: '0755-26881234',
      contactEmail: 'contact@beidou.example.cn',
      adminName: '陈管理',
      adminEmail: uniqueEmail('admin'),
      password: TEST_PASSWORD,
      passwordConfirm: TEST_PASSWORD,
      ...overrides,
    };
  }

  it('validates unified social credit codes with the GB 32100 check character', () => {
    assert.equal(isValidCreditCode('91440300708461136T'), true);
    assert.equal(isValidCreditCode('91440300708461136U'), false);
    assert.equal(isValidCreditCode('9144030070846113'), false);
    assert.equal(isValidCreditCode('91440300708461136I'), false, 'I is not in the character set');
  });

  it('shows the registration form with kinds, provinces and industries', async () => {
    const page = await request(test.app).get('/register').expect(200);
    assert.match(page.text, /统一社会信用代码/);
    assert.match(page.text, /政府部门/);
    assert.match(page.text, /广东省/);
    assert.match(page.text, /value="aerospace.uav"/);
    assert.match(page.text, /<script src="\/static\/js\/region-select.js" defer><\/script>/);
  });

  it('re-renders the form with 422 for an invalid credit code and a city outside the province, keeping the input', async () => {
    const browser = await anonymousAgent(test.app);
    const page = await browser.post('/register', registration({ creditCode: '91440300708461136U' })).expect(422);
    assert.match(page.text, /校验位不正确/);
    assert.match(page.text, /value="深圳北斗导航科技有限公司"/, 'the input is kept');
    assert.doesNotMatch(page.text, new RegExp(TEST_PASSWORD), 'passwords are not echoed');

    const wrongCity = await browser.post('/register', registration({ city: '成都市' })).expect(422);
    assert.match(wrongCity.text, /所选城市不属于该省份/);
    const unknownIndustry = await browser.post('/register', registration({ industries: 'aerospace.nothing' })).expect(422);
    assert.match(unknownIndustry.text, /未知的产业方向/);
    assert.equal(await test.platform.store.connection.db!.collection('organisations').countDocuments({ name: '深圳北斗导航科技有限公司' }), 0);
  });

  it('registers a pending organisation, e-mails a verification link and refuses sign-in until it is used', async () => {
    const browser = await anonymousAgent(test.app);
    const input = registration();
    await browser.post('/register', input).expect(303).expect('Location', '/register/done');

    const organisation = await test.platform.store.connection.db!.collection('organisations').findOne({ creditCode: input.creditCode });
    assert.equal(organisation?.status, 'pending');
    assert.deepEqual(organisation?.industries, ['aerospace.uav', 'aerospace.components']);

    const duplicate = await browser.post('/register', registration({ creditCode: input.creditCode })).expect(422);
    assert.match(duplicate.text, /该统一社会信用代码已注册/);

    const unverified = await browser.post('/login', { email: input.adminEmail as string, password: TEST_PASSWORD }).expect(403);
    assert.match(unverified.text, /请先验证邮箱/);

    const message = await outbox().findOne({ to: input.adminEmail, template: 'verify-email' });
    assert.equal(message?.status, 'captured', 'without SMTP the message stays in the outbox');
    assert.match(message!.subject, /验证/);
    const link = linkFrom(message!.text, '/verify-email');

    const confirm = await browser.agent.get(link).expect(200);
    await browser.agent.post(link).type('form').send({ _csrf: csrfFrom(confirm.text) }).expect(303).expect('Location', '/login?notice=verified');
    await browser.agent.get(link).expect(410);

    const signedIn = await signIn(test.app, { email: input.adminEmail as string, password: TEST_PASSWORD });
    const account = await signedIn.agent.get('/account').expect(200);
    assert.match(account.text, /单位管理员/);
    assert.match(account.text, /待认证/);
  });

  it('gives a new session id at sign-in, shows the user menu and ends the session at sign-out', async () => {
    const organisation = await createOrganisation(test.platform);
    const person = await createPerson(test.platform, { roles: ['org-member'], organisationId: organisation.id });
    const agent = request.agent(test.app);
    const form = await agent.get('/login').expect(200);
    const before = sessionCookie(form.headers);
    assert.ok(before, 'the login form starts a session for its CSRF token');
    assert.match(String(form.headers['set-cookie']), /HttpOnly/);
    assert.match(String(form.headers['set-cookie']), /SameSite=Lax/);

    const login = await agent.post('/login').type('form').send({ email: person.email, password: TEST_PASSWORD, _csrf: csrfFrom(form.text) }).expect(303);
    const after = sessionCookie(login.headers);
    assert.ok(after);
    assert.notEqual(after, before, 'the session id changes at sign-in');

    const home = await agent.get('/').expect(200);
    assert.match(home.text, /action="\/logout"/);
    assert.doesNotMatch(home.text, /href="\/register" class="button small"/);

    await agent.post('/logout').type('form').send({ _csrf: csrfFrom(home.text) }).expect(303).expect('Location', '/?notice=signed-out');
    await agent.get('/account').expect(401);
    const stored = await test.platform.store.connection.db!.collection(SESSIONS_COLLECTION).countDocuments({ _id: decodeURIComponent(after!.split('=')[1]!).slice(2).split('.')[0] } as never);
    assert.equal(stored, 0, 'the session is destroyed in the store');
  });

  it('refuses a wrong password without saying whether the account exists', async () => {
    const browser = await anonymousAgent(test.app);
    const wrong = await browser.post('/login', { email: 'nobody@example.cn', password: 'whatever-123' }).expect(422);
    assert.match(wrong.text, /邮箱或密码不正确/);
  });

  it('rejects state-changing requests without a valid CSRF token with 403 csrf_invalid', async () => {
    const person = await createPerson(test.platform, { roles: ['org-member'], organisationId: (await createOrganisation(test.platform)).id });
    const anonymous = request.agent(test.app);
    await anonymous.get('/login').expect(200);
    const missing = await anonymous.post('/login').type('form').send({ email: person.email, password: TEST_PASSWORD }).expect(403);
    assert.match(missing.text, /页面已过期/);
    const wrong = await anonymous.post('/login').set('Accept', 'application/json').type('form').send({ email: person.email, password: TEST_PASSWORD, _csrf: 'x'.repeat(43) }).expect(403);
    assert.equal(wrong.body.error.code, 'csrf_invalid');

    const signedIn = await signInAs(test.app, person);
    await signedIn.agent.post('/account/profile').type('form').send({ name: '改名', locale: 'zh' }).expect(403);
    await signedIn.agent.post('/account/profile').set('X-CSRF-Token', signedIn.csrf).type('form').send({ name: '改名成功', locale: 'zh' }).expect(303);
    assert.match((await signedIn.agent.get('/account').expect(200)).text, /改名成功/);
  });

  it('ends a session after the absolute timeout however active it was', async () => {
    const person = await createPerson(test.platform, { roles: ['org-member'], organisationId: (await createOrganisation(test.platform)).id });
    const signedIn = await signInAs(test.app, person);
    await signedIn.agent.get('/account').expect(200);
    const thirteenHoursAgo = Date.now() - 13 * 3_600_000;
    const sessions = test.platform.store.connection.db!.collection(SESSIONS_COLLECTION);
    const updated = await sessions.updateMany({ 'session.passport.user': person.id }, { $set: { 'session.authenticatedAt': thirteenHoursAgo } });
    assert.ok(updated.modifiedCount >= 1);
    await signedIn.agent.get('/account').expect(401);
  });

  it('resets a password with a single-use, expiring e-mailed token and signs other sessions out', async () => {
    const person = await createPerson(test.platform, { roles: ['org-member'], organisationId: (await createOrganisation(test.platform)).id });
    const oldSession = await signInAs(test.app, person);

    const browser = await anonymousAgent(test.app);
    await browser.post('/password/forgot', { email: person.email }).expect(303).expect('Location', '/password/forgot/sent');
    await browser.post('/password/forgot', { email: 'unknown@example.cn' }).expect(303).expect('Location', '/password/forgot/sent');
    const message = await outbox().findOne({ to: person.email, template: 'password-reset' });
    const link = linkFrom(message!.text, '/password/reset');

    const tokens = test.platform.store.connection.db!.collection('account_tokens');
    const token = link.split('/').pop()!;
    assert.equal(await tokens.countDocuments({ tokenHash: token }), 0, 'the token itself is not stored');

    const form = await browser.agent.get(link).expect(200);
    const mismatch = await browser.agent.post(link).type('form').send({ _csrf: csrfFrom(form.text), password: 'New-password-77', passwordConfirm: 'Other-password-77' }).expect(422);
    assert.match(mismatch.text, /两次输入的密码不一致/);
    await browser.agent.post(link).type('form').send({ _csrf: csrfFrom(form.text), password: 'New-password-77', passwordConfirm: 'New-password-77' }).expect(303).expect('Location', '/login?notice=reset');

    const reused = await browser.agent.post(link).type('form').send({ _csrf: csrfFrom(form.text), password: 'Third-password-77', passwordConfirm: 'Third-password-77' }).expect(410);
    assert.match(reused.text, /链接无效、已使用或已过期/);
    await oldSession.agent.get('/account').expect(401);
    await signIn(test.app, { email: person.email, password: 'New-password-77' });

    // A second link, expired in the store, is refused.
    await browser.post('/password/forgot', { email: person.email }).expect(303);
    const second = await outbox().find({ to: person.email, template: 'password-reset' }).sort({ createdAt: -1 }).limit(1).next();
    const secondLink = linkFrom(second!.text, '/password/reset');
    await tokens.updateMany({ purpose: 'reset-password', usedAt: null }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    await browser.agent.get(secondLink).expect(410);
    await browser.agent.post(secondLink).type('form').send({ _csrf: csrfFrom(form.text), password: 'Fourth-password-77', passwordConfirm: 'Fourth-password-77' }).expect(410);
  });

  it('lets an organisation admin invite a member who sets a name and password', async () => {
    const organisation = await createOrganisation(test.platform);
    const admin = await createPerson(test.platform, { roles: ['org-admin'], organisationId: organisation.id });
    const signedIn = await signInAs(test.app, admin);
    const email = uniqueEmail('invitee');

    const invalid = await signedIn.post('/organisation/members/invitations', { email: 'not-an-address', role: 'org-member' }).expect(422);
    assert.match(invalid.text, /有效的邮箱地址/);
    await signedIn.post('/organisation/members/invitations', { email, role: 'org-member' }).expect(303).expect('Location', '/organisation/members?notice=invited');
    const members = await signedIn.agent.get('/organisation/members').expect(200);
    assert.match(members.text, new RegExp(email));

    const message = await outbox().findOne({ to: email, template: 'invitation' });
    const link = linkFrom(message!.text, '/invitations');
    const invitee = await anonymousAgent(test.app);
    const page = await invitee.agent.get(link).expect(200);
    assert.match(page.text, new RegExp(organisation.name));
    await invitee.agent.post(link).type('form').send({ _csrf: csrfFrom(page.text), name: '新成员', password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD }).expect(303).expect('Location', '/login?notice=joined');
    await invitee.agent.get(link).expect(410);

    const member = await signIn(test.app, { email, password: TEST_PASSWORD });
    const own = await member.agent.get('/organisation').expect(200);
    assert.match(own.text, new RegExp(organisation.name));
    await member.post('/organisation/members/invitations', { email: uniqueEmail(), role: 'org-member' }).expect(403);
  });

  it('keeps the session secret outside production in DATA_DIR with mode 0600', async () => {
    const fs = await import('node:fs/promises');
    const path = await import('node:path');
    const stat = await fs.stat(path.join(test.dataDir, 'session-secret'));
    assert.equal(stat.mode & 0o777, 0o600);
    assert.ok((await fs.readFile(path.join(test.dataDir, 'session-secret'), 'utf8')).trim().length >= 32);
  });
});
