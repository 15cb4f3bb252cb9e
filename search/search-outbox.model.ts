import { Schema, Types, type Connection, type Model } from 'mongoose';

/**
 * One row per document whose index entry may be stale. Writing the row is part
 * of the acknowledged write path, so a change is never lost when search is
 * down; `token` changes on every new change so a row being applied is not
 * deleted if the document changed again meanwhile.
 */
export interface SearchOutboxRecord {
  collectionName: string;
  docId: string;
  token: Types.ObjectId;
  attempts: number;
  nextAttemptAt: Date;
  lastError?: string;
  createdAt: Date;
  updatedAt: Date;
}

const outboxSchema = new Schema<SearchOutboxRecord>(
  {
    collectionName: { type: String, required: true },
    docId: { type: String, required: true },
    token: { type: Schema.Types.ObjectId, required: true },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    lastError: { type: String },
  },
  { collection: 'search_outbox', timestamps: true },
);
outboxSchema.index({ collectionName: 1, docId: 1 }, { unique: true });
outboxSchema.index({ nextAttemptAt: 1 });

export type SearchOutboxModel = Model<SearchOutboxRecord>;

export function searchOutboxModel(connection: Connection): SearchOutboxModel {
  return (connection.models.SearchOutbox as SearchOutboxModel | undefined) ?? connection.model<SearchOutboxRecord>('SearchOutbox', outboxSchema);
}
