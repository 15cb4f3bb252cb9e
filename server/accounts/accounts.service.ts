import type { Actor, Role } from '../core/actor';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors';
import { base32Decode, totpStep } from '../core/totp';
import { validate } from '../core/validate';
import type { AuditService } from '../audit';
import type { MailService } from '../mail';
import type { Organisation, OrganisationService } from '../organisations';
import type { AccountTokens } from './account-tokens';
import type { AccountTokenRecord, UserModel, UserRecord } from './accounts.model';
import { provisionInput, type ProvisionInput, type RegistrationInput } from './accounts.schemas';
import { auditActorOfUser, TokenInvalidError } from './auth.service';
import { accountKey, addressKey, type LoginThrottle } from './login-throttle';
import { hashPassword } from './passwords';

export const VERIFY_EMAIL_VALID_MS = 24 * 3_600_000;
export const INVITATION_VALID_DAYS = 7;

export interface Person {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  organisationId: string | null;
  emailVerified: boolean;
  twoFactorEnabled: boolean;
  createdAt: Date;
}

function toPerson(user: UserRecord): Person {
  return {
    id: user._id.toHexString(),
    email: user.email,
    name: user.name,
    roles: [...user.roles],
    organisationId: user.organisationId,
    emailVerified: Boolean(user.emailVerifiedAt),
    twoFactorEnabled: Boolean(user.totp),
    createdAt: user.createdAt,
  };
}

export interface PendingInvitation {
  email: string;
  role: Role | null;
  expiresAt: Date;
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number })?.code === 11000;
}

function requireRole(actor: Actor | null, ...roles: Role[]): Actor {
  if (!actor?.roles.some((role) => roles.includes(role))) throw new ForbiddenError();
  return actor;
}

const emailTaken = () => new ValidationError({ email: ['该邮箱已注册 / This e-mail address is already registered'] });

export interface AccountsServiceDeps {
  users: UserModel;
  tokens: AccountTokens;
  throttle: LoginThrottle;
  organisations: OrganisationService;
  audit: AuditService;
  mail: MailService;
}

