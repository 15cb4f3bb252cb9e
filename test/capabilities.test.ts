import assert from 'node:assert/strict';
import { createOrganisation, createPerson, signInAs, type SignedIn, type TestPerson } from './support/agents';
import { startTestPlatform, type TestPlatform } from './support/platform';
import type { Actor } from '../server/core/actor';

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
});
