import assert from 'node:assert/strict';
import type { Actor } from '../server/core/actor';
import { addDays, beijingDay } from '../server/core/time';
import { createQualificationsFeature } from '../server/qualifications';
import { createRoleCast, signInAs, type SignedIn } from './support/agents';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { minimalPdf, postMultipart } from './support/uploads';

/** Noon in Beijing on a calendar day: the job's clock, moved by days instead of by sleeping. */
const noonOn = (day: string) => new Date(`${day}T12:00:00+08:00`);

describe('qualification expiry job: lapses and reminders 60, 30 and 7 days ahead, each once', () => {
  let test: TestPlatform;
  let cast: Awaited<ReturnType<typeof createRoleCast>>;
  let admin: SignedIn;
  let organiserActor: Actor;
  const changes: string[] = [];
  let qualifications: ReturnType<typeof createQualificationsFeature>['service'];
  const today = beijingDay(new Date());

  before(async () => {
    test = await startTestPlatform();
    cast = await createRoleCast(test.platform);
    admin = await signInAs(test.app, cast['org-admin']);
    organiserActor = { id: cast.organiser.id, roles: cast.organiser.roles, organisationId: cast.office.id };
    // The platform's service with the re-indexing hook the matching work will plug in.
    const { features, store } = test.platform;
    qualifications = createQualificationsFeature({
      connection: store.connection,
      organisations: features.organisations.service,
      files: features.files.service,
      uploads: features.files.uploads,
      audit: features.audit.service,
      mail: features.mail.service,
      onQualificationsChanged: (organisationId) => {
        changes.push(organisationId);
      },
    }).service;
  });

  after(async () => {
    await test?.close();
  });

  const db = () => test.platform.store.connection.db!;

  async function verifiedQualification(certificateNumber: string, expiresOn: string): Promise<string> {
    const fields = { type: 'contractor', level: 'B', certificateNumber, issuingAuthority: '装备发展部', issuedOn: addDays(today, -30), expiresOn };
    await postMultipart(admin, '/organisation/qualifications', fields, { field: 'scan', content: minimalPdf(certificateNumber), filename: `${certificateNumber}.pdf` }).expect(303);
    const stored = await db().collection('qualifications').findOne({ certificateNumber });
    const id = stored!._id.toHexString();
    await qualifications.decide(organiserActor, id, 'verified', '');
    return id;
  }

  const reminders = (certificateNumber: string) => db().collection('outbox').find({ template: 'qualification-expiry-reminder', text: new RegExp(certificateNumber) }).sort({ _id: 1 }).toArray();

  it('counts a qualification through its last valid day and not the day after', async () => {
    const lastDay = addDays(today, 10);
    const id = await verifiedQualification('CB-LAST-DAY', lastDay);
    const counts = async (day: string) => (await qualifications.effectiveQualifications(cast.enterprise.id, noonOn(day))).some((qualification) => qualification.id === id);
    assert.equal(await counts(lastDay), true, 'expires today: still counts');
    assert.equal(await counts(addDays(lastDay, 1)), false, 'expired yesterday: does not');
    assert.equal(await qualifications.meets(cast.enterprise.id, [{ type: 'contractor', minLevel: 'B' }], noonOn(lastDay)), true);
    assert.equal(await qualifications.meets(cast.enterprise.id, [{ type: 'contractor', minLevel: 'B' }], noonOn(addDays(lastDay, 1))), false);
    // Even before the job has marked it, a lapsed qualification is not shown on the profile.
    await db().collection('qualifications').updateOne({ certificateNumber: 'CB-LAST-DAY' }, { $set: { expiresOn: addDays(today, -1) } });
    await test.platform.features.organisations.service.setVerification(organiserActor, cast.enterprise.id, 'verified', '');
    const profile = await signInAs(test.app, cast['org-member']);
    const page = await profile.agent.get(`/organisations/${cast.enterprise.id}`).expect(200);
    assert.doesNotMatch(page.text, /装备承制单位资格/);
    await db().collection('qualifications').updateOne({ certificateNumber: 'CB-LAST-DAY' }, { $set: { expiresOn: lastDay } });
  });

  it('marks a qualification expired the day after its last valid day, audited as the system, and calls the hook', async () => {
    const lastDay = addDays(today, 20);
    const id = await verifiedQualification('CB-EXPIRE', lastDay);
    changes.length = 0;

    await qualifications.runExpiry(noonOn(lastDay));
    assert.equal((await db().collection('qualifications').findOne({ certificateNumber: 'CB-EXPIRE' }))?.status, 'verified', 'still valid on its last day');
    changes.length = 0;

    const result = await qualifications.runExpiry(noonOn(addDays(lastDay, 1)));
    assert.equal(result.expired, 1);
    assert.equal((await db().collection('qualifications').findOne({ certificateNumber: 'CB-EXPIRE' }))?.status, 'expired');
    const entry = await db().collection('audit_log').findOne({ action: 'qualification.expired', 'target.id': id });
    assert.equal(entry?.actor.id, null);
    assert.equal(entry?.actor.label, 'system');
    assert.deepEqual(changes, [cast.enterprise.id]);

    changes.length = 0;
    assert.deepEqual(await qualifications.runExpiry(noonOn(addDays(lastDay, 1))), { expired: 0, reminded: 0 }, 'running again changes nothing');
    assert.deepEqual(changes, []);
    const list = await admin.agent.get('/organisation/qualifications').expect(200);
    assert.match(list.text, /status-expired/);
  });

  it('e-mails reminders 60, 30 and 7 days before expiry, each exactly once', async () => {
    const expiresOn = addDays(today, 75);
    await verifiedQualification('CB-REMIND', expiresOn);
    const on = (daysBefore: number) => noonOn(addDays(expiresOn, -daysBefore));

    await qualifications.runExpiry(on(61));
    assert.equal((await reminders('CB-REMIND')).length, 0, 'nothing 61 days ahead');
    await qualifications.runExpiry(on(60));
    await qualifications.runExpiry(on(60));
    await qualifications.runExpiry(on(45));
    assert.equal((await reminders('CB-REMIND')).length, 1);
    await qualifications.runExpiry(on(30));
    await qualifications.runExpiry(on(29));
    assert.equal((await reminders('CB-REMIND')).length, 2);
    await qualifications.runExpiry(on(7));
    await qualifications.runExpiry(on(3));
    await qualifications.runExpiry(on(0));
    const sent = await reminders('CB-REMIND');
    assert.equal(sent.length, 3);
    assert.deepEqual(sent.map((message) => message.subject.match(/(\d+) 天后到期/)?.[1]), ['60', '30', '7']);
    assert.equal(sent[0]!.to, cast.enterprise.contact.email);
    assert.match(sent[2]!.text, new RegExp(`有效期至 ${expiresOn}`));
    assert.match(sent[2]!.text, /\/organisation\/qualifications/);
    const stored = await db().collection('qualifications').findOne({ certificateNumber: 'CB-REMIND' });
    assert.deepEqual([...stored!.remindersSent].sort((a: number, b: number) => b - a), [60, 30, 7]);
  });

  it('sends one reminder, not three, for a qualification verified a few days before it expires', async () => {
    await verifiedQualification('CB-LATE', addDays(today, 5));
    await qualifications.runExpiry(noonOn(today));
    const sent = await reminders('CB-LATE');
    assert.equal(sent.length, 1);
    assert.match(sent[0]!.subject, /5 天后到期/);
    await qualifications.runExpiry(noonOn(addDays(today, 1)));
    assert.equal((await reminders('CB-LATE')).length, 1);
  });

  it('starts the reminders again when a renewed certificate with a new expiry date is verified', async () => {
    const id = await verifiedQualification('CB-RENEW', addDays(today, 6));
    await qualifications.runExpiry(noonOn(today));
    assert.equal((await reminders('CB-RENEW')).length, 1);
    const adminActor: Actor = { id: cast['org-admin'].id, roles: ['org-admin'], organisationId: cast.enterprise.id };
    const renewedUntil = addDays(today, 400);
    await qualifications.update(adminActor, id, { type: 'contractor', level: 'B', certificateNumber: 'CB-RENEW', issuingAuthority: '装备发展部', issuedOn: today, expiresOn: renewedUntil, scan: undefined });
    await qualifications.decide(organiserActor, id, 'verified', '');
    await qualifications.runExpiry(noonOn(addDays(renewedUntil, -60)));
    assert.equal((await reminders('CB-RENEW')).length, 2);
  });
});
