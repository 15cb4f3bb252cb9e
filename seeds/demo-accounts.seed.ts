import type { Features } from '../server/features';

/** Printed in README ("Demo data"); they exist only on a development machine's built-in store. */
export const DEMO_PASSWORD = 'Rongtong-demo-2025';
/** The TOTP secret of the demo organiser and platform admin (add it to any authenticator app). */
export const DEMO_TOTP_SECRET = 'RONGTONGDEMOSECRETKEY234567ABCDE';

export const DEMO_ACCOUNTS = {
  platformAdmin: 'admin@demo.rongtong.local',
  organiser: 'organiser@demo.rongtong.local',
  orgAdmin: 'orgadmin@demo.rongtong.local',
  orgMember: 'member@demo.rongtong.local',
} as const;

/**
 * One person per role and two verified organisations, created through the
 * services at the first start of an empty development store; a no-op after.
 */
export async function seedDemoAccounts(features: Features): Promise<{ created: number }> {
  const { accounts, organisations } = features;
  if (await accounts.service.findByEmail(DEMO_ACCOUNTS.platformAdmin)) return { created: 0 };

  const admin = await accounts.service.provision({
    email: DEMO_ACCOUNTS.platformAdmin,
    name: '平台管理员（演示）',
    password: DEMO_PASSWORD,
    roles: ['platform-admin'],
    totpSecret: DEMO_TOTP_SECRET,
  });
  const adminActor = accounts.service.actorOf(admin);

  const office = await organisations.service.create({
    name: '示范市军民融合发展委员会办公室',
    creditCode: '11110000MB1234567K',
    kind: 'government',
    province: '510000',
    city: '成都市',
    industries: ['aerospace.uav'],
    introduction: '演示用政府部门：组织军民融合供需对接活动。',
    contactPerson: '王组织',
    contactPhone: '028-12345678',
    contactEmail: DEMO_ACCOUNTS.organiser,
  });
  const enterprise = await organisations.service.create({
    name: '示范精密制造有限公司',
    creditCode: '91510100MA61XR0K28',
    kind: 'enterprise',
    province: '510000',
    city: '绵阳市',
    industries: ['aerospace.components', 'aerospace.airframe-parts'],
    introduction: '演示用民口企业：航空航天配套元器件与精密零部件。',
    contactPerson: '李管理',
    contactPhone: '13800000000',
    contactEmail: DEMO_ACCOUNTS.orgAdmin,
  });
  for (const organisation of [office, enterprise]) {
    await organisations.service.setVerification(adminActor, organisation.id, 'verified', '演示数据 / demo data');
  }

  await accounts.service.provision({
    email: DEMO_ACCOUNTS.organiser,
    name: '王组织（演示）',
    password: DEMO_PASSWORD,
    roles: ['org-admin', 'organiser'],
    organisationId: office.id,
    totpSecret: DEMO_TOTP_SECRET,
  });
  await accounts.service.provision({
    email: DEMO_ACCOUNTS.orgAdmin,
    name: '李管理（演示）',
    password: DEMO_PASSWORD,
    roles: ['org-admin'],
    organisationId: enterprise.id,
  });
  await accounts.service.provision({
    email: DEMO_ACCOUNTS.orgMember,
    name: '张成员（演示）',
    password: DEMO_PASSWORD,
    roles: ['org-member'],
    organisationId: enterprise.id,
  });
  return { created: 4 };
}
