import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * `queued`: written, not yet handed to SMTP; `sent`: accepted by the SMTP
 * server; `failed`: the last attempt failed (retried until attempts run out);
 * `captured`: no SMTP is configured, the message is only kept here.
 */
export const OUTBOX_STATUSES = ['queued', 'sent', 'failed', 'captured'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export interface OutboxRecord {
  _id: Types.ObjectId;
  to: string;
  from: string;
  subject: string;
  text: string;
  template: string;
  locale: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const outboxSchema = new Schema<OutboxRecord>(
  {
    to: { type: String, required: true },
    from: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    template: { type: String, required: true },
    locale: { type: String, required: true },
    status: { type: String, enum: OUTBOX_STATUSES, required: true },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    nextAttemptAt: { type: Date, default: null },
    sentAt: { type: Date, default: null },
  },
  { collection: 'outbox', timestamps: true },
);
outboxSchema.index({ status: 1, nextAttemptAt: 1 });
outboxSchema.index({ createdAt: -1 });

export type OutboxModel = Model<OutboxRecord>;

export function outboxModel(connection: Connection): OutboxModel {
  return (connection.models.OutboxMessage as OutboxModel | undefined) ?? connection.model<OutboxRecord>('OutboxMessage', outboxSchema);
}
