import { randomBytes, randomInt } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { Role } from '../../server/core/actor';
import { generateTotpSecret, totpCode, totpStep } from '../../server/core/totp';
import type { Platform } from '../../server/platform';
import { creditCodeCheckCharacter, type Organisation } from '../../server/organisations';

export type Agent = ReturnType<typeof request.agent>;

export const TEST_PASSWORD = 'Correct-horse-42';

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A random but valid 统一社会信用代码 (enterprise prefix 91, a 6-digit region code). */
export function validCreditCode(): string {
  let body = '91510100';
  while (body.length < 17) body += CREDIT_CHARS[randomInt(CREDIT_CHARS.length)];
  return body + creditCodeCheckCharacter(body);
}

let sequence = 0;
export function uniqueEmail(prefix = 'person'): string {
  sequence += 1;
  return `${prefix}-${sequence}-${randomBytes(3).toString('hex')}@example.cn`;
}

export async function createOrganisation(platform: Platform, overrides: Partial<{ name: string; kind: string; status: 'verified' | 'rejected' }> = {}): Promise<Organisation> {
  const organisation = await platform.features.organisations.service.create({
    name: overrides.name ?? `测试单位${++sequence}有限公司`,
    creditCode: validCreditCode(),
    kind: overrides.kind ?? 'enterprise',
    province: '440000',
    city: '深圳市',
    industries: ['aerospace.uav'],
    introduction: '',
    contactPerson: '测试联系人',
    contactPhone: '13800138000',
    contactEmail: uniqueEmail('contact'),
  });
  return organisation;
}

export interface TestPerson {
  id: string;
  email: string;
  password: string;
  roles: Role[];
  organisationId?: string;
  totpSecret?: string;
}

/** A verified person through the accounts service; privileged roles get a TOTP secret (they must have one). */
export async function createPerson(
  platform: Platform,
  options: { roles: Role[]; organisationId?: string; totp?: boolean; email?: string; name?: string },
): Promise<TestPerson> {
  const privileged = options.roles.some((role) => role === 'organiser' || role === 'platform-admin');
  const totpSecret = (options.totp ?? privileged) ? generateTotpSecret() : undefined;
  const person = await platform.features.accounts.service.provision({
    email: options.email ?? uniqueEmail(options.roles[0]),
    name: options.name ?? '测试人员',
    password: TEST_PASSWORD,
    roles: options.roles,
    organisationId: options.organisationId,
    totpSecret,
  });
  return { id: person.id, email: person.email, password: TEST_PASSWORD, roles: person.roles, organisationId: options.organisationId, totpSecret };
}

/** One person for each role, with the organisations they belong to. */
export async function createRoleCast(platform: Platform) {
  const enterprise = await createOrganisation(platform);
  const office = await createOrganisation(platform, { kind: 'government', name: '测试市军民融合办公室' });
  return {
    enterprise,
    office,
    'org-member': await createPerson(platform, { roles: ['org-member'], organisationId: enterprise.id }),
    'org-admin': await createPerson(platform, { roles: ['org-admin'], organisationId: enterprise.id }),
    organiser: await createPerson(platform, { roles: ['org-member', 'organiser'], organisationId: office.id }),
    'platform-admin': await createPerson(platform, { roles: ['platform-admin'] }),
  };
}

export function csrfFrom(html: string): string {
  const match = html.match(/name="_csrf" value="([^"]+)"/);
  if (!match) throw new Error(`no CSRF token in page:\n${html.slice(0, 500)}`);
  return match[1]!;
}

export function currentTotp(secret: string, offset = 0): string {
  return totpCode(secret, totpStep() + offset);
}

export interface SignedIn {
  agent: Agent;
  csrf: string;
  /** POSTs a form with the session's CSRF token. */
  post(path: string, body?: Record<string, string | string[]>): ReturnType<Agent['post']>;
}

export function withCsrf(agent: Agent, csrf: string): SignedIn {
  return { agent, csrf, post: (path, body = {}) => agent.post(path).type('form').send({ ...body, _csrf: csrf }) };
}

/** An anonymous browser that has loaded a form, so it holds a session and its CSRF token. */
export async function anonymousAgent(app: Express): Promise<SignedIn> {
  const agent = request.agent(app);
  const page = await agent.get('/login').expect(200);
  return withCsrf(agent, csrfFrom(page.text));
}

/**
 * Signs in through the login form (and the TOTP step when the person has a
 * second factor) and returns the agent with the new session's CSRF token.
 */
export async function signIn(app: Express, credentials: { email: string; password: string; totp?: string; totpSecret?: string }): Promise<SignedIn> {
  const anonymous = await anonymousAgent(app);
  const login = await anonymous.post('/login', { email: credentials.email, password: credentials.password });
  if (login.status !== 303) throw new Error(`sign-in of ${credentials.email} failed with ${login.status}:\n${login.text.slice(0, 400)}`);
  if (login.headers.location === '/login/two-factor') {
    const code = credentials.totp ?? (credentials.totpSecret ? currentTotp(credentials.totpSecret) : undefined);
    if (!code) throw new Error(`${credentials.email} needs a second factor`);
    const step = await anonymous.post('/login/two-factor', { code });
    if (step.status !== 303) throw new Error(`second factor of ${credentials.email} failed with ${step.status}`);
  }
  const page = await anonymous.agent.get('/account').redirects(1);
  return withCsrf(anonymous.agent, csrfFrom(page.text));
}

export function signInAs(app: Express, person: TestPerson): Promise<SignedIn> {
  return signIn(app, { email: person.email, password: person.password, totpSecret: person.totpSecret });
}
