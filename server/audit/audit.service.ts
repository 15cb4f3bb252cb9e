import type { Actor } from '../core/actor';
import { ForbiddenError } from '../core/errors';
import type { AuditModel, AuditRecord } from './audit.model';
import type { AuditQuery } from './audit.schemas';

export interface AuditActor extends Actor {
  /** How people recognise the actor in the viewer (usually the e-mail address). */
  label?: string;
}

export interface AuditEvent {
  /** null for anonymous events such as a failed sign-in. */
  actor: AuditActor | null;
  /** Dotted verb, e.g. `auth.login`, `role.granted`, `organisation.verified`. */
  action: string;
  target?: { type: string; id: string; label?: string };
  details?: Record<string, unknown>;
  ip?: string;
  /** For anonymous events: who it was about (the e-mail tried). */
  actorLabel?: string;
}

export interface AuditEntry {
  id: string;
  at: Date;
  action: string;
  actor: AuditRecord['actor'];
  target: AuditRecord['target'];
  details: Record<string, unknown>;
  ip: string | null;
}

export const AUDIT_PAGE_SIZE = 50;

function toEntry(record: AuditRecord): AuditEntry {
  return {
    id: record._id.toHexString(),
    at: record.at,
    action: record.action,
    actor: record.actor,
    target: record.target,
    details: record.details ?? {},
    ip: record.ip,
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Append-only: the service offers no way to change or remove an entry, so
 * nothing in the application can rewrite history.
 */
export function createAuditService({ entries }: { entries: AuditModel }) {
  return {
    async record(event: AuditEvent): Promise<void> {
      await entries.create({
        at: new Date(),
        action: event.action,
        actor: {
          id: event.actor?.id ?? null,
          label: event.actor?.label ?? event.actorLabel ?? null,
          roles: event.actor?.roles ?? [],
          organisationId: event.actor?.organisationId ?? null,
        },
        target: event.target ? { type: event.target.type, id: event.target.id, label: event.target.label ?? null } : null,
        details: event.details ?? {},
        ip: event.ip ?? null,
      });
    },

    async search(actor: Actor | null, query: AuditQuery): Promise<{ entries: AuditEntry[]; total: number; page: number; pages: number }> {
      if (!actor?.roles.includes('platform-admin')) throw new ForbiddenError();
      const filter: Record<string, unknown> = {};
      if (query.action) filter.action = { $regex: `^${escapeRegex(query.action)}` };
      if (query.actor) filter.$or = [{ 'actor.id': query.actor }, { 'actor.label': { $regex: escapeRegex(query.actor), $options: 'i' } }];
      if (query.target) {
        const byTarget = [{ 'target.id': query.target }, { 'target.label': { $regex: escapeRegex(query.target), $options: 'i' } }];
        filter.$and = [...((filter.$and as unknown[]) ?? []), { $or: byTarget }];
      }
      if (query.from || query.to) {
        const range: Record<string, Date> = {};
        if (query.from) range.$gte = new Date(`${query.from}T00:00:00+08:00`);
        if (query.to) range.$lt = new Date(new Date(`${query.to}T00:00:00+08:00`).getTime() + 86_400_000);
        filter.at = range;
      }
      const total = await entries.countDocuments(filter);
      const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
      const page = Math.min(query.page, pages);
      const records = await entries
        .find(filter)
        .sort({ at: -1, _id: -1 })
        .skip((page - 1) * AUDIT_PAGE_SIZE)
        .limit(AUDIT_PAGE_SIZE)
        .lean<AuditRecord[]>();
      return { entries: records.map(toEntry), total, page, pages };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
