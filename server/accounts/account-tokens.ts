import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../core/actor';
import type { AccountTokenModel, AccountTokenRecord, TokenPurpose } from './accounts.model';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** Single-use, expiring tokens for e-mailed links; only their hash is stored. */
export function createAccountTokens(tokens: AccountTokenModel) {
  return {
    async issue(input: {
      purpose: TokenPurpose;
      email: string;
      validMs: number;
      userId?: string;
      organisationId?: string;
      role?: Role;
      createdBy?: string;
    }): Promise<IssuedToken> {
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + input.validMs);
      await tokens.create({
        purpose: input.purpose,
        tokenHash: sha256(token),
        email: input.email,
        userId: input.userId ?? null,
        organisationId: input.organisationId ?? null,
        role: input.role ?? null,
        createdBy: input.createdBy ?? null,
        expiresAt,
      });
      return { token, expiresAt };
    },

    /** Looks a token up without spending it (to show the form the link leads to). */
    async peek(purpose: TokenPurpose, token: string): Promise<AccountTokenRecord | null> {
      return tokens.findOne({ purpose, tokenHash: sha256(token), usedAt: null, expiresAt: { $gt: new Date() } }).lean<AccountTokenRecord>();
    },

    /** Spends a token atomically: of two concurrent uses only one gets the record. */
    async consume(purpose: TokenPurpose, token: string): Promise<AccountTokenRecord | null> {
      return tokens
        .findOneAndUpdate({ purpose, tokenHash: sha256(token), usedAt: null, expiresAt: { $gt: new Date() } }, { $set: { usedAt: new Date() } }, { returnDocument: 'after' })
        .lean<AccountTokenRecord>();
    },

    /** Older links of the same kind stop working when a new one is sent. */
    async revokeOutstanding(purpose: TokenPurpose, filter: { userId?: string; email?: string; organisationId?: string }): Promise<void> {
      await tokens.updateMany({ purpose, usedAt: null, ...filter }, { $set: { usedAt: new Date() } });
    },

    async outstanding(purpose: TokenPurpose, filter: { organisationId: string }): Promise<AccountTokenRecord[]> {
      return tokens
        .find({ purpose, usedAt: null, expiresAt: { $gt: new Date() }, ...filter })
        .sort({ createdAt: -1 })
        .lean<AccountTokenRecord[]>();
    },
  };
}

export type AccountTokens = ReturnType<typeof createAccountTokens>;
