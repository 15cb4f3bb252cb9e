import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { ROLES, type Role } from '../core/actor';

export interface UserRecord {
  _id: Types.ObjectId;
  email: string;
  name: string;
  passwordHash: string;
  roles: Role[];
  organisationId: string | null;
  emailVerifiedAt: Date | null;
  locale: 'zh' | 'en';
  totp: { secret: string; enabledAt: Date; lastStep: number } | null;
  /** Proposed during enrolment, confirmed by the first valid code. */
  pendingTotpSecret: string | null;
  recoveryCodes: Array<{ hash: string; usedAt: Date | null }>;
  /** Sessions signed in before this instant are no longer accepted (password reset, 2FA change). */
  credentialsChangedAt: Date;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const userSchema = new Schema<UserRecord>(
  {
    email: { type: String, required: true, unique: true, lowercase: true, trim: true },
    name: { type: String, required: true, trim: true, maxlength: 50 },
    passwordHash: { type: String, required: true },
    roles: { type: [String], enum: ROLES, default: [] },
    organisationId: { type: String, default: null, index: true },
    emailVerifiedAt: { type: Date, default: null },
    locale: { type: String, enum: ['zh', 'en'], default: 'zh' },
    totp: {
      type: new Schema({ secret: { type: String, required: true }, enabledAt: { type: Date, required: true }, lastStep: { type: Number, default: 0 } }, { _id: false }),
      default: null,
    },
    pendingTotpSecret: { type: String, default: null },
    recoveryCodes: { type: [new Schema({ hash: { type: String, required: true }, usedAt: { type: Date, default: null } }, { _id: false })], default: [] },
    credentialsChangedAt: { type: Date, required: true },
    disabledAt: { type: Date, default: null },
  },
  { collection: 'users', timestamps: true },
);
userSchema.index({ roles: 1 });

export type UserModel = Model<UserRecord>;

export function userModel(connection: Connection): UserModel {
  return (connection.models.User as UserModel | undefined) ?? connection.model<UserRecord>('User', userSchema);
}

export const TOKEN_PURPOSES = ['verify-email', 'reset-password', 'invitation'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/** E-mailed tokens are stored only as their SHA-256, so a database leak does not hand them out. */
export interface AccountTokenRecord {
  _id: Types.ObjectId;
  purpose: TokenPurpose;
  tokenHash: string;
  email: string;
  userId: string | null;
  organisationId: string | null;
  role: Role | null;
  createdBy: string | null;
  expiresAt: Date;
  usedAt: Date | null;
  createdAt: Date;
}

const accountTokenSchema = new Schema<AccountTokenRecord>(
  {
    purpose: { type: String, enum: TOKEN_PURPOSES, required: true },
    tokenHash: { type: String, required: true, unique: true },
    email: { type: String, required: true },
    userId: { type: String, default: null },
    organisationId: { type: String, default: null },
    role: { type: String, enum: [...ROLES, null], default: null },
    createdBy: { type: String, default: null },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
  },
  { collection: 'account_tokens', timestamps: { createdAt: true, updatedAt: false } },
);
// Spent and expired tokens are kept a month for support questions, then removed by the store.
accountTokenSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 30 * 24 * 3600 });
accountTokenSchema.index({ organisationId: 1, purpose: 1 });

export type AccountTokenModel = Model<AccountTokenRecord>;

export function accountTokenModel(connection: Connection): AccountTokenModel {
  return (connection.models.AccountToken as AccountTokenModel | undefined) ?? connection.model<AccountTokenRecord>('AccountToken', accountTokenSchema);
}

/** Failed sign-in counters, one row per account (`account:<email>`) and per client address (`ip:<address>`). */
export interface LoginThrottleRecord {
  _id: Types.ObjectId;
  key: string;
  failures: number;
  /** How many lockouts in a row; each one lasts longer. */
  lockouts: number;
  lockedUntil: Date | null;
  lastFailureAt: Date | null;
}

const loginThrottleSchema = new Schema<LoginThrottleRecord>(
  {
    key: { type: String, required: true, unique: true },
    failures: { type: Number, default: 0 },
    lockouts: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    lastFailureAt: { type: Date, default: null },
  },
  { collection: 'login_throttles', versionKey: false },
);

export type LoginThrottleModel = Model<LoginThrottleRecord>;

export function loginThrottleModel(connection: Connection): LoginThrottleModel {
  return (connection.models.LoginThrottle as LoginThrottleModel | undefined) ?? connection.model<LoginThrottleRecord>('LoginThrottle', loginThrottleSchema);
}
