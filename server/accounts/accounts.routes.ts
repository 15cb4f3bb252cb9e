import { Router, type Request, type Response } from 'express';
import QRCode from 'qrcode';
import { actorOf, guardedRouter, publicRoute, requireRole, requireUser } from '../core/guards';
import { blankForm, formRoute } from '../core/forms';
import type { Locale } from '../core/i18n';
import { clientIp, noticeOf } from '../core/request-info';
import { validate } from '../core/validate';
import { formatTime } from '../core/time';
import { presentOrganisationFormOptions, type OrganisationService } from '../organisations';
import type { RegionsService } from '../regions';
import type { TaxonomyService } from '../taxonomy';
import {
  acceptInvitationInput,
  appointmentInput,
  changePasswordInput,
  disableTotpInput,
  emailInput,
  invitationInput,
  loginInput,
  profileInput,
  registrationInput,
  resetPasswordInput,
  secondFactorInput,
  tokenParams,
  totpCodeInput,
  unlockInput,
  userIdParams,
} from './accounts.schemas';
import { presentInvitation, presentOrganisationSummary, presentPerson, roleLabel } from './accounts.presenter';
import type { AccountsService } from './accounts.service';
import { PENDING_LOGIN_MS, type Authentication } from './accounts.session';
import type { AuthService } from './auth.service';

export interface AccountsRoutesDeps {
  accounts: AccountsService;
  auth: AuthService;
  authentication: Authentication;
  organisations: OrganisationService;
  regions: RegionsService;
  taxonomy: TaxonomyService;
}

const NOTICES = new Set(['registered', 'verified', 'reset', 'invited', 'joined', 'saved', 'password-changed', 'two-factor-off', 'appointed', 'revoked', 'unlocked', 'signed-out', 'expired']);
const notice = (req: Request) => noticeOf(req, NOTICES);