export function createAccountsService({ users, tokens, throttle, organisations, audit, mail }: AccountsServiceDeps) {
  async function findUser(id: string): Promise<UserRecord | null> {
    return /^[a-f0-9]{24}$/.test(id) ? users.findById(id).lean<UserRecord>() : null;
  }

  async function sendVerification(user: UserRecord, organisation: Organisation): Promise<void> {
    const userId = user._id.toHexString();
    await tokens.revokeOutstanding('verify-email', { userId });
    const { token } = await tokens.issue({ purpose: 'verify-email', email: user.email, userId, validMs: VERIFY_EMAIL_VALID_MS });
    await mail.send({
      to: user.email,
      template: 'verify-email',
      locale: user.locale,
      params: { name: user.name, organisation: organisation.name, link: mail.link(`/verify-email/${token}`) },
    });
  }

  return {
    /**
     * Self-registration: a pending organisation and its first administrator,
     * whose address is verified by an e-mailed link before they can sign in.
     */
    async register(input: RegistrationInput, ip: string): Promise<{ organisation: Organisation; userId: string }> {
      if (await users.exists({ email: input.adminEmail })) throw new ValidationError({ adminEmail: emailTaken().fieldErrors.email! });
      const organisation = await organisations.create(input);
      let user: UserRecord;
      try {
        const created = await users.create({
          email: input.adminEmail,
          name: input.adminName,
          passwordHash: await hashPassword(input.password),
          roles: ['org-admin'],
          organisationId: organisation.id,
          credentialsChangedAt: new Date(),
        });
        user = created.toObject();
      } catch (error) {
        await organisations.abandonRegistration(organisation.id);
        if (isDuplicateKey(error)) throw new ValidationError({ adminEmail: emailTaken().fieldErrors.email! });
        throw error;
      }
      await audit.record({
        actor: auditActorOfUser(user),
        action: 'organisation.registered',
        target: { type: 'organisation', id: organisation.id, label: organisation.name },
        details: { creditCode: organisation.creditCode, kind: organisation.kind },
        ip,
      });
      await sendVerification(user, organisation);
      return { organisation, userId: user._id.toHexString() };
    },

    async verifyEmail(token: string, ip: string): Promise<{ email: string }> {
      const spent = await tokens.consume('verify-email', token);
      const user = spent?.userId ? await findUser(spent.userId) : null;
      if (!spent || !user) throw new TokenInvalidError();
      await users.updateOne({ _id: user._id }, { $set: { emailVerifiedAt: user.emailVerifiedAt ?? new Date() } });
      await audit.record({ actor: auditActorOfUser(user), action: 'account.email_verified', target: { type: 'user', id: user._id.toHexString(), label: user.email }, ip });
      return { email: user.email };
    },

    async checkVerificationToken(token: string): Promise<void> {
      if (!(await tokens.peek('verify-email', token))) throw new TokenInvalidError();
    },

    /** Silent whatever the address, so the form does not reveal who is registered. */
    async resendVerification(email: string): Promise<void> {
      const user = await users.findOne({ email, emailVerifiedAt: null, disabledAt: null }).lean<UserRecord>();
      if (!user?.organisationId) return;
      await sendVerification(user, await organisations.get(user.organisationId));
    },

    async inviteMember(actor: Actor | null, input: { email: string; role: 'org-member' | 'org-admin' }, ip: string): Promise<void> {
      const admin = requireRole(actor, 'org-admin');
      if (!admin.organisationId) throw new ForbiddenError();
      if (await users.exists({ email: input.email })) throw emailTaken();
      const organisation = await organisations.get(admin.organisationId);
      const inviter = await findUser(admin.id);
      await tokens.revokeOutstanding('invitation', { email: input.email, organisationId: organisation.id });
      const { token } = await tokens.issue({
        purpose: 'invitation',
        email: input.email,
        organisationId: organisation.id,
        role: input.role,
        createdBy: admin.id,
        validMs: INVITATION_VALID_DAYS * 24 * 3_600_000,
      });
      await mail.send({
        to: input.email,
        template: 'invitation',
        params: { organisation: organisation.name, inviter: inviter?.name ?? organisation.name, link: mail.link(`/invitations/${token}`), validDays: INVITATION_VALID_DAYS },
      });
      await audit.record({
        actor: { ...admin, label: inviter?.email },
        action: 'organisation.member_invited',
        target: { type: 'organisation', id: organisation.id, label: organisation.name },
        details: { email: input.email, role: input.role },
        ip,
      });
    },

    async invitation(token: string): Promise<{ email: string; organisation: Organisation }> {
      const record = await tokens.peek('invitation', token);
      if (!record?.organisationId) throw new TokenInvalidError();
      return { email: record.email, organisation: await organisations.get(record.organisationId) };
    },

    async acceptInvitation(token: string, input: { name: string; password: string }, ip: string): Promise<{ email: string }> {
      const record: AccountTokenRecord | null = await tokens.consume('invitation', token);
      if (!record?.organisationId) throw new TokenInvalidError();
      let user: UserRecord;
      try {
        const created = await users.create({
          email: record.email,
          name: input.name,
          passwordHash: await hashPassword(input.password),
          roles: [record.role ?? 'org-member'],
          organisationId: record.organisationId,
          emailVerifiedAt: new Date(),
          credentialsChangedAt: new Date(),
        });
        user = created.toObject();
      } catch (error) {
        if (isDuplicateKey(error)) throw new ConflictError('email_taken', '该邮箱已注册 / This e-mail address is already registered');
        throw error;
      }
      await audit.record({
        actor: auditActorOfUser(user),
        action: 'organisation.member_joined',
        target: { type: 'organisation', id: record.organisationId },
        details: { role: record.role, invitedBy: record.createdBy },
        ip,
      });
      return { email: user.email };
    },

    async members(actor: Actor | null): Promise<{ organisation: Organisation; members: Person[]; invitations: PendingInvitation[] }> {
      const member = requireRole(actor, 'org-admin', 'org-member');
      if (!member.organisationId) throw new NotFoundError();
      const [organisation, records, pending] = await Promise.all([
        organisations.get(member.organisationId),
        users.find({ organisationId: member.organisationId }).sort({ createdAt: 1 }).lean<UserRecord[]>(),
        member.roles.includes('org-admin') ? tokens.outstanding('invitation', { organisationId: member.organisationId }) : [],
      ]);
      return {
        organisation,
        members: records.map(toPerson),
        invitations: pending.map((token) => ({ email: token.email, role: token.role, expiresAt: token.expiresAt })),
      };
    },

    /** People of government organisations (who may be appointed) and the current organisers. */
    async organiserCandidates(actor: Actor | null): Promise<{ people: Array<Person & { organisation: Organisation | undefined }> }> {
      requireRole(actor, 'platform-admin');
      const government = await organisations.listByKind('government');
      const byId = new Map(government.map((organisation) => [organisation.id, organisation]));
      const records = await users
        .find({ $or: [{ organisationId: { $in: [...byId.keys()] } }, { roles: 'organiser' }] })
        .sort({ organisationId: 1, name: 1 })
        .lean<UserRecord[]>();
      return { people: records.map((record) => ({ ...toPerson(record), organisation: record.organisationId ? byId.get(record.organisationId) : undefined })) };
    },

    /** Organisers are people of a government organisation appointed by a platform admin. */
    async appointOrganiser(actor: Actor | null, userId: string, ip: string): Promise<Person> {
      const admin = requireRole(actor, 'platform-admin');
      const user = await findUser(userId);
      if (!user) throw new NotFoundError('没有这个人员 / No such person', { userId });
      const organisation = user.organisationId ? await organisations.get(user.organisationId) : undefined;
      if (organisation?.kind !== 'government') {
        throw new ValidationError({ userId: ['组织者须属于政府部门 / Organisers belong to a government office'] });
      }
      if (organisation.status === 'rejected') throw new ValidationError({ userId: ['该单位认证未通过 / The organisation was rejected'] });
      const updated = await users.findOneAndUpdate({ _id: user._id }, { $addToSet: { roles: 'organiser' } }, { returnDocument: 'after' }).lean<UserRecord>();
      await audit.record({
        actor: admin,
        action: 'role.granted',
        target: { type: 'user', id: userId, label: user.email },
        details: { role: 'organiser', organisationId: organisation.id, organisation: organisation.name, alreadyHeld: user.roles.includes('organiser') },
        ip,
      });
      return toPerson(updated!);
    },

    async revokeOrganiser(actor: Actor | null, userId: string, ip: string): Promise<Person> {
      const admin = requireRole(actor, 'platform-admin');
      const updated = await users.findOneAndUpdate({ _id: /^[a-f0-9]{24}$/.test(userId) ? userId : null, roles: 'organiser' }, { $pull: { roles: 'organiser' } }, { returnDocument: 'after' }).lean<UserRecord>();
      if (!updated) throw new NotFoundError('该人员不是组织者 / This person is not an organiser', { userId });
      await audit.record({ actor: admin, action: 'role.revoked', target: { type: 'user', id: userId, label: updated.email }, details: { role: 'organiser' }, ip });
      return toPerson(updated);
    },

    async lockouts(actor: Actor | null) {
      requireRole(actor, 'platform-admin');
      const [accounts, addresses] = await Promise.all([throttle.list('account:'), throttle.list('ip:')]);
      return [...accounts, ...addresses].map((row) => ({ key: row.key, failures: row.failures, lockouts: row.lockouts, lockedUntil: row.lockedUntil }));
    },

    async unlock(actor: Actor | null, key: string, ip: string): Promise<void> {
      const admin = requireRole(actor, 'platform-admin');
      const normalised = key.startsWith('account:') ? accountKey(key.slice('account:'.length)) : addressKey(key.slice('ip:'.length));
      const removed = await throttle.unlock(normalised);
      if (!removed) throw new NotFoundError('没有这条锁定记录 / No such lockout', { key });
      await audit.record({ actor: admin, action: 'auth.unlocked', target: { type: normalised.startsWith('ip:') ? 'address' : 'account', id: normalised }, ip });
    },

    async profile(actor: Actor | null): Promise<Person & { locale: 'zh' | 'en'; organisation: Organisation | null }> {
      if (!actor) throw new ForbiddenError();
      const user = await findUser(actor.id);
      if (!user) throw new NotFoundError();
      return { ...toPerson(user), locale: user.locale, organisation: user.organisationId ? await organisations.get(user.organisationId) : null };
    },

    async updateProfile(actor: Actor | null, input: { name: string; locale: 'zh' | 'en' }): Promise<void> {
      if (!actor) throw new ForbiddenError();
      await users.updateOne({ _id: actor.id }, { $set: { name: input.name, locale: input.locale } });
    },

    /**
     * For trusted callers only (the admin CLI, demo seeds, tests): creates a
     * verified person directly, optionally already enrolled in TOTP.
     */
    async provision(raw: ProvisionInput): Promise<Person> {
      const input = validate(provisionInput, raw);
      if (input.organisationId) await organisations.get(input.organisationId);
      if (input.totpSecret) base32Decode(input.totpSecret);
      try {
        const created = await users.create({
          email: input.email,
          name: input.name,
          passwordHash: await hashPassword(input.password),
          roles: [...new Set(input.roles)],
          organisationId: input.organisationId ?? null,
          emailVerifiedAt: new Date(),
          credentialsChangedAt: new Date(),
          // The step before now, so the current code still works for the first sign-in.
          totp: input.totpSecret ? { secret: input.totpSecret, enabledAt: new Date(), lastStep: totpStep() - 2 } : null,
        });
        const person = toPerson(created.toObject());
        await audit.record({ actor: null, actorLabel: 'system', action: 'account.provisioned', target: { type: 'user', id: person.id, label: person.email }, details: { roles: person.roles } });
        return person;
      } catch (error) {
        if (isDuplicateKey(error)) throw emailTaken();
        throw error;
      }
    },

    async findByEmail(email: string): Promise<Person | null> {
      const user = await users.findOne({ email: email.trim().toLowerCase() }).lean<UserRecord>();
      return user ? toPerson(user) : null;
    },

    actorOf(person: Person): Actor {
      return { id: person.id, roles: person.roles, ...(person.organisationId ? { organisationId: person.organisationId } : {}) };
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
