import assert from 'node:assert/strict';
import type { Express } from 'express';
import { anonymousAgent, createRoleCast, signInAs, type SignedIn } from './support/agents';
import { startTestPlatform, type TestPlatform } from './support/platform';

type Who = 'anonymous' | 'org-member' | 'org-admin' | 'organiser' | 'platform-admin';
const EVERYONE: Who[] = ['anonymous', 'org-member', 'org-admin', 'organiser', 'platform-admin'];
const SIGNED_IN: Who[] = ['org-member', 'org-admin', 'organiser', 'platform-admin'];

interface RouteCase {
  method: 'GET' | 'POST';
  /** As registered on the router. */
  route: string;
  /** What is requested (parameters filled in). */
  path: string;
  /** Who gets past the guard, and the status they get for this (mostly empty) request. */
  allowed: Who[];
  status: number;
  /** Where the answer depends on the person rather than the role's access. */
  statusFor?: Partial<Record<Who, number>>;
}

const FAKE_TOKEN = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const NO_SUCH_ID = '0123456789abcdef01234567';

/**
 * Every route of the app with who may use it. The first test fails when a
 * route is added without a row here, so a new route cannot skip this matrix.
 */
const ROUTES: RouteCase[] = [
  { method: 'GET', route: '/healthz', path: '/healthz', allowed: EVERYONE, status: 200 },
  { method: 'GET', route: '/', path: '/', allowed: EVERYONE, status: 200 },
  { method: 'GET', route: '/locale/:locale', path: '/locale/zh', allowed: EVERYONE, status: 303 },
  { method: 'GET', route: '/industries', path: '/industries', allowed: EVERYONE, status: 200 },
  { method: 'GET', route: '/industries/:code', path: '/industries/aerospace', allowed: EVERYONE, status: 200 },
  { method: 'GET', route: '/api/industries', path: '/api/industries', allowed: EVERYONE, status: 200 },
  { method: 'GET', route: '/register', path: '/register', allowed: EVERYONE, status: 200 },
  { method: 'POST', route: '/register', path: '/register', allowed: EVERYONE, status: 422 },
  { method: 'GET', route: '/register/done', path: '/register/done', allowed: EVERYONE, status: 200 },
  { method: 'GET', route: '/verify-email/:token', path: `/verify-email/${FAKE_TOKEN}`, allowed: EVERYONE, status: 410 },
  { method: 'POST', route: '/verify-email/:token', path: `/verify-email/${FAKE_TOKEN}`, allowed: EVERYONE, status: 410 },
  { method: 'POST', route: '/verify-email', path: '/verify-email', allowed: EVERYONE, status: 422 },
  { method: 'GET', route: '/login', path: '/login', allowed: EVERYONE, status: 200 },
  { method: 'POST', route: '/login', path: '/login', allowed: EVERYONE, status: 422 },
  { method: 'GET', route: '/login/two-factor', path: '/login/two-factor', allowed: EVERYONE, status: 303 },
  { method: 'POST', route: '/login/two-factor', path: '/login/two-factor', allowed: EVERYONE, status: 303 },
  { method: 'GET', route: '/password/forgot', path: '/password/forgot', allowed: EVERYONE, status: 200 },
  { method: 'POST', route: '/password/forgot', path: '/password/forgot', allowed: EVERYONE, status: 422 },
  { method: 'GET', route: '/password/forgot/sent', path: '/password/forgot/sent', allowed: EVERYONE, status: 200 },
  { method: 'GET', route: '/password/reset/:token', path: `/password/reset/${FAKE_TOKEN}`, allowed: EVERYONE, status: 410 },
  { method: 'POST', route: '/password/reset/:token', path: `/password/reset/${FAKE_TOKEN}`, allowed: EVERYONE, status: 422 },
  { method: 'GET', route: '/invitations/:token', path: `/invitations/${FAKE_TOKEN}`, allowed: EVERYONE, status: 410 },
  { method: 'POST', route: '/invitations/:token', path: `/invitations/${FAKE_TOKEN}`, allowed: EVERYONE, status: 410 },
  { method: 'GET', route: '/organisation', path: '/organisation', allowed: ['org-member', 'org-admin', 'organiser'], status: 200 },
  { method: 'GET', route: '/organisation/members', path: '/organisation/members', allowed: ['org-member', 'org-admin', 'organiser'], status: 200 },
  { method: 'POST', route: '/organisation/members/invitations', path: '/organisation/members/invitations', allowed: ['org-admin'], status: 422 },
  { method: 'GET', route: '/organisation/edit', path: '/organisation/edit', allowed: ['org-admin'], status: 200 },
  { method: 'POST', route: '/organisation/edit', path: '/organisation/edit', allowed: ['org-admin'], status: 422 },
  // Multipart in real use; without a file it is a 422 form error.
  { method: 'POST', route: '/organisation/licence', path: '/organisation/licence', allowed: ['org-admin'], status: 422 },
  { method: 'GET', route: '/organisation/qualifications', path: '/organisation/qualifications', allowed: ['org-member', 'org-admin', 'organiser'], status: 200 },
  { method: 'GET', route: '/organisation/qualifications/new', path: '/organisation/qualifications/new', allowed: ['org-admin'], status: 200 },
  { method: 'POST', route: '/organisation/qualifications', path: '/organisation/qualifications', allowed: ['org-admin'], status: 422 },
  { method: 'GET', route: '/organisation/qualifications/:id/edit', path: `/organisation/qualifications/${NO_SUCH_ID}/edit`, allowed: ['org-admin'], status: 404 },
  { method: 'POST', route: '/organisation/qualifications/:id', path: `/organisation/qualifications/${NO_SUCH_ID}`, allowed: ['org-admin'], status: 404 },
  { method: 'GET', route: '/review/organisations', path: '/review/organisations', allowed: ['organiser', 'platform-admin'], status: 200 },
  { method: 'POST', route: '/review/organisations/:id', path: `/review/organisations/${NO_SUCH_ID}`, allowed: ['organiser', 'platform-admin'], status: 422 },
  { method: 'GET', route: '/review/qualifications', path: '/review/qualifications', allowed: ['organiser', 'platform-admin'], status: 200 },
  { method: 'POST', route: '/review/qualifications/:id', path: `/review/qualifications/${NO_SUCH_ID}`, allowed: ['organiser', 'platform-admin'], status: 422 },
  { method: 'GET', route: '/organisations', path: '/organisations', allowed: EVERYONE, status: 200 },
  { method: 'GET', route: '/organisations/:id', path: `/organisations/${NO_SUCH_ID}`, allowed: EVERYONE, status: 404 },
  // Someone else's or no file: 404 either way, so existence is not revealed.
  { method: 'GET', route: '/files/:id', path: `/files/${NO_SUCH_ID}`, allowed: SIGNED_IN, status: 404 },
  { method: 'GET', route: '/account', path: '/account', allowed: SIGNED_IN, status: 200 },
  { method: 'POST', route: '/account/profile', path: '/account/profile', allowed: SIGNED_IN, status: 422 },
  { method: 'POST', route: '/account/password', path: '/account/password', allowed: SIGNED_IN, status: 422 },
  { method: 'GET', route: '/account/two-factor', path: '/account/two-factor', allowed: SIGNED_IN, status: 200 },
  // Organisers and admins are already enrolled: a second enrolment is a conflict.
  { method: 'POST', route: '/account/two-factor', path: '/account/two-factor', allowed: SIGNED_IN, status: 422, statusFor: { organiser: 409, 'platform-admin': 409 } },
  { method: 'GET', route: '/account/two-factor/recovery-codes', path: '/account/two-factor/recovery-codes', allowed: SIGNED_IN, status: 303 },
  { method: 'POST', route: '/account/two-factor/recovery-codes', path: '/account/two-factor/recovery-codes', allowed: SIGNED_IN, status: 422 },
  { method: 'POST', route: '/account/two-factor/disable', path: '/account/two-factor/disable', allowed: SIGNED_IN, status: 422 },
  { method: 'GET', route: '/admin/organisers', path: '/admin/organisers', allowed: ['platform-admin'], status: 200 },
  { method: 'POST', route: '/admin/organisers', path: '/admin/organisers', allowed: ['platform-admin'], status: 422 },
  { method: 'POST', route: '/admin/organisers/:userId/revoke', path: `/admin/organisers/${NO_SUCH_ID}/revoke`, allowed: ['platform-admin'], status: 404 },
  { method: 'GET', route: '/admin/lockouts', path: '/admin/lockouts', allowed: ['platform-admin'], status: 200 },
  { method: 'POST', route: '/admin/lockouts/unlock', path: '/admin/lockouts/unlock', allowed: ['platform-admin'], status: 422 },
  { method: 'GET', route: '/admin/audit', path: '/admin/audit', allowed: ['platform-admin'], status: 200 },
  { method: 'GET', route: '/admin/outbox', path: '/admin/outbox', allowed: ['platform-admin'], status: 200 },
  { method: 'GET', route: '/admin/outbox/:id', path: `/admin/outbox/${NO_SUCH_ID}`, allowed: ['platform-admin'], status: 404 },
  // Capabilities: the cast's organisations are unverified, so publishing is refused after the guard.
  { method: 'GET', route: '/organisation/capabilities', path: '/organisation/capabilities', allowed: ['org-member', 'org-admin', 'organiser'], status: 200 },
  { method: 'GET', route: '/capabilities/new', path: '/capabilities/new', allowed: ['org-member', 'org-admin', 'organiser'], status: 403 },
  { method: 'POST', route: '/capabilities', path: '/capabilities', allowed: ['org-member', 'org-admin', 'organiser'], status: 403 },
  { method: 'GET', route: '/capabilities/:id', path: `/capabilities/${NO_SUCH_ID}`, allowed: EVERYONE, status: 404 },
  { method: 'GET', route: '/capabilities/:id/edit', path: `/capabilities/${NO_SUCH_ID}/edit`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'POST', route: '/capabilities/:id', path: `/capabilities/${NO_SUCH_ID}`, allowed: ['org-member', 'org-admin', 'organiser'], status: 403 },
  { method: 'POST', route: '/capabilities/:id/withdraw', path: `/capabilities/${NO_SUCH_ID}/withdraw`, allowed: SIGNED_IN, status: 404 },
  // Multipart in real use; the refused form re-renders the edit page of a capability that does not exist.
  { method: 'POST', route: '/capabilities/:id/attachments', path: `/capabilities/${NO_SUCH_ID}/attachments`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'POST', route: '/capabilities/:id/images', path: `/capabilities/${NO_SUCH_ID}/images`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'POST', route: '/capabilities/:id/attachments/:fileId/delete', path: `/capabilities/${NO_SUCH_ID}/attachments/${NO_SUCH_ID}/delete`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'POST', route: '/capabilities/:id/images/:fileId/delete', path: `/capabilities/${NO_SUCH_ID}/images/${NO_SUCH_ID}/delete`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'GET', route: '/capabilities/:id/attachments/:fileId', path: `/capabilities/${NO_SUCH_ID}/attachments/${NO_SUCH_ID}`, allowed: EVERYONE, status: 404 },
  { method: 'GET', route: '/capabilities/:id/images/:fileId', path: `/capabilities/${NO_SUCH_ID}/images/${NO_SUCH_ID}`, allowed: EVERYONE, status: 404 },
  // Taxonomy upkeep by organisers
  { method: 'GET', route: '/industries/:code/edit', path: '/industries/aerospace.uav/edit', allowed: ['organiser', 'platform-admin'], status: 200 },
  { method: 'POST', route: '/industries/:code', path: '/industries/aerospace.uav', allowed: ['organiser', 'platform-admin'], status: 422 },
  { method: 'GET', route: '/industries/:code/leaves/new', path: '/industries/aerospace/leaves/new', allowed: ['organiser', 'platform-admin'], status: 200 },
  { method: 'POST', route: '/industries/:code/leaves', path: '/industries/aerospace/leaves', allowed: ['organiser', 'platform-admin'], status: 422 },
  // Needs: the cast's organisations are unverified civilians, so posting is refused after the guard; no need has NO_SUCH_ID.
  { method: 'GET', route: '/needs/new', path: '/needs/new', allowed: ['org-member', 'org-admin', 'organiser'], status: 403 },
  { method: 'POST', route: '/needs', path: '/needs', allowed: ['org-member', 'org-admin', 'organiser'], status: 422 },
  { method: 'GET', route: '/needs/mine', path: '/needs/mine', allowed: ['org-member', 'org-admin', 'organiser'], status: 403 },
  { method: 'GET', route: '/needs/:id', path: `/needs/${NO_SUCH_ID}`, allowed: EVERYONE, status: 404 },
  { method: 'GET', route: '/api/needs/:id', path: `/api/needs/${NO_SUCH_ID}`, allowed: EVERYONE, status: 404 },
  { method: 'GET', route: '/needs/:id/edit', path: `/needs/${NO_SUCH_ID}/edit`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'POST', route: '/needs/:id', path: `/needs/${NO_SUCH_ID}`, allowed: ['org-member', 'org-admin', 'organiser'], status: 422 },
  { method: 'POST', route: '/needs/:id/submit', path: `/needs/${NO_SUCH_ID}/submit`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'POST', route: '/needs/:id/withdraw', path: `/needs/${NO_SUCH_ID}/withdraw`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'POST', route: '/needs/:id/close', path: `/needs/${NO_SUCH_ID}/close`, allowed: SIGNED_IN, status: 422 },
  { method: 'POST', route: '/needs/:id/review', path: `/needs/${NO_SUCH_ID}/review`, allowed: ['organiser', 'platform-admin'], status: 404 },
  // Multipart in real use; the refused form re-renders the need, which does not exist.
  { method: 'POST', route: '/needs/:id/attachments', path: `/needs/${NO_SUCH_ID}/attachments`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'POST', route: '/needs/:id/attachments/:attachmentId/delete', path: `/needs/${NO_SUCH_ID}/attachments/${NO_SUCH_ID}/delete`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'GET', route: '/needs/:id/attachments/:attachmentId', path: `/needs/${NO_SUCH_ID}/attachments/${NO_SUCH_ID}`, allowed: EVERYONE, status: 404 },
  { method: 'GET', route: '/review/needs', path: '/review/needs', allowed: ['organiser', 'platform-admin'], status: 200 },
  { method: 'GET', route: '/review/terms', path: '/review/terms', allowed: ['organiser', 'platform-admin'], status: 200 },
  { method: 'POST', route: '/review/terms', path: '/review/terms', allowed: ['organiser', 'platform-admin'], status: 422 },
  { method: 'POST', route: '/review/terms/:id/delete', path: `/review/terms/${NO_SUCH_ID}/delete`, allowed: ['organiser', 'platform-admin'], status: 404 },
  // Matching and responses: no need, capability or thread has NO_SUCH_ID; refused forms re-render a page that does not exist.
  { method: 'GET', route: '/needs/:id/matches', path: `/needs/${NO_SUCH_ID}/matches`, allowed: SIGNED_IN, status: 404 },
  { method: 'POST', route: '/needs/:id/invitations', path: `/needs/${NO_SUCH_ID}/invitations`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'GET', route: '/capabilities/:id/matches', path: `/capabilities/${NO_SUCH_ID}/matches`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'GET', route: '/needs/:id/respond', path: `/needs/${NO_SUCH_ID}/respond`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'POST', route: '/needs/:id/responses', path: `/needs/${NO_SUCH_ID}/responses`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'GET', route: '/responses', path: '/responses', allowed: ['org-member', 'org-admin', 'organiser'], status: 200 },
  { method: 'GET', route: '/responses/:id', path: `/responses/${NO_SUCH_ID}`, allowed: SIGNED_IN, status: 404 },
  { method: 'POST', route: '/responses/:id/status', path: `/responses/${NO_SUCH_ID}/status`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'POST', route: '/responses/:id/messages', path: `/responses/${NO_SUCH_ID}/messages`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'POST', route: '/responses/:id/outcome', path: `/responses/${NO_SUCH_ID}/outcome`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'POST', route: '/responses/:id/attachments', path: `/responses/${NO_SUCH_ID}/attachments`, allowed: ['org-member', 'org-admin', 'organiser'], status: 404 },
  { method: 'GET', route: '/responses/:id/attachments/:fileId', path: `/responses/${NO_SUCH_ID}/attachments/${NO_SUCH_ID}`, allowed: SIGNED_IN, status: 404 },
  { method: 'GET', route: '/inbox', path: '/inbox', allowed: ['org-member', 'org-admin', 'organiser'], status: 200 },
  { method: 'POST', route: '/inbox/read', path: '/inbox/read', allowed: ['org-member', 'org-admin', 'organiser'], status: 303 },
  { method: 'GET', route: '/organisation/alerts', path: '/organisation/alerts', allowed: ['org-member', 'org-admin', 'organiser'], status: 200 },
  // An empty form turns the digest off: nothing to refuse.
  { method: 'POST', route: '/organisation/alerts', path: '/organisation/alerts', allowed: ['org-member', 'org-admin', 'organiser'], status: 303 },
  { method: 'GET', route: '/search', path: '/search', allowed: EVERYONE, status: 200 },
  { method: 'GET', route: '/api/search', path: '/api/search', allowed: EVERYONE, status: 200 },
  // Last: it ends the session.
  { method: 'POST', route: '/logout', path: '/logout', allowed: EVERYONE, status: 303 },
];

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every (method, path) registered on the app, read from Express 5's router stack. */
function registeredRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${layer.route.path}`);
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found.sort();
}

describe('authorisation: every route for every role', () => {
  let test: TestPlatform;
  const agents = new Map<Who, SignedIn>();

  before(async function () {
    this.timeout(120_000);
    test = await startTestPlatform();
    const cast = await createRoleCast(test.platform);
    agents.set('anonymous', await anonymousAgent(test.app));
    for (const role of SIGNED_IN) agents.set(role, await signInAs(test.app, cast[role as Exclude<Who, 'anonymous'>]));
  });

  after(async () => {
    await test?.close();
  });

  it('has a row for every registered route and no row for a route that does not exist', () => {
    const table = ROUTES.map((row) => `${row.method} ${row.route}`).sort();
    assert.deepEqual(registeredRoutes(test.app), table);
  });

  for (const who of EVERYONE) {
    it(`answers ${who} as the table says on every route`, async function () {
      this.timeout(120_000);
      const signedIn = agents.get(who)!;
      const failures: string[] = [];
      for (const row of ROUTES) {
        const expected = row.allowed.includes(who) ? (row.statusFor?.[who] ?? row.status) : who === 'anonymous' ? 401 : 403;
        const response = row.method === 'GET' ? await signedIn.agent.get(row.path) : await signedIn.post(row.path, {});
        if (response.status !== expected) failures.push(`${row.method} ${row.path}: expected ${expected}, got ${response.status}`);
      }
      assert.deepEqual(failures, []);
    });
  }

  it('answers API clients with JSON 401/403 codes', async () => {
    const anonymous = await anonymousAgent(test.app);
    const denied = await anonymous.agent.get('/admin/audit').set('Accept', 'application/json').expect(401);
    assert.equal(denied.body.error.code, 'unauthenticated');
  });
});
