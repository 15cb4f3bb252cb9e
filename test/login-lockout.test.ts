import assert from 'node:assert/strict';
import { anonymousAgent, createOrganisation, createPerson, createRoleCast, signInAs, TEST_PASSWORD } from './support/agents';
import { startTestPlatform, type TestPlatform } from './support/platform';

describe('login rate limiting and lockout', () => {
  let test: TestPlatform;

  before(async () => {
    test = await startTestPlatform();
  });

  after(async () => {
    await test?.close();
  });

  const throttles = () => test.platform.store.connection.db!.collection('login_throttles');
  const audit = () => test.platform.store.connection.db!.collection('audit_log');

  it('locks an account after five failures, even for the right password, audits it, and a platform admin unlocks it', async () => {
    const cast = await createRoleCast(test.platform);
    const victim = await createPerson(test.platform, { roles: ['org-member'], organisationId: (await createOrganisation(test.platform)).id });
    const browser = await anonymousAgent(test.app);
    for (let attempt = 1; attempt <= 4; attempt++) {
      await browser.post('/login', { email: victim.email, password: `wrong-password-${attempt}` }).expect(422);
    }
    const locking = await browser.post('/login', { email: victim.email, password: 'wrong-password-5' }).expect(429);
    assert.match(locking.text, /已被临时锁定/);
    const refused = await browser.post('/login', { email: victim.email, password: TEST_PASSWORD }).expect(429);
    assert.match(refused.text, /已被临时锁定/);

    const row = await throttles().findOne({ key: `account:${victim.email}` });
    assert.equal(row?.lockouts, 1);
    assert.ok(row?.lockedUntil > new Date());
    assert.equal(await audit().countDocuments({ action: 'auth.login_failed', 'actor.label': victim.email }), 5);
    assert.equal(await audit().countDocuments({ action: 'auth.lockout', 'target.id': `account:${victim.email}` }), 1);

    const admin = await signInAs(test.app, cast['platform-admin']);
    const page = await admin.agent.get('/admin/lockouts').expect(200);
    assert.match(page.text, new RegExp(`account:${victim.email.replace(/\./g, '\\.')}`));
    await admin.post('/admin/lockouts/unlock', { key: `account:${victim.email}` }).expect(303).expect('Location', '/admin/lockouts?notice=unlocked');
    assert.equal(await audit().countDocuments({ action: 'auth.unlocked', 'target.id': `account:${victim.email}` }), 1);

    await browser.post('/login', { email: victim.email, password: TEST_PASSWORD }).expect(303);
    await browser.agent.get('/account').expect(200);

    const member = await signInAs(test.app, cast['org-member']);
    await member.post('/admin/lockouts/unlock', { key: `account:${victim.email}` }).expect(403);
  });

  it('makes each further lockout in a row last longer', async () => {
    const person = await createPerson(test.platform, { roles: ['org-member'], organisationId: (await createOrganisation(test.platform)).id });
    const browser = await anonymousAgent(test.app);
    const failFive = async () => {
      for (let attempt = 0; attempt < 5; attempt++) await browser.post('/login', { email: person.email, password: 'not-it-at-all-1' });
    };
    await failFive();
    const first = await throttles().findOne({ key: `account:${person.email}` });
    // The first lockout has run out (as if its minute had passed); the next failures lock again, for longer.
    await throttles().updateOne({ key: `account:${person.email}` }, { $set: { lockedUntil: new Date(Date.now() - 1000) } });
    await failFive();
    const second = await throttles().findOne({ key: `account:${person.email}` });
    assert.equal(second?.lockouts, 2);
    const firstLength = first!.lockedUntil.getTime() - first!.lastFailureAt.getTime();
    const secondLength = second!.lockedUntil.getTime() - second!.lastFailureAt.getTime();
    assert.ok(secondLength > firstLength, `second lockout (${secondLength} ms) is longer than the first (${firstLength} ms)`);
  });

  it('locks a client address that fails across many accounts', async () => {
    await throttles().deleteMany({ key: { $regex: '^ip:' } });
    const browser = await anonymousAgent(test.app);
    const responses: number[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      responses.push((await browser.post('/login', { email: `stranger-${attempt}@example.cn`, password: 'guessing-123' })).status);
    }
    assert.deepEqual(responses.slice(0, 19), Array(19).fill(422));
    assert.equal(responses[19], 429, 'the twentieth failure from one address locks it');
    const ipRow = await throttles().findOne({ key: { $regex: '^ip:' }, lockedUntil: { $gt: new Date() } });
    assert.ok(ipRow, 'the address lockout is persisted');
    await throttles().deleteOne({ _id: ipRow!._id });
  });
});
