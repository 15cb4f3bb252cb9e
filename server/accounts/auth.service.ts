import { randomBytes } from 'node:crypto';
import type { Actor, Role } from '../core/actor';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors';
import { generateTotpSecret, matchTotp, otpauthUri } from '../core/totp';
import type { AuditService } from '../audit';
import type { MailService } from '../mail';
import { sha256, type AccountTokens } from './account-tokens';
import type { UserModel, UserRecord } from './accounts.model';
import { accountKey, addressKey, type LoginThrottle } from './login-throttle';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords';

/** Roles that may not work without a second factor. */
export const TWO_FACTOR_ROLES: readonly Role[] = ['platform-admin', 'organiser'];
export const RESET_TOKEN_VALID_MS = 60 * 60_000;
const RECOVERY_CODE_COUNT = 10;
const TOTP_ISSUER = 'Rongtong 融通';

export class TokenInvalidError extends AppError {
  constructor() {
    super(410, 'token_invalid', '链接无效、已使用或已过期 / This link is invalid, used or expired');
  }
}

export function actorOfUser(user: UserRecord): Actor {
  return { id: user._id.toHexString(), roles: [...user.roles], ...(user.organisationId ? { organisationId: user.organisationId } : {}) };
}

export function auditActorOfUser(user: UserRecord) {
  return { ...actorOfUser(user), label: user.email };
}

export function requiresTwoFactor(roles: readonly Role[]): boolean {
  return roles.some((role) => TWO_FACTOR_ROLES.includes(role));
}

