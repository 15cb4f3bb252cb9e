import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { keptFileFields, type KeptFileRecord } from '../core/kept-file';

export const NEED_STATUSES = ['draft', 'in_review', 'published', 'closed'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

export const NEED_VISIBILITIES = ['public', 'registered', 'qualified', 'invited'] as const;
export type NeedVisibility = (typeof NEED_VISIBILITIES)[number];

export const CLOSURE_REASONS = ['fulfilled', 'cancelled', 'expired'] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];

export type NeedAttachmentRecord = KeptFileRecord;

export interface HeldFindingRecord {
  field: string;
  found: string;
  rule: string;
}

/** One entry of the edit history: who did what, and the previous values of what an edit changed. */
export interface NeedRevisionRecord {
  number: number;
  at: Date;
  by: string | null;
  action: string;
  fromStatus: NeedStatus | null;
  toStatus: NeedStatus;
  comment: string;
  previous: Record<string, unknown>;
}

export interface NeedRecord {
  _id: Types.ObjectId;
  organisationId: string;
  /** Copied from the organisation at every save, for search facets and listings. */
  organisation: { name: string; kind: string; province: string };
  createdBy: string;
  kind: string;
  title: string;
  summary: string;
  description: string;
  industries: string[];
  requirements: {
    qualifications: Array<{ type: string; minLevel: string | null }>;
    minTrl: number | null;
    preferredRegions: string[];
  };
  quantity: string;
  budget: { min: number | null; max: number | null; hidden: boolean };
  responseDeadline: Date;
  delivery: { place: string; time: string };
  contact: { person: string; phone: string; email: string };
  visibility: NeedVisibility;
  /** Organisations named by their unified social credit code, so an invitation can precede registration. */
  invitedCreditCodes: string[];
  attachments: NeedAttachmentRecord[];
  status: NeedStatus;
  closure: { reason: ClosureReason; at: Date; by: string | null } | null;
  review: { heldFindings: HeldFindingRecord[]; comments: string; decidedBy: string | null; decidedAt: Date | null; submittedAt: Date | null };
  declaration: { by: string; at: Date };
  publishedAt: Date | null;
  revisions: NeedRevisionRecord[];
  createdAt: Date;
  updatedAt: Date;
}

const attachmentSchema = new Schema<NeedAttachmentRecord>(keptFileFields);

const needSchema = new Schema<NeedRecord>(
  {
    organisationId: { type: String, required: true, index: true },
    organisation: { name: { type: String, required: true }, kind: { type: String, required: true }, province: { type: String, required: true } },
    createdBy: { type: String, required: true },
    kind: { type: String, required: true },
    title: { type: String, required: true, maxlength: 100 },
    summary: { type: String, required: true, maxlength: 500 },
    description: { type: String, default: '', maxlength: 20_000 },
    industries: { type: [String], required: true },
    requirements: {
      qualifications: { type: [new Schema({ type: String, minLevel: { type: String, default: null } }, { _id: false })], default: [] },
      minTrl: { type: Number, default: null, min: 1, max: 9 },
      preferredRegions: { type: [String], default: [] },
    },
    quantity: { type: String, default: '' },
    budget: {
      min: { type: Number, default: null },
      max: { type: Number, default: null },
      hidden: { type: Boolean, default: false },
    },
    responseDeadline: { type: Date, required: true },
    delivery: { place: { type: String, default: '' }, time: { type: String, default: '' } },
    contact: { person: { type: String, required: true }, phone: { type: String, required: true }, email: { type: String, required: true } },
    visibility: { type: String, enum: NEED_VISIBILITIES, required: true },
    invitedCreditCodes: { type: [String], default: [] },
    attachments: { type: [attachmentSchema], default: [] },
    status: { type: String, enum: NEED_STATUSES, required: true, default: 'draft' },
    closure: {
      type: new Schema({ reason: { type: String, enum: CLOSURE_REASONS, required: true }, at: Date, by: { type: String, default: null } }, { _id: false }),
      default: null,
    },
    review: {
      heldFindings: { type: [new Schema({ field: String, found: String, rule: String }, { _id: false })], default: [] },
      comments: { type: String, default: '' },
      decidedBy: { type: String, default: null },
      decidedAt: { type: Date, default: null },
      submittedAt: { type: Date, default: null },
    },
    declaration: { by: { type: String, required: true }, at: { type: Date, required: true } },
    publishedAt: { type: Date, default: null },
    revisions: {
      type: [
        new Schema(
          {
            number: Number,
            at: Date,
            by: { type: String, default: null },
            action: String,
            fromStatus: { type: String, default: null },
            toStatus: String,
            comment: { type: String, default: '' },
            previous: { type: Schema.Types.Mixed, default: {} },
          },
          { _id: false, minimize: false },
        ),
      ],
      default: [],
    },
  },
  { collection: 'needs', timestamps: true, minimize: false },
);
needSchema.index({ status: 1, responseDeadline: 1 });
needSchema.index({ status: 1, 'review.submittedAt': 1 });

export type NeedModel = Model<NeedRecord>;

export function needModel(connection: Connection): NeedModel {
  return (connection.models.Need as NeedModel | undefined) ?? connection.model<NeedRecord>('Need', needSchema);
}
