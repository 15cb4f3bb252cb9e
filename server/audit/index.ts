import type { Connection } from 'mongoose';
import { auditModel } from './audit.model';
import { auditRoutes } from './audit.routes';
import { createAuditService } from './audit.service';

export function createAuditFeature(deps: { connection: Connection }) {
  const service = createAuditService({ entries: auditModel(deps.connection) });
  return { service, router: auditRoutes(service) };
}

export type { AuditService, AuditEvent, AuditEntry, AuditActor } from './audit.service';
