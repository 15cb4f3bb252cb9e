import assert from 'node:assert/strict';
import type { Actor } from '../../server/core/actor';
import type { Organisation } from '../../server/organisations';
import type { TestPlatform } from './platform';
import { createOrganisation, createPerson, signInAs, type SignedIn } from './agents';
import { minimalPdf, postMultipart } from './uploads';

const inAMonth = () => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

/** A complete need form: a public product need for UAV composite rotors requiring secrecy level 3 and TRL 6. */
export function needForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    kind: 'product',
    title: '舰载无人机复合材料旋翼',
    summary: '采购一批舰载无人机用复合材料旋翼，要求耐盐雾。',
    description: '碳纤维复合材料旋翼，耐盐雾 500 小时，适配舰载无人机。',
    industries: ['aerospace.uav'],
    quantity: '20 套',
    budgetMin: '',
    budgetMax: '',
    responseDeadline: inAMonth(),
    deliveryPlace: '青岛',
    deliveryTime: '明年第二季度',
    contactPerson: '赵采购',
    contactPhone: '13800138001',
    contactEmail: 'buyer@example.cn',
    visibility: 'public',
    invitedCreditCodes: '',
    qualifications: 'secrecy',
    minLevel_secrecy: '3',
    minTrl: '6',
    declaration: 'on',
    ...overrides,
  };
}

/** A complete, published capability form that fits `needForm()` well. */
export function capabilityForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    kind: 'product',
    direction: 'civil-to-military',
    title: '碳纤维复合材料无人机旋翼',
    summary: '面向舰载无人机的碳纤维复合材料旋翼，耐盐雾、轻量化。',
    description: '采用碳纤维复合材料整体成型，盐雾试验 720 小时。',
    industries: ['aerospace.uav'],
    keywords: '复合材料、旋翼、无人机',
    trl: '7',
    declaration: 'on',
    action: 'publish',
    ...overrides,
  };
}

/** The form errors of a refused form, or the start of the page when there are none. */
function refusal(html: string): string {
  const errors = [...html.matchAll(/class="(?:field-error|form-errors)"[^>]*>([\s\S]*?)<\/(?:p|div)>/g)].map((match) => match[1]!.replace(/<[^>]+>/g, ' ').trim());
  return errors.length ? errors.join(' | ') : html.slice(0, 1200);
}

/** Organisations, people and listings for marketplace tests, through the services and HTTP as users would make them. */
export function marketplace(test: TestPlatform, organiserActor: () => Actor) {
  const db = () => test.platform.store.connection.db!;
  return {
    async verifiedOrganisation(name: string, kind: string): Promise<Organisation> {
      const organisation = await createOrganisation(test.platform, { kind, name });
      await test.platform.features.organisations.service.setVerification(organiserActor(), organisation.id, 'verified', '');
      return organisation;
    },

    async memberOf(organisation: Organisation): Promise<SignedIn> {
      return signInAs(test.app, await createPerson(test.platform, { roles: ['org-admin'], organisationId: organisation.id }));
    },

    /** Records a secrecy qualification through the admin's form and has the organiser verify it. */
    async holdSecrecy(agent: SignedIn, level: string, certificateNumber: string): Promise<string> {
      await postMultipart(
        agent,
        '/organisation/qualifications',
        { type: 'secrecy', level, certificateNumber, issuingAuthority: '国家保密局', issuedOn: '2024-01-01', expiresOn: '2030-12-31' },
        { field: 'scan', content: minimalPdf('certificate'), filename: 'certificate.pdf' },
      ).expect(303);
      const qualification = await db().collection('qualifications').findOne({ certificateNumber });
      const id = qualification!._id.toHexString();
      await test.platform.features.qualifications.service.decide(organiserActor(), id, 'verified', '');
      return id;
    },

    async publishCapability(agent: SignedIn, overrides: Record<string, string | string[]> = {}): Promise<string> {
      const response = await agent.post('/capabilities', capabilityForm(overrides));
      assert.equal(response.status, 303, refusal(response.text));
      return response.headers.location!.replace(/\?.*$/, '').split('/').pop()!;
    },

    /** Creates and submits a need; a defence enterprise's need publishes at once. */
    async publishNeed(agent: SignedIn, overrides: Record<string, string | string[]> = {}): Promise<string> {
      const created = await agent.post('/needs', needForm(overrides));
      assert.equal(created.status, 303, refusal(created.text));
      const id = created.headers.location!.replace(/\?.*$/, '').split('/').pop()!;
      await agent.post(`/needs/${id}/submit`).expect(303);
      return id;
    },

    /** The topics of an organisation's inbox, oldest first. */
    async inboxTopics(organisationId: string): Promise<string[]> {
      return (await db().collection('notifications').find({ organisationId }).sort({ createdAt: 1, _id: 1 }).toArray()).map((entry) => entry.topic as string);
    },
  };
}
