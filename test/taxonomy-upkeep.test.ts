import assert from 'node:assert/strict';
import { anonymousAgent, createOrganisation, createPerson, signInAs, type SignedIn } from './support/agents';
import { startTestPlatform, type TestPlatform } from './support/platform';
import type { Actor } from '../server/core/actor';

const PUBLISH = {
  kind: 'product',
  direction: 'civil-to-military',
  summary: '面向野外环境的成熟产品，已批量交付。',
  description: '',
  keywords: '',
  trl: '8',
  scenarios: '',
  declaration: 'on',
  action: 'publish',
};

describe('taxonomy upkeep, live counts and synonyms', () => {
  let test: TestPlatform;
  let organiser: SignedIn;
  let supplier: SignedIn;

  before(async function () {
    this.timeout(120_000);
    test = await startTestPlatform();
    const office = await createOrganisation(test.platform, { kind: 'government' });
    const organiserPerson = await createPerson(test.platform, { roles: ['org-member', 'organiser'], organisationId: office.id });
    const organiserActor: Actor = { id: organiserPerson.id, roles: organiserPerson.roles, organisationId: office.id };
    const enterprise = await createOrganisation(test.platform, { kind: 'enterprise' });
    await test.platform.features.organisations.service.setVerification(organiserActor, enterprise.id, 'verified', '');
    organiser = await signInAs(test.app, organiserPerson);
    supplier = await signInAs(test.app, await createPerson(test.platform, { roles: ['org-admin'], organisationId: enterprise.id }));
  });

  after(async () => {
    await test?.close();
  });

  it('lets organisers add a leaf and edit labels and keywords, audited, but never the code', async () => {
    const added = await organiser.post('/industries/aerospace/leaves', { slug: 'Stratospheric-Airships', zh: '平流层飞艇', en: 'Stratospheric airships', keywords: '平流层, 浮空器', equivalents: '浮空器, aerostat' });
    assert.equal(added.status, 303);
    assert.equal(added.headers.location, '/industries/aerospace.stratospheric-airships?notice=industry-added');
    const edited = await organiser.post('/industries/aerospace.stratospheric-airships', { code: 'aerospace.other', zh: '平流层飞艇与浮空器', en: 'Airships', keywords: '平流层', equivalents: '' });
    assert.equal(edited.status, 303);
    const leaf = await test.platform.features.taxonomy.service.getIndustry('aerospace.stratospheric-airships');
    assert.equal(leaf.zh, '平流层飞艇与浮空器');
    await assert.rejects(test.platform.features.taxonomy.service.getIndustry('aerospace.other'), { code: 'not_found' });
    const duplicate = await organiser.post('/industries/aerospace/leaves', { slug: 'uav', zh: '重复', en: 'Duplicate' });
    assert.equal(duplicate.status, 422);
    const audit = await test.platform.store.connection.db!.collection('audit_log').find({ action: { $in: ['industry.added', 'industry.updated'] } }).toArray();
    assert.deepEqual(audit.map((entry) => entry.action).sort(), ['industry.added', 'industry.updated']);
  });

  it('refuses leaf changes from anyone but organisers', async () => {
    assert.equal((await supplier.post('/industries/aerospace/leaves', { slug: 'x-ray', zh: '某', en: 'X' })).status, 403);
    assert.equal((await supplier.post('/industries/aerospace.uav', { zh: '改名', en: 'Renamed' })).status, 403);
    const anonymous = await anonymousAgent(test.app);
    assert.equal((await anonymous.post('/industries/aerospace.uav', { zh: '改名', en: 'Renamed' })).status, 401);
    assert.equal((await test.platform.features.taxonomy.service.getIndustry('aerospace.uav')).en, 'UAVs and unmanned helicopters');
  });

  it('counts published capabilities per leaf and domain as they are published and withdrawn', async () => {
    const countOn = async (path: string) => {
      const page = await (await anonymousAgent(test.app)).agent.get(path).expect(200);
      const count = /(\d+) 项能力/.exec(page.text)?.[1];
      assert.ok(count !== undefined, page.text.slice(page.text.indexOf('<main'), page.text.indexOf('<main') + 1500));
      return Number(count);
    };
    assert.equal(await countOn('/industries/satellite.navigation'), 0);
    const published = await supplier.post('/capabilities', { ...PUBLISH, title: '北斗高精度定位终端', industries: ['satellite.navigation'] });
    assert.equal(published.status, 303);
    assert.equal(await countOn('/industries/satellite.navigation'), 1);
    assert.equal(await countOn('/industries/satellite'), 1);
    const id = published.headers.location!.split('/')[2]!.split('?')[0]!;
    assert.equal((await supplier.post(`/capabilities/${id}/withdraw`)).status, 303);
    assert.equal(await countOn('/industries/satellite.navigation'), 0);
  });

  it('makes an English query find a Chinese listing through the equivalents, and follows keyword edits', async () => {
    assert.equal((await supplier.post('/capabilities', { ...PUBLISH, title: '系留式无人机中继平台', industries: ['aerospace.uav'] })).status, 303);
    const capabilities = test.platform.search.client.collections<{ id: string; title: string }>('capabilities').documents();
    const byEnglish = await capabilities.search({ q: 'drone', query_by: 'title,summary' });
    assert.equal(byEnglish.found, 1);
    assert.equal(byEnglish.hits![0]!.document.title, '系留式无人机中继平台');

    assert.equal((await capabilities.search({ q: 'tethered', query_by: 'title,summary' })).found, 0);
    const uav = await test.platform.features.taxonomy.service.getIndustry('aerospace.uav');
    const edit = await organiser.post('/industries/aerospace.uav', {
      zh: uav.zh,
      en: uav.en,
      keywords: uav.keywords.join('\n'),
      equivalents: [...uav.equivalents.map((group) => group.join(', ')), '系留式, tethered'].join('\n'),
    });
    assert.equal(edit.status, 303);
    assert.equal((await capabilities.search({ q: 'tethered', query_by: 'title,summary' })).found, 1);
  });
});
