import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** What a stored file is for; decides nothing about access yet, but tells reviewers what they are looking at. */
export const FILE_KINDS = ['qualification-scan', 'business-licence'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export interface StoredFileRecord {
  _id: Types.ObjectId;
  organisationId: string;
  kind: FileKind;
  /** The sanitised client file name, used only for the download's file name. */
  name: string;
  /** Detected from the content: `pdf`, `png`, `jpeg`. */
  type: string;
  mime: string;
  size: number;
  sha256: string;
  /** Random name under DATA_DIR/uploads. */
  storageKey: string;
  uploadedBy: string;
  createdAt: Date;
}

const storedFileSchema = new Schema<StoredFileRecord>(
  {
    organisationId: { type: String, required: true },
    kind: { type: String, enum: FILE_KINDS, required: true },
    name: { type: String, required: true, maxlength: 120 },
    type: { type: String, required: true },
    mime: { type: String, required: true },
    size: { type: Number, required: true, min: 1 },
    sha256: { type: String, required: true, match: /^[a-f0-9]{64}$/ },
    storageKey: { type: String, required: true, unique: true, match: /^[a-f0-9]{32}$/ },
    uploadedBy: { type: String, required: true },
  },
  { collection: 'stored_files', timestamps: { createdAt: true, updatedAt: false } },
);
storedFileSchema.index({ organisationId: 1, kind: 1 });

export type StoredFileModel = Model<StoredFileRecord>;

export function storedFileModel(connection: Connection): StoredFileModel {
  return (connection.models.StoredFile as StoredFileModel | undefined) ?? connection.model<StoredFileRecord>('StoredFile', storedFileSchema);
}
