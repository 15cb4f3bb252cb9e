import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const WATCHED_LISTINGS = ['needs', 'capabilities'] as const;
export type WatchedListing = (typeof WATCHED_LISTINGS)[number];

/** What an organisation wants to hear about in its daily digest. */
export interface AlertSubscriptionRecord {
  _id: Types.ObjectId;
  organisationId: string;
  enabled: boolean;
  leaves: string[];
  keywords: string[];
  watch: WatchedListing[];
  /** Listings published after this went into the last digest; null until the first. */
  lastDigestAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const subscriptionSchema = new Schema<AlertSubscriptionRecord>(
  {
    organisationId: { type: String, required: true, unique: true },
    enabled: { type: Boolean, default: true },
    leaves: { type: [String], default: [] },
    keywords: { type: [String], default: [] },
    watch: { type: [String], enum: WATCHED_LISTINGS, default: ['needs'] },
    lastDigestAt: { type: Date, default: null },
  },
  { collection: 'alert_subscriptions', timestamps: true },
);

/**
 * A listing was published and its strong matches are still to be told: kept
 * in the store so a crash or a search outage delays the notices, never loses them.
 */
export interface PublicationEventRecord {
  _id: Types.ObjectId;
  listing: 'need' | 'capability';
  listingId: string;
  /** Set by the job that took it; a claim older than the lease is taken again. */
  claimedAt: Date | null;
  processedAt: Date | null;
  attempts: number;
  createdAt: Date;
}

const eventSchema = new Schema<PublicationEventRecord>(
  {
    listing: { type: String, enum: ['need', 'capability'], required: true },
    listingId: { type: String, required: true },
    claimedAt: { type: Date, default: null },
    processedAt: { type: Date, default: null },
    attempts: { type: Number, default: 0 },
  },
  { collection: 'publication_events', timestamps: { createdAt: true, updatedAt: false } },
);
eventSchema.index({ processedAt: 1, createdAt: 1 });

export type AlertSubscriptionModel = Model<AlertSubscriptionRecord>;
export type PublicationEventModel = Model<PublicationEventRecord>;

export function alertSubscriptionModel(connection: Connection): AlertSubscriptionModel {
  return (connection.models.AlertSubscription as AlertSubscriptionModel | undefined) ?? connection.model<AlertSubscriptionRecord>('AlertSubscription', subscriptionSchema);
}

export function publicationEventModel(connection: Connection): PublicationEventModel {
  return (connection.models.PublicationEvent as PublicationEventModel | undefined) ?? connection.model<PublicationEventRecord>('PublicationEvent', eventSchema);
}