/** xxxxx-xxxxx from an alphabet without look-alikes; 50 bits each, so a plain SHA-256 is enough to store them. */
function newRecoveryCode(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(10);
  const chars = [...bytes].map((byte) => alphabet[byte % alphabet.length]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export interface SessionAccount {
  actor: Actor;
  email: string;
  name: string;
  locale: 'zh' | 'en';
  twoFactorEnabled: boolean;
  /** A privileged person who has not enrolled yet: nothing else is allowed until they do. */
  twoFactorDue: boolean;
}

export type PasswordOutcome =
  | { kind: 'signed-in'; actor: Actor }
  | { kind: 'second-factor'; userId: string }
  | { kind: 'invalid' }
  | { kind: 'locked'; until: Date }
  | { kind: 'unverified' };

export type SecondFactorOutcome = { kind: 'signed-in'; actor: Actor } | { kind: 'invalid' } | { kind: 'locked'; until: Date };

export interface AuthServiceDeps {
  users: UserModel;
  tokens: AccountTokens;
  throttle: LoginThrottle;
  audit: AuditService;
  mail: MailService;
}

export function createAuthService({ users, tokens, throttle, audit, mail }: AuthServiceDeps) {
  async function findUser(id: string): Promise<UserRecord | null> {
    return /^[a-f0-9]{24}$/.test(id) ? users.findById(id).lean<UserRecord>() : null;
  }

  async function requireUserRecord(actor: Actor | null): Promise<UserRecord> {
    if (!actor) throw new ForbiddenError();
    const user = await findUser(actor.id);
    if (!user || user.disabledAt) throw new ForbiddenError();
    return user;
  }

  async function recordFailure(email: string, ip: string, stage: 'password' | 'second-factor', user: UserRecord | null): Promise<Date | null> {
    const started = await throttle.fail([accountKey(email), addressKey(ip)]);
    await audit.record({
      actor: user ? auditActorOfUser(user) : null,
      actorLabel: email,
      action: 'auth.login_failed',
      target: user ? { type: 'user', id: user._id.toHexString(), label: user.email } : undefined,
      details: { stage, knownAccount: Boolean(user) },
      ip,
    });
    for (const lockout of started) {
      await audit.record({
        actor: null,
        actorLabel: email,
        action: 'auth.lockout',
        target: { type: lockout.key.startsWith('ip:') ? 'address' : 'account', id: lockout.key, label: lockout.key.replace(/^(account|ip):/, '') },
        details: { until: lockout.until.toISOString(), lockoutsInARow: lockout.lockouts },
        ip,
      });
    }
    return started.length ? await throttle.lockedUntil([accountKey(email), addressKey(ip)]) : null;
  }

  async function signedIn(user: UserRecord, ip: string, method: string): Promise<Actor> {
    await throttle.succeed(accountKey(user.email));
    await audit.record({ actor: auditActorOfUser(user), action: 'auth.login', target: { type: 'user', id: user._id.toHexString(), label: user.email }, details: { method }, ip });
    return actorOfUser(user);
  }

  async function issueRecoveryCodes(userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await users.updateOne({ _id: userId }, { $set: { recoveryCodes: codes.map((code) => ({ hash: sha256(normaliseRecoveryCode(code)), usedAt: null })) } });
    return codes;
  }

  return {
    /** What a request's session stands for, or null when the session must no longer be honoured. */
    async sessionAccount(userId: string, authenticatedAt: number | undefined): Promise<SessionAccount | null> {
      const user = await findUser(userId);
      if (!user || user.disabledAt) return null;
      if (authenticatedAt === undefined || user.credentialsChangedAt.getTime() > authenticatedAt) return null;
      const actor = actorOfUser(user);
      return {
        actor,
        email: user.email,
        name: user.name,
        locale: user.locale,
        twoFactorEnabled: Boolean(user.totp),
        twoFactorDue: !user.totp && requiresTwoFactor(user.roles),
      };
    },

    async attemptPassword(input: { email: string; password: string; ip: string }): Promise<PasswordOutcome> {
      const keys = [accountKey(input.email), addressKey(input.ip)];
      const lockedUntil = await throttle.lockedUntil(keys);
      if (lockedUntil) {
        await burnPasswordCheck(input.password);
        await audit.record({ actor: null, actorLabel: input.email, action: 'auth.login_refused', details: { reason: 'locked', until: lockedUntil.toISOString() }, ip: input.ip });
        return { kind: 'locked', until: lockedUntil };
      }
      const user = await users.findOne({ email: input.email }).lean<UserRecord>();
      const passwordOk = user && !user.disabledAt ? await verifyPassword(user.passwordHash, input.password) : (await burnPasswordCheck(input.password), false);
      if (!user || !passwordOk) {
        const until = await recordFailure(input.email, input.ip, 'password', user);
        return until ? { kind: 'locked', until } : { kind: 'invalid' };
      }
      if (!user.emailVerifiedAt) return { kind: 'unverified' };
      if (user.totp) return { kind: 'second-factor', userId: user._id.toHexString() };
      return { kind: 'signed-in', actor: await signedIn(user, input.ip, 'password') };
    },

    /** The second step: a TOTP code (each accepted once) or an unused recovery code. */
    async attemptSecondFactor(input: { userId: string; code: string; ip: string }): Promise<SecondFactorOutcome> {
      const user = await findUser(input.userId);
      if (!user || user.disabledAt || !user.totp) return { kind: 'invalid' };
      const lockedUntil = await throttle.lockedUntil([accountKey(user.email), addressKey(input.ip)]);
      if (lockedUntil) return { kind: 'locked', until: lockedUntil };

      const step = matchTotp(user.totp.secret, input.code);
      if (step !== null) {
        const claimed = await users.updateOne({ _id: user._id, 'totp.lastStep': { $lt: step } }, { $set: { 'totp.lastStep': step } });
        if (claimed.modifiedCount === 1) return { kind: 'signed-in', actor: await signedIn(user, input.ip, 'totp') };
      } else {
        const hash = sha256(normaliseRecoveryCode(input.code));
        const index = user.recoveryCodes.findIndex((entry) => entry.hash === hash && !entry.usedAt);
        if (index >= 0) {
          const path = `recoveryCodes.${index}.usedAt`;
          const spent = await users.updateOne({ _id: user._id, [path]: null }, { $set: { [path]: new Date() } });
          if (spent.modifiedCount === 1) {
            await audit.record({ actor: auditActorOfUser(user), action: 'auth.recovery_code_used', target: { type: 'user', id: user._id.toHexString(), label: user.email }, details: { remaining: user.recoveryCodes.filter((entry) => !entry.usedAt).length - 1 }, ip: input.ip });
            return { kind: 'signed-in', actor: await signedIn(user, input.ip, 'recovery-code') };
          }
        }
      }
      const until = await recordFailure(user.email, input.ip, 'second-factor', user);
      return until ? { kind: 'locked', until } : { kind: 'invalid' };
    },

    async recordLogout(actor: Actor, ip: string): Promise<void> {
      await audit.record({ actor, action: 'auth.logout', target: { type: 'user', id: actor.id }, ip });
    },

    /** Always looks the same to the caller, so the form does not reveal which addresses have accounts. */
    async requestPasswordReset(email: string, ip: string): Promise<void> {
      const user = await users.findOne({ email, disabledAt: null }).lean<UserRecord>();
      await audit.record({ actor: null, actorLabel: email, action: 'auth.password_reset_requested', details: { knownAccount: Boolean(user) }, ip });
      if (!user) return;
      const userId = user._id.toHexString();
      await tokens.revokeOutstanding('reset-password', { userId });
      const { token } = await tokens.issue({ purpose: 'reset-password', email: user.email, userId, validMs: RESET_TOKEN_VALID_MS });
      await mail.send({
        to: user.email,
        template: 'password-reset',
        locale: user.locale,
        params: { name: user.name, link: mail.link(`/password/reset/${token}`), validMinutes: RESET_TOKEN_VALID_MS / 60_000 },
      });
    },

    async checkResetToken(token: string): Promise<void> {
      if (!(await tokens.peek('reset-password', token))) throw new TokenInvalidError();
    },

    /** Spends the token, sets the password, ends every other session and lifts a lockout (the inbox was proven). */
    async resetPassword(token: string, newPassword: string, ip: string): Promise<void> {
      const spent = await tokens.consume('reset-password', token);
      if (!spent?.userId) throw new TokenInvalidError();
      const user = await findUser(spent.userId);
      if (!user) throw new TokenInvalidError();
      const now = new Date();
      await users.updateOne(
        { _id: user._id },
        { $set: { passwordHash: await hashPassword(newPassword), credentialsChangedAt: now, emailVerifiedAt: user.emailVerifiedAt ?? now } },
      );
      await throttle.unlock(accountKey(user.email));
      await audit.record({ actor: auditActorOfUser(user), action: 'auth.password_reset', target: { type: 'user', id: user._id.toHexString(), label: user.email }, ip });
    },

    async changePassword(actor: Actor | null, input: { currentPassword: string; password: string }, ip: string): Promise<void> {
      const user = await requireUserRecord(actor);
      if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
        throw new ValidationError({ currentPassword: ['当前密码不正确 / The current password is wrong'] });
      }
      await users.updateOne({ _id: user._id }, { $set: { passwordHash: await hashPassword(input.password), credentialsChangedAt: new Date() } });
      await audit.record({ actor: auditActorOfUser(user), action: 'auth.password_changed', target: { type: 'user', id: user._id.toHexString(), label: user.email }, ip });
    },

    /** Proposes a secret (kept until confirmed, so reloading the page does not invalidate a scanned QR code). */
    async beginTotpEnrolment(actor: Actor | null): Promise<{ secret: string; uri: string }> {
      const user = await requireUserRecord(actor);
      if (user.totp) throw new ConflictError('totp_already_enabled', '已启用两步验证 / Two-factor authentication is already on');
      const secret = user.pendingTotpSecret ?? generateTotpSecret();
      if (!user.pendingTotpSecret) await users.updateOne({ _id: user._id }, { $set: { pendingTotpSecret: secret } });
      return { secret, uri: otpauthUri({ secret, account: user.email, issuer: TOTP_ISSUER }) };
    },

    /** Turns TOTP on once a code from the proposed secret is shown; returns the recovery codes (shown once). */
    async confirmTotpEnrolment(actor: Actor | null, code: string, ip: string): Promise<string[]> {
      const user = await requireUserRecord(actor);
      if (user.totp) throw new ConflictError('totp_already_enabled', '已启用两步验证 / Two-factor authentication is already on');
      const step = user.pendingTotpSecret ? matchTotp(user.pendingTotpSecret, code) : null;
      if (!user.pendingTotpSecret || step === null) throw new ValidationError({ code: ['验证码不正确，请核对手机时间后重试 / Wrong code; check the clock of your phone and try again'] });
      await users.updateOne({ _id: user._id }, { $set: { totp: { secret: user.pendingTotpSecret, enabledAt: new Date(), lastStep: step }, pendingTotpSecret: null } });
      const codes = await issueRecoveryCodes(user._id.toHexString());
      await audit.record({ actor: auditActorOfUser(user), action: 'auth.totp_enabled', target: { type: 'user', id: user._id.toHexString(), label: user.email }, ip });
      return codes;
    },

    async regenerateRecoveryCodes(actor: Actor | null, code: string, ip: string): Promise<string[]> {
      const user = await requireUserRecord(actor);
      if (!user.totp) throw new ConflictError('totp_not_enabled', '尚未启用两步验证 / Two-factor authentication is off');
      const step = matchTotp(user.totp.secret, code);
      const claimed = step === null ? null : await users.updateOne({ _id: user._id, 'totp.lastStep': { $lt: step } }, { $set: { 'totp.lastStep': step } });
      if (!claimed || claimed.modifiedCount !== 1) throw new ValidationError({ code: ['验证码不正确 / Wrong code'] });
      const codes = await issueRecoveryCodes(user._id.toHexString());
      await audit.record({ actor: auditActorOfUser(user), action: 'auth.recovery_codes_regenerated', target: { type: 'user', id: user._id.toHexString(), label: user.email }, ip });
      return codes;
    },

    async disableTotp(actor: Actor | null, currentPassword: string, ip: string): Promise<void> {
      const user = await requireUserRecord(actor);
      if (requiresTwoFactor(user.roles)) throw new ForbiddenError('您的角色必须启用两步验证 / Your role requires two-factor authentication');
      if (!user.totp) throw new NotFoundError('尚未启用两步验证 / Two-factor authentication is off');
      if (!(await verifyPassword(user.passwordHash, currentPassword))) {
        throw new ValidationError({ currentPassword: ['当前密码不正确 / The current password is wrong'] });
      }
      await users.updateOne({ _id: user._id }, { $set: { totp: null, pendingTotpSecret: null, recoveryCodes: [] } });
      await audit.record({ actor: auditActorOfUser(user), action: 'auth.totp_disabled', target: { type: 'user', id: user._id.toHexString(), label: user.email }, ip });
    },

    async recoveryCodesLeft(actor: Actor | null): Promise<number> {
      const user = await requireUserRecord(actor);
      return user.recoveryCodes.filter((entry) => !entry.usedAt).length;
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
