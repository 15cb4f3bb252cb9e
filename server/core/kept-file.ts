import type { Types } from 'mongoose';

/**
 * An upload kept under DATA_DIR/uploads and embedded in the record it belongs
 * to (a need's attachment, a capability's image, a response's annex). The
 * client's name survives only as sanitised metadata.
 */
export interface KeptFileRecord {
  _id: Types.ObjectId;
  name: string;
  /** Detected from the content: `pdf`, `png`, `jpeg`, `docx`… */
  type: string;
  mime: string;
  size: number;
  sha256: string;
  /** Random name under DATA_DIR/uploads. */
  storageKey: string;
  uploadedBy: string;
  uploadedAt: Date;
}

/** The Mongoose fields of a `KeptFileRecord`, for the embedding schemas. */
export const keptFileFields = {
  name: { type: String, required: true, maxlength: 120 },
  type: { type: String, required: true },
  mime: { type: String, required: true },
  size: { type: Number, required: true, min: 1 },
  sha256: { type: String, required: true, match: /^[a-f0-9]{64}$/ },
  storageKey: { type: String, required: true, match: /^[a-f0-9]{32}$/ },
  uploadedBy: { type: String, required: true },
  uploadedAt: { type: Date, required: true },
};
