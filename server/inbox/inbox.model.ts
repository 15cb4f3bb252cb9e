import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** A message to an organisation's people: a response changed, a match or an alert arrived. */
export interface NotificationRecord {
  _id: Types.ObjectId;
  organisationId: string;
  /** `response.responded`, `alert.digest`, … : what the notification is about, for filtering and tests. */
  topic: string;
  title: string;
  body: string;
  /** Where the notification leads inside the platform (a path, never an outside address). */
  link: string;
  readAt: Date | null;
  createdAt: Date;
}

const notificationSchema = new Schema<NotificationRecord>(
  {
    organisationId: { type: String, required: true },
    topic: { type: String, required: true, maxlength: 60 },
    title: { type: String, required: true, maxlength: 300 },
    body: { type: String, default: '', maxlength: 4000 },
    link: { type: String, required: true, match: /^\/[^/]/ },
    readAt: { type: Date, default: null },
  },
  { collection: 'notifications', timestamps: { createdAt: true, updatedAt: false } },
);
notificationSchema.index({ organisationId: 1, createdAt: -1 });

export type NotificationModel = Model<NotificationRecord>;

export function notificationModel(connection: Connection): NotificationModel {
  return (connection.models.Notification as NotificationModel | undefined) ?? connection.model<NotificationRecord>('Notification', notificationSchema);
}
