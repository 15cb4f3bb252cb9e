import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface AuditRecord {
  _id: Types.ObjectId;
  at: Date;
  action: string;
  actor: { id: string | null; label: string | null; roles: string[]; organisationId: string | null };
  target: { type: string; id: string; label: string | null } | null;
  details: Record<string, unknown>;
  ip: string | null;
}

const auditSchema = new Schema<AuditRecord>(
  {
    at: { type: Date, required: true },
    action: { type: String, required: true, match: /^[a-z][a-z0-9_.-]*$/ },
    actor: {
      id: { type: String, default: null },
      label: { type: String, default: null },
      roles: { type: [String], default: [] },
      organisationId: { type: String, default: null },
    },
    target: {
      type: new Schema({ type: { type: String, required: true }, id: { type: String, required: true }, label: { type: String, default: null } }, { _id: false }),
      default: null,
    },
    details: { type: Schema.Types.Mixed, default: {} },
    ip: { type: String, default: null },
  },
  { collection: 'audit_log', versionKey: false, minimize: false },
);
auditSchema.index({ at: -1 });
auditSchema.index({ action: 1, at: -1 });
auditSchema.index({ 'actor.id': 1, at: -1 });
auditSchema.index({ 'target.id': 1, at: -1 });

export type AuditModel = Model<AuditRecord>;

export function auditModel(connection: Connection): AuditModel {
  return (connection.models.AuditEntry as AuditModel | undefined) ?? connection.model<AuditRecord>('AuditEntry', auditSchema);
}
