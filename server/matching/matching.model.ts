import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { keptFileFields, type KeptFileRecord } from '../core/kept-file';

/**
 * Where a supplier stands with a need. `invited`: the need's owner asked it to
 * respond; `responded`: it sent a proposal; the owner then shortlists, talks,
 * selects or declines; the supplier may decline an invitation or withdraw.
 */
export const RESPONSE_STATUSES = ['invited', 'responded', 'shortlisted', 'in_talks', 'selected', 'declined', 'withdrawn'] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];

export interface ResponseMessageRecord {
  _id: Types.ObjectId;
  organisationId: string;
  by: string;
  body: string;
  at: Date;
}

/** A document either side attached to the thread; seen only by the two sides and the reviewers. */
export interface ResponseAttachmentRecord extends KeptFileRecord {
  /** The side that attached it. */
  organisationId: string;
}

export interface ResponseStepRecord {
  from: ResponseStatus | null;
  to: ResponseStatus;
  by: string;
  organisationId: string;
  reason: string;
  at: Date;
}

export interface ResponseOutcomeRecord {
  intentSigned: boolean;
  /** Yuan; optional, for the statistics. */
  contractValue: number | null;
  recordedBy: string;
  recordedAt: Date;
}

/** One supplier's thread on one need, shared by both sides. */
export interface ResponseThreadRecord {
  _id: Types.ObjectId;
  needId: string;
  needTitle: string;
  needOrganisationId: string;
  supplierOrganisationId: string;
  /** The supplier's capability the thread is about, when there is one. */
  capabilityId: string | null;
  status: ResponseStatus;
  proposal: string;
  declineReason: string;
  outcome: ResponseOutcomeRecord | null;
  messages: ResponseMessageRecord[];
  attachments: ResponseAttachmentRecord[];
  history: ResponseStepRecord[];
  createdAt: Date;
  updatedAt: Date;
}

const messageSchema = new Schema<ResponseMessageRecord>({
  organisationId: { type: String, required: true },
  by: { type: String, required: true },
  body: { type: String, required: true, maxlength: 4000 },
  at: { type: Date, required: true },
});

const attachmentSchema = new Schema<ResponseAttachmentRecord>({ ...keptFileFields, organisationId: { type: String, required: true } });

const stepSchema = new Schema<ResponseStepRecord>(
  {
    from: { type: String, enum: [...RESPONSE_STATUSES, null], default: null },
    to: { type: String, enum: RESPONSE_STATUSES, required: true },
    by: { type: String, required: true },
    organisationId: { type: String, required: true },
    reason: { type: String, default: '', maxlength: 1000 },
    at: { type: Date, required: true },
  },
  { _id: false },
);

const threadSchema = new Schema<ResponseThreadRecord>(
  {
    needId: { type: String, required: true },
    needTitle: { type: String, required: true },
    needOrganisationId: { type: String, required: true },
    supplierOrganisationId: { type: String, required: true },
    capabilityId: { type: String, default: null },
    status: { type: String, enum: RESPONSE_STATUSES, required: true },
    proposal: { type: String, default: '', maxlength: 4000 },
    declineReason: { type: String, default: '', maxlength: 1000 },
    outcome: {
      type: new Schema<ResponseOutcomeRecord>(
        { intentSigned: { type: Boolean, required: true }, contractValue: { type: Number, default: null, min: 0 }, recordedBy: { type: String, required: true }, recordedAt: { type: Date, required: true } },
        { _id: false },
      ),
      default: null,
    },
    messages: { type: [messageSchema], default: [] },
    attachments: { type: [attachmentSchema], default: [] },
    history: { type: [stepSchema], default: [] },
  },
  { collection: 'response_threads', timestamps: true },
);
threadSchema.index({ needId: 1, supplierOrganisationId: 1 }, { unique: true });
threadSchema.index({ supplierOrganisationId: 1, updatedAt: -1 });
threadSchema.index({ needOrganisationId: 1, updatedAt: -1 });

export type ResponseThreadModel = Model<ResponseThreadRecord>;

export function responseThreadModel(connection: Connection): ResponseThreadModel {
  return (connection.models.ResponseThread as ResponseThreadModel | undefined) ?? connection.model<ResponseThreadRecord>('ResponseThread', threadSchema);
}
