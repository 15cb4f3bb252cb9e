import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * `pending`: recorded or changed, awaiting an organiser; `verified`: checked
 * against the scan; `rejected`: refused with a reason; `expired`: was
 * verified, and its expiry date has passed.
 */
export const QUALIFICATION_STATUSES = ['pending', 'verified', 'rejected', 'expired'] as const;
export type QualificationStatus = (typeof QUALIFICATION_STATUSES)[number];

/** Days before expiry at which the organisation is reminded, each once. */
export const REMINDER_DAYS = [60, 30, 7] as const;

export interface QualificationRecord {
  _id: Types.ObjectId;
  organisationId: string;
  /** A code of the qualification catalogue. */
  type: string;
  /** A level code of that type; null for types without levels. */
  level: string | null;
  certificateNumber: string;
  issuingAuthority: string;
  /** `YYYY-MM-DD`, Beijing calendar days. */
  issuedOn: string;
  /** The last day the certificate is valid. */
  expiresOn: string;
  /** The certificate scan, a stored file of the organisation. */
  scanFileId: string;
  status: QualificationStatus;
  decision: { outcome: 'verified' | 'rejected'; decidedBy: string; decidedAt: Date; reason: string } | null;
  /** Which of REMINDER_DAYS have been e-mailed for the current expiry date. */
  remindersSent: number[];
  recordedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const day = /^\d{4}-\d{2}-\d{2}$/;

const qualificationSchema = new Schema<QualificationRecord>(
  {
    organisationId: { type: String, required: true },
    type: { type: String, required: true },
    level: { type: String, default: null },
    certificateNumber: { type: String, required: true, trim: true, maxlength: 100 },
    issuingAuthority: { type: String, required: true, trim: true, maxlength: 100 },
    issuedOn: { type: String, required: true, match: day },
    expiresOn: { type: String, required: true, match: day },
    scanFileId: { type: String, required: true },
    status: { type: String, enum: QUALIFICATION_STATUSES, required: true, default: 'pending' },
    decision: {
      type: new Schema({ outcome: { type: String, enum: ['verified', 'rejected'] }, decidedBy: String, decidedAt: Date, reason: String }, { _id: false }),
      default: null,
    },
    remindersSent: { type: [Number], default: [] },
    recordedBy: { type: String, required: true },
  },
  { collection: 'qualifications', timestamps: true },
);
qualificationSchema.index({ organisationId: 1, status: 1 });
qualificationSchema.index({ status: 1, expiresOn: 1 });

export type QualificationModel = Model<QualificationRecord>;

export function qualificationModel(connection: Connection): QualificationModel {
  return (connection.models.Qualification as QualificationModel | undefined) ?? connection.model<QualificationRecord>('Qualification', qualificationSchema);
}
