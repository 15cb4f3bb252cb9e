import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { base32Encode, totpCode, totpStep } from '../server/core/totp';
import { anonymousAgent, createOrganisation, createPerson, currentTotp, signIn, signInAs, TEST_PASSWORD } from './support/agents';
import { startTestPlatform, type TestPlatform } from './support/platform';

/** An independent RFC 4226 dynamic truncation, to check ours against it. */
function referenceHotp(key: Buffer, counter: number, digits: number): string {
  const message = Buffer.alloc(8);
  message.writeUInt32BE(Math.floor(counter / 2 ** 32), 0);
  message.writeUInt32BE(counter % 2 ** 32, 4);
  const hmac = createHmac('sha1', key).update(message).digest();
  const offset = hmac[19]! & 0xf;
  const value = ((hmac[offset]! & 0x7f) << 24) | (hmac[offset + 1]! << 16) | (hmac[offset + 2]! << 8) | hmac[offset + 3]!;
  return String(value % 10 ** digits).padStart(digits, '0');
}

describe('two-factor authentication (TOTP) and recovery codes', () => {
  let test: TestPlatform;

  before(async () => {
    test = await startTestPlatform();
  });

  after(async () => {
    await test?.close();
  });

  it('computes RFC 6238 SHA-1 test vectors', () => {
    const key = Buffer.from('12345678901234567890');
    const vectors: Array<[number, string]> = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
    ];
    for (const [seconds, expected] of vectors) {
      const step = Math.floor(seconds / 30);
      assert.equal(totpCode(key, step, 8), expected);
      assert.equal(totpCode(base32Encode(key), step, 8), referenceHotp(key, step, 8));
    }
  });

  it('enrols an organisation admin, then asks for the code at sign-in and refuses a replayed code', async () => {
    const organisation = await createOrganisation(test.platform);
    const person = await createPerson(test.platform, { roles: ['org-admin'], organisationId: organisation.id });
    const session = await signInAs(test.app, person);

    const enrol = await session.agent.get('/account/two-factor').expect(200);
    const secret = enrol.text.match(/data-totp-secret>([A-Z2-7 ]+)</)![1]!.replace(/ /g, '');
    assert.match(enrol.text, /otpauth:\/\/totp\//);
    assert.match(enrol.text, /<svg/, 'a QR code is drawn');

    const wrong = await session.post('/account/two-factor', { code: '000000' === currentTotp(secret) ? '111111' : '000000' }).expect(422);
    assert.match(wrong.text, /验证码不正确/);
    const enrolStep = totpStep();
    const enrolCode = totpCode(secret, enrolStep);
    await session.post('/account/two-factor', { code: enrolCode }).expect(303).expect('Location', '/account/two-factor/recovery-codes');
    const codesPage = await session.agent.get('/account/two-factor/recovery-codes').expect(200);
    const codes = [...codesPage.text.matchAll(/data-recovery-code>([a-z0-9-]+)</g)].map((match) => match[1]!);
    assert.equal(codes.length, 10);
    await session.agent.get('/account/two-factor/recovery-codes').expect(303); // shown only once
    const stored = await test.platform.store.connection.db!.collection('users').findOne({ email: person.email });
    const hashes = codes.map((code) => createHash('sha256').update(code.replace('-', '')).digest('hex'));
    assert.deepEqual(stored!.recoveryCodes.map((entry: { hash: string }) => entry.hash), hashes, 'only SHA-256 hashes are stored');
    assert.ok(!codes.some((code) => JSON.stringify(stored).includes(code)));

    // The code used to enrol cannot sign in again (RFC 6238 §5.2).
    const browser = await anonymousAgent(test.app);
    await browser.post('/login', { email: person.email, password: TEST_PASSWORD }).expect(303).expect('Location', '/login/two-factor');
    await browser.post('/login/two-factor', { code: enrolCode }).expect(422);
    await browser.agent.get('/account').expect(401);
    await browser.post('/login/two-factor', { code: totpCode(secret, enrolStep + 1) }).expect(303).expect('Location', '/account');
    await browser.agent.get('/account').expect(200);

    // A recovery code works once.
    const first = await signIn(test.app, { email: person.email, password: TEST_PASSWORD, totp: codes[0]! });
    await first.agent.get('/account').expect(200);
    const again = await anonymousAgent(test.app);
    await again.post('/login', { email: person.email, password: TEST_PASSWORD }).expect(303);
    const reused = await again.post('/login/two-factor', { code: codes[0]! }).expect(422);
    assert.match(reused.text, /验证码不正确或已使用/);
    const account = await first.agent.get('/account').expect(200);
    assert.match(account.text, /剩余 9 个恢复码/);
  });

  it('forces an organiser without a second factor to enrol before anything else', async () => {
    const office = await createOrganisation(test.platform, { kind: 'government' });
    const organiser = await createPerson(test.platform, { roles: ['org-member', 'organiser'], organisationId: office.id, totp: false });
    const session = await signIn(test.app, { email: organiser.email, password: organiser.password });
    await session.agent.get('/organisation').expect(303).expect('Location', '/account/two-factor');
    await session.agent.get('/admin/audit').expect(303).expect('Location', '/account/two-factor');
    const blocked = await session.agent.post('/account/profile').set('Accept', 'application/json').type('form').send({ _csrf: session.csrf, name: '组织者', locale: 'zh' }).expect(403);
    assert.equal(blocked.body.error.code, 'two_factor_enrolment_required');

    const enrol = await session.agent.get('/account/two-factor').expect(200);
    assert.match(enrol.text, /必须先启用两步验证/);
    const secret = enrol.text.match(/data-totp-secret>([A-Z2-7 ]+)</)![1]!.replace(/ /g, '');
    await session.post('/account/two-factor', { code: currentTotp(secret) }).expect(303);
    await session.agent.get('/organisation').expect(200);
    const status = await session.agent.get('/account/two-factor').expect(200);
    assert.doesNotMatch(status.text, /action="\/account\/two-factor\/disable"/, 'organisers cannot turn it off');
    await session.post('/account/two-factor/disable', { currentPassword: organiser.password }).expect(403);
  });
});