export function accountsRoutes(deps: AccountsRoutesDeps): Router {
  const { accounts, auth, authentication, organisations, regions, taxonomy } = deps;
  const router = guardedRouter(Router());

  const registrationLocals = async (_req: Request, res: Response) =>
    presentOrganisationFormOptions({ organisations, regions, domains: await taxonomy.listDomains(), locale: res.locals.locale });

  // Registration and e-mail verification

  router.get('/register', publicRoute, async (req, res) => {
    res.render('accounts/register', { ...(await registrationLocals(req, res)), ...blankForm({ industries: [] }) });
  });

  router.post(
    '/register',
    publicRoute,
    formRoute(
      'accounts/register',
      async (req, res) => {
        const input = validate(registrationInput, req.body);
        await accounts.register(input, clientIp(req));
        res.redirect(303, '/register/done');
      },
      registrationLocals,
    ),
  );

  router.get('/register/done', publicRoute, (_req, res) => {
    res.render('accounts/register-done');
  });

  router.get('/verify-email/:token', publicRoute, async (req, res) => {
    const { token } = validate(tokenParams, req.params);
    await accounts.checkVerificationToken(token);
    res.render('accounts/verify-email', { token });
  });

  router.post('/verify-email/:token', publicRoute, async (req, res) => {
    const { token } = validate(tokenParams, req.params);
    await accounts.verifyEmail(token, clientIp(req));
    res.redirect(303, '/login?notice=verified');
  });

  router.post(
    '/verify-email',
    publicRoute,
    formRoute('accounts/login', async (req, res) => {
      const { email } = validate(emailInput, req.body);
      await accounts.resendVerification(email);
      res.redirect(303, '/register/done');
    }),
  );

  // Signing in and out

  router.get('/login', publicRoute, (req, res) => {
    const next = validate(loginInput.pick({ next: true }), req.query).next;
    res.render('accounts/login', { ...blankForm({ next }), notice: notice(req) });
  });

  router.post(
    '/login',
    publicRoute,
    formRoute('accounts/login', async (req, res) => {
      const input = validate(loginInput, req.body);
      req.body.email = input.email;
      const outcome = await authentication.checkPassword(req, res);
      switch (outcome.kind) {
        case 'signed-in':
          await authentication.logIn(req, outcome.actor);
          return res.redirect(303, input.next ?? '/account');
        case 'second-factor':
          req.session.pendingLogin = { userId: outcome.userId, at: Date.now(), next: input.next };
          return res.redirect(303, '/login/two-factor');
        case 'locked':
          return res.status(429).render('accounts/login', { ...blankForm({ email: input.email }), failure: 'locked', lockedUntil: formatTime(outcome.until) });
        case 'unverified':
          return res.status(403).render('accounts/login', { ...blankForm({ email: input.email }), failure: 'unverified' });
        case 'invalid':
          return res.status(422).render('accounts/login', { ...blankForm({ email: input.email, next: input.next }), failure: 'invalid' });
      }
    }),
  );

  router.get('/login/two-factor', publicRoute, (req, res) => {
    const pending = req.session.pendingLogin;
    if (!pending || Date.now() - pending.at > PENDING_LOGIN_MS) return res.redirect(303, '/login?notice=expired');
    res.render('accounts/login-two-factor', blankForm());
  });

  router.post(
    '/login/two-factor',
    publicRoute,
    formRoute('accounts/login-two-factor', async (req, res) => {
      const pending = req.session.pendingLogin;
      if (!pending || Date.now() - pending.at > PENDING_LOGIN_MS) return res.redirect(303, '/login?notice=expired');
      const { code } = validate(secondFactorInput, req.body);
      const outcome = await auth.attemptSecondFactor({ userId: pending.userId, code, ip: clientIp(req) });
      if (outcome.kind === 'signed-in') {
        await authentication.logIn(req, outcome.actor);
        return res.redirect(303, pending.next ?? '/account');
      }
      if (outcome.kind === 'locked') {
        delete req.session.pendingLogin;
        return res.status(429).render('accounts/login', { ...blankForm(), failure: 'locked', lockedUntil: formatTime(outcome.until) });
      }
      res.status(422).render('accounts/login-two-factor', { ...blankForm(), errors: { code: [res.locals.t('auth.twoFactor.wrong')] } });
    }),
  );

  router.post('/logout', publicRoute, async (req, res) => {
    const actor = actorOf(req);
    if (actor) await auth.recordLogout(actor, clientIp(req));
    await authentication.logOut(req, res);
    res.redirect(303, '/?notice=signed-out');
  });

  // Password reset

  router.get('/password/forgot', publicRoute, (_req, res) => {
    res.render('accounts/forgot-password', blankForm());
  });

  router.post(
    '/password/forgot',
    publicRoute,
    formRoute('accounts/forgot-password', async (req, res) => {
      const { email } = validate(emailInput, req.body);
      await auth.requestPasswordReset(email, clientIp(req));
      res.redirect(303, '/password/forgot/sent');
    }),
  );

  router.get('/password/forgot/sent', publicRoute, (_req, res) => {
    res.render('accounts/forgot-password-sent');
  });

  router.get('/password/reset/:token', publicRoute, async (req, res) => {
    const { token } = validate(tokenParams, req.params);
    await auth.checkResetToken(token);
    res.render('accounts/reset-password', { token, ...blankForm() });
  });

  router.post(
    '/password/reset/:token',
    publicRoute,
    formRoute(
      'accounts/reset-password',
      async (req, res) => {
        const { token } = validate(tokenParams, req.params);
        const input = validate(resetPasswordInput, req.body);
        await auth.resetPassword(token, input.password, clientIp(req));
        res.redirect(303, '/login?notice=reset');
      },
      (req) => ({ token: req.params.token }),
    ),
  );

  // Invitations

  router.get('/invitations/:token', publicRoute, async (req, res) => {
    const { token } = validate(tokenParams, req.params);
    const invitation = await accounts.invitation(token);
    res.render('accounts/invitation', { token, email: invitation.email, organisation: invitation.organisation.name, ...blankForm() });
  });

  router.post(
    '/invitations/:token',
    publicRoute,
    formRoute(
      'accounts/invitation',
      async (req, res) => {
        const { token } = validate(tokenParams, req.params);
        const input = validate(acceptInvitationInput, req.body);
        await accounts.acceptInvitation(token, input, clientIp(req));
        res.redirect(303, '/login?notice=joined');
      },
      async (req) => {
        const { token } = validate(tokenParams, req.params);
        const invitation = await accounts.invitation(token);
        return { token, email: invitation.email, organisation: invitation.organisation.name };
      },
    ),
  );

  const membersLocals = async (req: Request, res: Response) => {
    const locale: Locale = res.locals.locale;
    const { organisation, members, invitations } = await accounts.members(actorOf(req));
    return {
      organisation: presentOrganisationSummary(organisation, organisations, locale),
      members: members.map((person) => presentPerson(person, locale)),
      invitations: invitations.map((invitation) => presentInvitation(invitation, locale)),
      roleOptions: (['org-member', 'org-admin'] as const).map((role) => ({ value: role, label: roleLabel(role, locale) })),
      canInvite: actorOf(req)?.roles.includes('org-admin') ?? false,
    };
  };

  router.get('/organisation/members', requireRole('org-admin', 'org-member'), async (req, res) => {
    res.render('accounts/members', { ...(await membersLocals(req, res)), ...blankForm({ role: 'org-member' }), notice: notice(req) });
  });

  router.post(
    '/organisation/members/invitations',
    requireRole('org-admin'),
    formRoute(
      'accounts/members',
      async (req, res) => {
        const input = validate(invitationInput, req.body);
        await accounts.inviteMember(actorOf(req), input, clientIp(req));
        res.redirect(303, '/organisation/members?notice=invited');
      },
      async (req, res) => ({ ...(await membersLocals(req, res)), notice: null }),
    ),
  );

  // Account settings and two-factor authentication

  const accountLocals = async (req: Request, res: Response) => {
    const locale: Locale = res.locals.locale;
    const profile = await accounts.profile(actorOf(req));
    return {
      profile: {
        name: profile.name,
        email: profile.email,
        roles: profile.roles.map((role) => roleLabel(role, locale)).join('、'),
        organisation: profile.organisation ? presentOrganisationSummary(profile.organisation, organisations, locale) : null,
        twoFactorEnabled: profile.twoFactorEnabled,
        twoFactorRequired: profile.roles.some((role) => role === 'organiser' || role === 'platform-admin'),
        recoveryCodesLeft: profile.twoFactorEnabled ? await auth.recoveryCodesLeft(actorOf(req)) : 0,
      },
      notice: notice(req),
    };
  };

  router.get('/account', requireUser, async (req, res) => {
    const locals = await accountLocals(req, res);
    const profile = await accounts.profile(actorOf(req));
    res.render('accounts/account', { ...locals, ...blankForm({ name: profile.name, locale: profile.locale }) });
  });

  router.post(
    '/account/profile',
    requireUser,
    formRoute(
      'accounts/account',
      async (req, res) => {
        const input = validate(profileInput, req.body);
        await accounts.updateProfile(actorOf(req), input);
        res.redirect(303, '/account?notice=saved');
      },
      accountLocals,
    ),
  );

  router.post(
    '/account/password',
    requireUser,
    formRoute(
      'accounts/account',
      async (req, res) => {
        const input = validate(changePasswordInput, req.body);
        const actor = actorOf(req)!;
        await auth.changePassword(actor, input, clientIp(req));
        // Other sessions end with the old credentials; this one continues under a fresh id.
        await authentication.logIn(req, actor);
        res.redirect(303, '/account?notice=password-changed');
      },
      accountLocals,
    ),
  );

  const enrolmentLocals = async (req: Request) => {
    const { secret, uri } = await auth.beginTotpEnrolment(actorOf(req));
    return { secret, uri, qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) };
  };

  router.get('/account/two-factor', requireUser, async (req, res) => {
    const profile = await accounts.profile(actorOf(req));
    if (profile.twoFactorEnabled) return res.render('accounts/two-factor-status', { ...(await accountLocals(req, res)), ...blankForm() });
    res.render('accounts/two-factor-enrol', { ...(await enrolmentLocals(req)), ...blankForm() });
  });

  router.post(
    '/account/two-factor',
    requireUser,
    formRoute(
      'accounts/two-factor-enrol',
      async (req, res) => {
        const { code } = validate(totpCodeInput, req.body);
        req.session.freshRecoveryCodes = await auth.confirmTotpEnrolment(actorOf(req), code, clientIp(req));
        res.redirect(303, '/account/two-factor/recovery-codes');
      },
      enrolmentLocals,
    ),
  );

  router.get('/account/two-factor/recovery-codes', requireUser, (req, res) => {
    const codes = req.session.freshRecoveryCodes;
    if (!codes) return res.redirect(303, '/account/two-factor');
    delete req.session.freshRecoveryCodes;
    res.set('Cache-Control', 'no-store').render('accounts/recovery-codes', { codes });
  });

  router.post(
    '/account/two-factor/recovery-codes',
    requireUser,
    formRoute(
      'accounts/two-factor-status',
      async (req, res) => {
        const { code } = validate(totpCodeInput, req.body);
        req.session.freshRecoveryCodes = await auth.regenerateRecoveryCodes(actorOf(req), code, clientIp(req));
        res.redirect(303, '/account/two-factor/recovery-codes');
      },
      accountLocals,
    ),
  );

  router.post(
    '/account/two-factor/disable',
    requireUser,
    formRoute(
      'accounts/two-factor-status',
      async (req, res) => {
        const { currentPassword } = validate(disableTotpInput, req.body);
        await auth.disableTotp(actorOf(req), currentPassword, clientIp(req));
        res.redirect(303, '/account?notice=two-factor-off');
      },
      accountLocals,
    ),
  );

  // Platform administration: organisers and lockouts

  const organisersLocals = async (req: Request, res: Response) => {
    const locale: Locale = res.locals.locale;
    const { people } = await accounts.organiserCandidates(actorOf(req));
    return {
      people: people.map((person) => ({ ...presentPerson(person, locale), organisation: person.organisation?.name ?? '—' })),
      notice: notice(req),
    };
  };

  router.get('/admin/organisers', requireRole('platform-admin'), async (req, res) => {
    res.render('accounts/admin-organisers', { ...(await organisersLocals(req, res)), ...blankForm() });
  });

  router.post(
    '/admin/organisers',
    requireRole('platform-admin'),
    formRoute(
      'accounts/admin-organisers',
      async (req, res) => {
        const { userId } = validate(appointmentInput, req.body);
        await accounts.appointOrganiser(actorOf(req), userId, clientIp(req));
        res.redirect(303, '/admin/organisers?notice=appointed');
      },
      organisersLocals,
    ),
  );

  router.post('/admin/organisers/:userId/revoke', requireRole('platform-admin'), async (req, res) => {
    const { userId } = validate(userIdParams, req.params);
    await accounts.revokeOrganiser(actorOf(req), userId, clientIp(req));
    res.redirect(303, '/admin/organisers?notice=revoked');
  });

  router.get('/admin/lockouts', requireRole('platform-admin'), async (req, res) => {
    const rows = await accounts.lockouts(actorOf(req));
    res.render('accounts/admin-lockouts', {
      rows: rows.map((row) => ({ ...row, lockedUntil: row.lockedUntil && row.lockedUntil > new Date() ? formatTime(row.lockedUntil) : '' })),
      notice: notice(req),
    });
  });

  router.post('/admin/lockouts/unlock', requireRole('platform-admin'), async (req, res) => {
    const { key } = validate(unlockInput, req.body);
    await accounts.unlock(actorOf(req), key, clientIp(req));
    res.redirect(303, '/admin/lockouts?notice=unlocked');
  });

  return router;
}
