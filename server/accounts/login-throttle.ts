import type { LoginThrottleModel, LoginThrottleRecord } from './accounts.model';

export interface ThrottlePolicy {
  /** Consecutive failures that lock an account. */
  accountFailures: number;
  /** Failures from one address (across accounts) that lock the address. */
  addressFailures: number;
  /** Lockout lengths in minutes: the nth lockout in a row lasts the nth entry (the last one repeats). */
  lockoutMinutes: number[];
  /** Failures older than this are forgotten. */
  failureWindowMinutes: number;
  /** A clean day resets the escalation. */
  lockoutMemoryHours: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  accountFailures: 5,
  addressFailures: 20,
  lockoutMinutes: [1, 5, 15, 60, 240, 1440],
  failureWindowMinutes: 60,
  lockoutMemoryHours: 24,
};

export const accountKey = (email: string) => `account:${email.toLowerCase()}`;
export const addressKey = (ip: string) => `ip:${ip}`;

export interface Lockout {
  key: string;
  until: Date;
  lockouts: number;
}

/** Progressive lockout per account and per client address, persisted so restarts and multiple web processes share it. */
export function createLoginThrottle(throttles: LoginThrottleModel, policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY) {
  const threshold = (key: string) => (key.startsWith('ip:') ? policy.addressFailures : policy.accountFailures);
  const lockoutMs = (lockouts: number) => policy.lockoutMinutes[Math.min(lockouts, policy.lockoutMinutes.length - 1)]! * 60_000;

  return {
    async lockedUntil(keys: string[]): Promise<Date | null> {
      const rows = await throttles.find({ key: { $in: keys }, lockedUntil: { $gt: new Date() } }).lean<LoginThrottleRecord[]>();
      const until = rows.map((row) => row.lockedUntil!.getTime());
      return until.length ? new Date(Math.max(...until)) : null;
    },

    /** Counts a failure against every key; returns the lockouts this failure started. */
    async fail(keys: string[]): Promise<Lockout[]> {
      const now = new Date();
      const started: Lockout[] = [];
      for (const key of keys) {
        await throttles.updateOne(
          { key, lastFailureAt: { $lt: new Date(now.getTime() - policy.lockoutMemoryHours * 3_600_000) } },
          { $set: { failures: 0, lockouts: 0 } },
        );
        await throttles.updateOne({ key, lastFailureAt: { $lt: new Date(now.getTime() - policy.failureWindowMinutes * 60_000) } }, { $set: { failures: 0 } });
        const row = await throttles
          .findOneAndUpdate({ key }, { $inc: { failures: 1 }, $set: { lastFailureAt: now } }, { upsert: true, returnDocument: 'after' })
          .lean<LoginThrottleRecord>();
        if (row && row.failures >= threshold(key)) {
          const until = new Date(now.getTime() + lockoutMs(row.lockouts));
          const locked = await throttles
            .findOneAndUpdate({ key, failures: { $gte: threshold(key) } }, { $set: { failures: 0, lockedUntil: until }, $inc: { lockouts: 1 } }, { returnDocument: 'after' })
            .lean<LoginThrottleRecord>();
          if (locked) started.push({ key, until, lockouts: locked.lockouts });
        }
      }
      return started;
    },

    /** A successful sign-in clears the account's counters (never the address's: one good account must not reset an attack). */
    async succeed(key: string): Promise<void> {
      await throttles.deleteOne({ key });
    },

    async unlock(key: string): Promise<boolean> {
      const result = await throttles.deleteOne({ key });
      return result.deletedCount > 0;
    },

    async list(prefix: string): Promise<LoginThrottleRecord[]> {
      return throttles
        .find({ key: { $regex: `^${prefix}` }, $or: [{ lockedUntil: { $gt: new Date() } }, { failures: { $gt: 0 } }] })
        .sort({ lockedUntil: -1, key: 1 })
        .limit(200)
        .lean<LoginThrottleRecord[]>();
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
