import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { keptFileFields, type KeptFileRecord } from '../core/kept-file';

export const CAPABILITY_STATUSES = ['draft', 'published', 'withdrawn'] as const;
export type CapabilityStatus = (typeof CAPABILITY_STATUSES)[number];

export interface SpecificationRow {
  name: string;
  value: string;
  unit: string;
}

/** An uploaded file of a capability. */
export type CapabilityFileRecord = KeptFileRecord;

export interface CapabilityImageRecord extends CapabilityFileRecord {
  /** Shown under the picture and used as its text alternative. */
  caption: string;
}

export interface CapabilityRecord {
  _id: Types.ObjectId;
  organisationId: string;
  kind: string;
  direction: string;
  title: string;
  summary: string;
  /** Markdown; rendered with raw HTML disabled. */
  description: string;
  industries: string[];
  keywords: string[];
  trl: number | null;
  specifications: SpecificationRow[];
  scenarios: string[];
  /** Qualifications of the owning organisation that back this capability. */
  qualificationIds: string[];
  attachments: CapabilityFileRecord[];
  images: CapabilityImageRecord[];
  status: CapabilityStatus;
  /** The poster's declaration that the listing carries no classified information, renewed at every publication. */
  declaration: { by: string; at: Date } | null;
  createdBy: string;
  updatedBy: string;
  publishedAt: Date | null;
  withdrawnAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const specificationSchema = new Schema<SpecificationRow>(
  {
    name: { type: String, required: true, maxlength: 60 },
    value: { type: String, required: true, maxlength: 120 },
    unit: { type: String, default: '', maxlength: 30 },
  },
  { _id: false },
);

const attachmentSchema = new Schema<CapabilityFileRecord>(keptFileFields);
const imageSchema = new Schema<CapabilityImageRecord>({ ...keptFileFields, caption: { type: String, default: '', maxlength: 100 } });

const capabilitySchema = new Schema<CapabilityRecord>(
  {
    organisationId: { type: String, required: true },
    kind: { type: String, required: true },
    direction: { type: String, required: true },
    title: { type: String, required: true, maxlength: 120 },
    summary: { type: String, required: true, maxlength: 500 },
    description: { type: String, default: '', maxlength: 20_000 },
    industries: { type: [String], required: true },
    keywords: { type: [String], default: [] },
    trl: { type: Number, default: null, min: 1, max: 9 },
    specifications: { type: [specificationSchema], default: [] },
    scenarios: { type: [String], default: [] },
    qualificationIds: { type: [String], default: [] },
    attachments: { type: [attachmentSchema], default: [] },
    images: { type: [imageSchema], default: [] },
    status: { type: String, enum: CAPABILITY_STATUSES, required: true, default: 'draft' },
    declaration: { type: new Schema({ by: String, at: Date }, { _id: false }), default: null },
    createdBy: { type: String, required: true },
    updatedBy: { type: String, required: true },
    publishedAt: { type: Date, default: null },
    withdrawnAt: { type: Date, default: null },
  },
  { collection: 'capabilities', timestamps: true },
);
capabilitySchema.index({ organisationId: 1, status: 1, updatedAt: -1 });
capabilitySchema.index({ status: 1, publishedAt: -1 });

export type CapabilityModel = Model<CapabilityRecord>;

export function capabilityModel(connection: Connection): CapabilityModel {
  return (connection.models.Capability as CapabilityModel | undefined) ?? connection.model<CapabilityRecord>('Capability', capabilitySchema);
}
