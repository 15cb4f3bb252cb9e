import { Schema, type Connection, type Model } from 'mongoose';

export interface IndustryRecord {
  code: string;
  /** The domain code for a leaf; null for a domain. */
  parent: string | null;
  level: 'domain' | 'leaf';
  zh: string;
  en: string;
  keywords: string[];
  /** Groups of true equivalents among the leaf's terms; they become search synonyms. */
  equivalents: string[][];
  sources: string[];
  position: number;
  createdAt: Date;
  updatedAt: Date;
}

const industrySchema = new Schema<IndustryRecord>(
  {
    code: { type: String, required: true, unique: true, match: /^[a-z0-9-]+(\.[a-z0-9-]+)?$/ },
    parent: { type: String, default: null, index: true },
    level: { type: String, enum: ['domain', 'leaf'], required: true },
    zh: { type: String, required: true, trim: true, maxlength: 80 },
    en: { type: String, required: true, trim: true, maxlength: 160 },
    keywords: { type: [String], default: [] },
    equivalents: { type: [[String]], default: undefined },
    sources: { type: [String], default: [] },
    position: { type: Number, required: true },
  },
  { collection: 'industries', timestamps: true },
);

export type IndustryModel = Model<IndustryRecord>;

export function industryModel(connection: Connection): IndustryModel {
  return (connection.models.Industry as IndustryModel | undefined) ?? connection.model<IndustryRecord>('Industry', industrySchema);
}
