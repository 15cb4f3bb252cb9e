import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const ORGANISATION_STATUSES = ['pending', 'verified', 'rejected'] as const;
export type OrganisationStatus = (typeof ORGANISATION_STATUSES)[number];

export interface OrganisationRecord {
  _id: Types.ObjectId;
  name: string;
  creditCode: string;
  kind: string;
  province: string;
  city: string;
  industries: string[];
  introduction: string;
  contact: { person: string; phone: string; email: string };
  status: OrganisationStatus;
  verification: { decidedBy: string; decidedAt: Date; reason: string } | null;
  /** The business licence (营业执照) scan organisers review; a stored file id. */
  licenceFileId: string | null;
  licenceSubmittedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const organisationSchema = new Schema<OrganisationRecord>(
  {
    name: { type: String, required: true, trim: true, maxlength: 100 },
    creditCode: { type: String, required: true, unique: true, match: /^[0-9A-HJ-NPQRTUWXY]{18}$/ },
    kind: { type: String, required: true },
    province: { type: String, required: true },
    city: { type: String, required: true },
    industries: { type: [String], default: [] },
    introduction: { type: String, default: '', maxlength: 2000 },
    contact: {
      person: { type: String, required: true },
      phone: { type: String, required: true },
      email: { type: String, required: true },
    },
    status: { type: String, enum: ORGANISATION_STATUSES, required: true, default: 'pending' },
    verification: {
      type: new Schema({ decidedBy: String, decidedAt: Date, reason: String }, { _id: false }),
      default: null,
    },
    licenceFileId: { type: String, default: null },
    licenceSubmittedAt: { type: Date, default: null },
  },
  { collection: 'organisations', timestamps: true },
);
organisationSchema.index({ kind: 1, status: 1 });
organisationSchema.index({ status: 1, name: 1 });

export type OrganisationModel = Model<OrganisationRecord>;

export function organisationModel(connection: Connection): OrganisationModel {
  return (connection.models.Organisation as OrganisationModel | undefined) ?? connection.model<OrganisationRecord>('Organisation', organisationSchema);
}
