import { formatTime } from '../core/time';
import type { AuditQuery } from './audit.schemas';
import type { AuditEntry } from './audit.service';

export interface AuditRowView {
  at: string;
  action: string;
  actor: string;
  roles: string;
  target: string;
  details: string;
  ip: string;
}

function presentRow(entry: AuditEntry): AuditRowView {
  return {
    at: formatTime(entry.at),
    action: entry.action,
    actor: entry.actor.label ?? entry.actor.id ?? '—',
    roles: entry.actor.roles.join(', '),
    target: entry.target ? `${entry.target.type}:${entry.target.label ?? entry.target.id}` : '—',
    details: Object.keys(entry.details).length ? JSON.stringify(entry.details) : '',
    ip: entry.ip ?? '',
  };
}

export function presentAuditPage(result: { entries: AuditEntry[]; total: number; page: number; pages: number }, query: AuditQuery) {
  const filters = { action: query.action ?? '', actor: query.actor ?? '', target: query.target ?? '', from: query.from ?? '', to: query.to ?? '' };
  const pageHref = (page: number) => {
    const params = new URLSearchParams(Object.entries(filters).filter(([, value]) => value));
    params.set('page', String(page));
    return `/admin/audit?${params.toString()}`;
  };
  return {
    filters,
    rows: result.entries.map(presentRow),
    total: result.total,
    page: result.page,
    pages: result.pages,
    previousHref: result.page > 1 ? pageHref(result.page - 1) : null,
    nextHref: result.page < result.pages ? pageHref(result.page + 1) : null,
  };
}
