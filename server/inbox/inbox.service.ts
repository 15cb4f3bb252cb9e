import type { Actor } from '../core/actor';
import { ForbiddenError } from '../core/errors';
import type { MailService } from '../mail';
import type { OrganisationService } from '../organisations';
import type { NotificationModel, NotificationRecord } from './inbox.model';

export const INBOX_PAGE_SIZE = 30;

export interface Notification {
  id: string;
  topic: string;
  title: string;
  body: string;
  link: string;
  read: boolean;
  createdAt: Date;
}

export interface NotificationInput {
  topic: string;
  title: string;
  body: string;
  link: string;
}

function toNotification(record: NotificationRecord): Notification {
  return { id: record._id.toHexString(), topic: record.topic, title: record.title, body: record.body, link: record.link, read: record.readAt !== null, createdAt: record.createdAt };
}

function memberOrganisation(actor: Actor | null): string {
  if (!actor?.organisationId || !actor.roles.some((role) => role === 'org-admin' || role === 'org-member')) throw new ForbiddenError();
  return actor.organisationId;
}

export function createInboxService(deps: { notifications: NotificationModel; organisations: OrganisationService; mail: MailService }) {
  const { notifications, organisations, mail } = deps;
  return {
    /**
     * Tells an organisation: an entry in its inbox and an e-mail to its
     * contact address with the same words and a link back. Callers put only
     * what the organisation may see into the words.
     */
    async notify(organisationId: string, message: NotificationInput): Promise<void> {
      await notifications.create({ organisationId, ...message });
      const organisation = await organisations.get(organisationId);
      if (organisation.contact.email) {
        await mail.send({ to: organisation.contact.email, template: 'notification', params: { organisation: organisation.name, title: message.title, body: message.body, link: mail.link(message.link) } });
      }
    },

    async list(actor: Actor | null, page: number): Promise<{ notifications: Notification[]; unread: number; page: number; pages: number }> {
      const organisationId = memberOrganisation(actor);
      const [records, total, unread] = await Promise.all([
        notifications
          .find({ organisationId })
          .sort({ createdAt: -1, _id: -1 })
          .skip((page - 1) * INBOX_PAGE_SIZE)
          .limit(INBOX_PAGE_SIZE)
          .lean<NotificationRecord[]>(),
        notifications.countDocuments({ organisationId }),
        notifications.countDocuments({ organisationId, readAt: null }),
      ]);
      return { notifications: records.map(toNotification), unread, page, pages: Math.max(1, Math.ceil(total / INBOX_PAGE_SIZE)) };
    },

    async markAllRead(actor: Actor | null): Promise<void> {
      await notifications.updateMany({ organisationId: memberOrganisation(actor), readAt: null }, { $set: { readAt: new Date() } });
    },

    /** For the header badge; zero for people without an organisation. */
    async unreadCount(actor: Actor | null): Promise<number> {
      if (!actor?.organisationId) return 0;
      return notifications.countDocuments({ organisationId: actor.organisationId, readAt: null });
    },
  };
}

export type InboxService = ReturnType<typeof createInboxService>;
