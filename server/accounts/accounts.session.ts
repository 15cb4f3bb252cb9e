import { promisify } from 'node:util';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy, type IVerifyOptions } from 'passport-local';
import type { Actor } from '../core/actor';
import { AppError } from '../core/errors';
import { SESSION_COOKIE } from '../core/session';
import { presentCurrentUser } from './accounts.presenter';
import type { AuthService, PasswordOutcome } from './auth.service';

declare module 'express-session' {
  interface SessionData {
    /** Password accepted, second factor outstanding. */
    pendingLogin: { userId: string; at: number; next?: string };
    /** Shown once on the page after they were generated. */
    freshRecoveryCodes: string[];
  }
}

/** The second step must follow the first promptly. */
export const PENDING_LOGIN_MS = 5 * 60_000;

/** Paths a privileged person without a second factor may still use: enrolment itself and leaving. */
const ENROLMENT_PATHS = [/^\/account\/two-factor(\/|$)/, /^\/logout$/, /^\/locale\//, /^\/healthz$/];

interface OutcomeInfo extends IVerifyOptions {
  outcome: PasswordOutcome;
}

export type Authentication = ReturnType<typeof createAuthentication>;

/**
 * Passport on the app's own instance (no global singleton): the local
 * strategy checks e-mail and password through the auth service, the session
 * keeps only the user id, and every request reloads the person so role
 * changes, disabling and password resets take effect at once.
 */
export function createAuthentication(auth: AuthService) {
  const passport = new Passport();

  passport.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false }, (req, email, password, done) => {
      auth.attemptPassword({ email: email.trim().toLowerCase(), password, ip: req.ip ?? 'unknown' }).then(
        (outcome) => {
          if (outcome.kind === 'signed-in') return done(null, outcome.actor);
          const info: OutcomeInfo = { message: outcome.kind, outcome };
          return done(null, false, info);
        },
        done,
      );
    }),
  );
  passport.serializeUser<string>((user, done) => done(null, user.id));
  passport.deserializeUser<string, Request>((req: Request, id: string, done: (error: unknown, user?: Express.User | false) => void) => {
    auth.sessionAccount(id, req.session.authenticatedAt).then((account) => {
      if (!account) return done(null, false);
      if (req.res) req.res.locals.currentUser = presentCurrentUser(account);
      return done(null, account.actor);
    }, done);
  });

  return {
    middleware(): RequestHandler[] {
      return [
        (_req: Request, res: Response, next: NextFunction) => {
          res.locals.currentUser = null;
          next();
        },
        passport.session(),
        twoFactorEnrolmentGate,
      ];
    },

    /** Runs the local strategy; resolves with the actor or the reason there is none. */
    checkPassword(req: Request, res: Response): Promise<PasswordOutcome> {
      return new Promise((resolve, reject) => {
        passport.authenticate('local', { session: false }, (error: unknown, actor: Actor | false, info: Partial<OutcomeInfo> | undefined) => {
          if (error) return reject(error);
          if (actor) return resolve({ kind: 'signed-in', actor });
          // Passport answers a form without both fields itself, with no outcome.
          resolve(info?.outcome ?? { kind: 'invalid' });
        })(req, res, (error?: unknown) => (error ? reject(error) : undefined));
      });
    },

    /** Starts the signed-in session: a new session id (Passport regenerates it) and the absolute-timeout clock. */
    async logIn(req: Request, actor: Actor): Promise<void> {
      await promisify((user: Express.User, callback: (error?: unknown) => void) => req.login(user, callback))(actor);
      req.session.authenticatedAt = Date.now();
    },

    async logOut(req: Request, res: Response): Promise<void> {
      await promisify((callback: (error?: unknown) => void) => req.logout(callback))();
      await promisify(req.session.destroy.bind(req.session))();
      res.clearCookie(SESSION_COOKIE, { path: '/' });
    },
  };
}

function twoFactorEnrolmentGate(req: Request, res: Response, next: NextFunction): void {
  if (!res.locals.currentUser?.twoFactorDue || ENROLMENT_PATHS.some((pattern) => pattern.test(req.path))) return next();
  if (req.method === 'GET' && !req.path.startsWith('/api/')) return res.redirect(303, '/account/two-factor');
  throw new AppError(403, 'two_factor_enrolment_required', '请先启用两步验证 / Set up two-factor authentication first');
}
