import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const TERM_ACTIONS = ['reject', 'hold'] as const;
export type TermAction = (typeof TERM_ACTIONS)[number];

/**
 * A sensitive term the screen looks for. `literal` terms are what organisers
 * type (matched case-insensitively); `pattern` terms are the built-in
 * classification markings, seeded from code, because letting people enter
 * regular expressions would let one bad pattern stall every submission.
 */
export interface SensitiveTermRecord {
  _id: Types.ObjectId;
  term: string;
  match: 'literal' | 'pattern';
  action: TermAction;
  note: string;
  builtIn: boolean;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const sensitiveTermSchema = new Schema<SensitiveTermRecord>(
  {
    term: { type: String, required: true, trim: true, maxlength: 100 },
    match: { type: String, enum: ['literal', 'pattern'], required: true },
    action: { type: String, enum: TERM_ACTIONS, required: true },
    note: { type: String, default: '', maxlength: 200 },
    builtIn: { type: Boolean, default: false },
    createdBy: { type: String, default: null },
  },
  { collection: 'sensitive_terms', timestamps: true },
);
sensitiveTermSchema.index({ term: 1, match: 1 }, { unique: true });

export type SensitiveTermModel = Model<SensitiveTermRecord>;

export function sensitiveTermModel(connection: Connection): SensitiveTermModel {
  return (connection.models.SensitiveTerm as SensitiveTermModel | undefined) ?? connection.model<SensitiveTermRecord>('SensitiveTerm', sensitiveTermSchema);
}
